"""The interchange contract (../shared/spec/bundle-format.md): reading and checking catalogue files.

``parse_document`` turns one loaded YAML document into normalised entries (every key present, with
the defaults of docs/architecture.md) and lists what is wrong with each entry on its own.
``check_references`` then checks what entries say about each other (departments, items, produced_by,
steps) across a batch of files and what the database already holds. Every problem is collected,
none stops the checking, and each names the file, the entry and the problem in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import graphs
from forms import conditions
from forms.fieldtypes import field_types
from forms.roles import repeating_roles
from graphs import DAYS_UNITS, WORKING_DAYS

from ..channels import CHANNELS

TOP_LEVEL_KEYS = ("catalogue", "departments", "items", "bundles")
LEVELS = ("国家级", "省级", "市级", "县级")  # 基本目录 levels
CATALOGUE_KEYS = ("code", "name", "type", "basis", "level")
# what a district's item must keep from its 基本目录 entry, with the Chinese names used to say so
KEPT_FROM_CATALOGUE = (("name", "事项名称"), ("type", "事项类型"), ("basis", "设定依据"))
ITEM_TYPES = (
    "行政许可",
    "行政确认",
    "行政裁决",
    "行政给付",
    "行政奖励",
    "行政备案",
    "其他行政权力",
    "公共服务",
)
# The field types registered when this module was loaded, in the contract's order (kept for imports);
# checking asks the registry itself, so a type registered later is accepted too.
FIELD_TYPES = field_types.names()
QUESTION_TYPES = ("boolean", "choice")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")

# Standard elements of an item stored in their own columns; any other key is kept as an extra.
ITEM_TEXT_KEYS = (
    "basis", "fees", "conditions", "service_object", "result", "place", "hours", "phone", "complaint_phone",
)  # fmt: skip
ITEM_KEYS = (
    "code",
    "name",
    "department",
    "type",
    "legal_days",
    "promised_days",
    *ITEM_TEXT_KEYS,
    "fields",
    "materials",
)
FIELD_KEYS = (
    "name",
    "label",
    "role",
    "element",
    "type",
    "required",
    "options",
    "max_length",
    "group",
    "produced_by",
)
MATERIAL_KEYS = ("name", "kind", "role", "required", "e_licence", "produced_by")
DEPARTMENT_KEYS = ("code", "name", "channel", "webhook_url")
BUNDLE_KEYS = ("code", "name", "lead_department", "description", "questions", "steps")
QUESTION_KEYS = ("id", "text", "type", "options")
STEP_KEYS = ("item", "depends_on", "when")

KIND_LABELS = {"catalogue": "基本目录", "departments": "部门", "items": "事项", "bundles": "一件事"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one entry of one file."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}：{self.entry}：{self.message}"


@dataclass
class Document:
    """One catalogue file, normalised, with the problems found in it."""

    path: str
    catalogue: list[dict[str, Any]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    bundles: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Entry:
    """Collects the problems of one entry under its Chinese name."""

    def __init__(self, doc: Document, name: str) -> None:
        self.doc = doc
        self.name = name

    def problem(self, message: str) -> None:
        self.doc.problems.append(Problem(self.doc.path, self.name, message))

    def warning(self, message: str) -> None:
        self.doc.warnings.append(Problem(self.doc.path, self.name, message))


def _entry_name(kind: str, index: int, raw: Any, key: str = "code") -> str:
    label = KIND_LABELS[kind]
    if isinstance(raw, Mapping) and isinstance(raw.get(key), str | int) and str(raw.get(key)).strip():
        return f"{label} {raw.get(key)}"
    return f"第 {index + 1} 个{label}"


def _text(entry: _Entry, raw: Mapping[str, Any], key: str, what: str, *, required: bool) -> str | None:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            entry.problem(f"缺少{what}（{key}）")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        entry.problem(f"{what}（{key}）应为文字，收到：{value!r}")
        return None
    return str(value).strip()


def _flag(entry: _Entry, raw: Mapping[str, Any], key: str, what: str, default: bool) -> bool:
    value = raw.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        entry.problem(f"{what}（{key}）应为 true 或 false，收到：{value!r}")
        return default
    return value


def _days(entry: _Entry, raw: Mapping[str, Any], key: str, what: str) -> int | None:
    value = raw.get(key)
    if value is None:
        entry.problem(f"缺少{what}（{key}，工作日）")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        entry.problem(f"{what}（{key}）应为不小于 0 的整数（工作日），收到：{value!r}")
        return None
    return value


def _list(entry: _Entry, raw: Mapping[str, Any], key: str, what: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        entry.problem(f"{what}（{key}）应为列表，收到：{value!r}")
        return []
    return value


def _code(entry: _Entry, raw: Mapping[str, Any], what: str) -> str | None:
    code = _text(entry, raw, "code", what, required=True)
    if code is not None and not CODE_PATTERN.match(code):
        entry.problem(f"{what}“{code}”只能由字母、数字、下划线和连字符组成")
    return code


def _extras(raw: Mapping[str, Any], known: Iterable[str]) -> dict[str, Any]:
    known = set(known)
    return {str(k): v for k, v in raw.items() if k not in known}


def _options(entry: _Entry, raw: Mapping[str, Any], where: str) -> list[str]:
    options = _list(entry, raw, "options", f"{where}的选项")
    cleaned: list[str] = []
    for option in options:
        if isinstance(option, bool) or not isinstance(option, str | int | float) or not str(option).strip():
            entry.problem(f"{where}的选项“{option!r}”不是有效的文字")
            continue
        if str(option).strip() in cleaned:
            entry.problem(f"{where}的选项“{option}”重复")
            continue
        cleaned.append(str(option).strip())
    return cleaned


# --- departments --------------------------------------------------------------------------------


def _department(entry: _Entry, raw: Mapping[str, Any]) -> dict[str, Any]:
    dept = {
        "code": _code(entry, raw, "部门编码"),
        "name": _text(entry, raw, "name", "部门名称", required=True),
        "channel": _text(entry, raw, "channel", "接收方式", required=False) or "inbox",
        "webhook_url": _text(entry, raw, "webhook_url", "业务系统接收地址", required=False),
    }
    channel = CHANNELS.cls(dept["channel"] or "")
    if channel is None:
        entry.problem(f"接收方式（channel）“{dept['channel']}”未知，只能是 {' 或 '.join(CHANNELS.names())}")
    else:
        options = raw.get("channel_options") or {}
        if not isinstance(options, Mapping):
            entry.problem("接收方式选项（channel_options）应为键值对")
            options = {}
        for problem in channel.declaration_problems(dept["webhook_url"], options):
            entry.problem(problem)
    url = dept["webhook_url"]
    if channel is not None and channel.remote and url and not re.match(r"^https?://[^\s/]+", url):
        entry.problem(f"业务系统接收地址（webhook_url）“{url}”不是 http(s) 地址")
    dept.update(_extras(raw, DEPARTMENT_KEYS))
    return dept


# --- items ----------------------------------------------------------------------------------------


def _field(entry: _Entry, raw: Any, index: int) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        entry.problem(f"第 {index + 1} 个表单字段应为键值对，收到：{raw!r}")
        return None
    name = raw.get("name")
    where = f"字段 {name}" if isinstance(name, str) and name.strip() else f"第 {index + 1} 个字段"
    sub = _Entry(entry.doc, f"{entry.name}，{where}")
    fld: dict[str, Any] = {
        "name": _text(sub, raw, "name", "字段名", required=True),
        "label": _text(sub, raw, "label", "字段标签", required=True),
        "role": _text(sub, raw, "role", "数据主体", required=False),
        "element": _text(sub, raw, "element", "数据元", required=False),
        "type": _text(sub, raw, "type", "字段类型", required=False) or "text",
        "required": _flag(sub, raw, "required", "是否必填", False),
        "options": [],
        "max_length": None,
        "group": _text(sub, raw, "group", "重复组", required=False),
        "produced_by": _text(sub, raw, "produced_by", "产生该值的事项", required=False),
    }
    if fld["type"] not in field_types:
        sub.problem(f"字段类型“{fld['type']}”未知，可用类型：{'、'.join(field_types.names())}")
    if field_types.offers_options(fld["type"]):
        fld["options"] = _options(sub, raw, "该字段")
        if not fld["options"]:
            sub.problem("选择类字段（choice / multichoice）必须给出选项（options）")
    elif raw.get("options"):
        sub.warning(f"类型为 {fld['type']} 的字段不使用选项（options），已忽略")
    if (fld["role"] is None) != (fld["element"] is None):
        sub.problem("数据主体（role）与数据元（element）须同时填写或同时省略")
    max_length = raw.get("max_length")
    if max_length is not None:
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length <= 0:
            sub.problem(f"最大长度（max_length）应为正整数，收到：{max_length!r}")
        else:
            fld["max_length"] = max_length
    fld.update(_extras(raw, FIELD_KEYS))
    _condition(sub, raw)
    if "filled_by" in raw and raw["filled_by"] != "department":
        sub.problem(f"filled_by 只能是 department（由办理该事项的部门填写），收到：{raw['filled_by']!r}")
    if raw.get("filled_by") and fld["produced_by"]:
        sub.problem("同一字段不能既由部门填写（filled_by）又由其他事项产生（produced_by）")
    return fld


def _condition(entry: _Entry, raw: Mapping[str, Any]) -> None:
    """A field's or material's ``when`` must be readable (a repeating group is shown or hidden as one,
    when all of its columns are)."""
    try:
        conditions.to_logic(raw.get("when"))
    except conditions.ConditionError as exc:
        entry.problem(f"条件（when）有误：{exc}")


def _material(entry: _Entry, raw: Any, index: int) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        entry.problem(f"第 {index + 1} 个申请材料应为键值对，收到：{raw!r}")
        return None
    name = raw.get("name")
    where = f"材料“{name}”" if isinstance(name, str) and name.strip() else f"第 {index + 1} 个材料"
    sub = _Entry(entry.doc, f"{entry.name}，{where}")
    mat = {
        "name": _text(sub, raw, "name", "材料名称", required=True),
        "kind": _text(sub, raw, "kind", "材料类别", required=False),
        "role": _text(sub, raw, "role", "材料所属主体", required=False),
        "required": _flag(sub, raw, "required", "是否必需", True),
        "e_licence": _flag(sub, raw, "e_licence", "是否可用电子证照", False),
        "produced_by": _text(sub, raw, "produced_by", "产生该材料的事项", required=False),
    }
    mat["kind"] = mat["kind"] or mat["name"]
    mat.update(_extras(raw, MATERIAL_KEYS))
    _condition(sub, raw)
    return mat


def _item(entry: _Entry, raw: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": _code(entry, raw, "事项编码"),
        "name": _text(entry, raw, "name", "事项名称", required=True),
        "department": _text(entry, raw, "department", "实施部门", required=True),
        "type": _text(entry, raw, "type", "事项类型", required=True),
        "legal_days": _days(entry, raw, "legal_days", "法定办结时限"),
        "promised_days": _days(entry, raw, "promised_days", "承诺办结时限"),
    }
    for key in ITEM_TEXT_KEYS:
        item[key] = _text(entry, raw, key, key, required=False)
    if item["type"] is not None and item["type"] not in ITEM_TYPES:
        entry.problem(f"事项类型“{item['type']}”未知，可用类型：{'、'.join(ITEM_TYPES)}")
    unit = raw.get("days_unit", WORKING_DAYS)
    if unit not in DAYS_UNITS:
        entry.problem(f"时限单位（days_unit）只能是{'或'.join(DAYS_UNITS)}，收到：{unit!r}")
        unit = WORKING_DAYS
    legal, promised = item["legal_days"], item["promised_days"]
    if legal is not None and promised is not None and promised > legal:
        entry.problem(f"承诺办结时限 {promised} 个{unit}大于法定办结时限 {legal} 个{unit}")

    fields = [_field(entry, f, i) for i, f in enumerate(_list(entry, raw, "fields", "表单字段"))]
    item["fields"] = [f for f in fields if f is not None]
    seen: set[str] = set()
    for fld in item["fields"]:
        if fld["name"] in seen:
            entry.problem(f"字段名“{fld['name']}”在本事项中重复")
        seen.add(fld["name"])
    materials = [_material(entry, m, i) for i, m in enumerate(_list(entry, raw, "materials", "申请材料"))]
    item["materials"] = [m for m in materials if m is not None]
    _check_rongque_and_commitment(entry, raw, item["materials"])
    _check_standard_elements(entry, raw)
    item.update(_extras(raw, ITEM_KEYS))
    return item


ITEM_KINDS = ("即办件", "承诺件")
CHANNELS_OF_HANDLING = ("窗口", "网上", "邮寄", "自助终端", "移动端")  # 办理形式
PHONE_KINDS = {"consult": "咨询电话", "complaint": "监督投诉电话"}


def _check_standard_elements(entry: _Entry, raw: Mapping[str, Any]) -> None:
    """The optional standard elements of the seeds (seed 000, 003; GLOSSARY): kept as the item's own keys,
    checked for their shape here so that the guide and the reports can rely on them."""
    texts = {"implementation_code": "实施编码", "exercise_content": "行使内容", "fee_basis": "收费依据"}
    for key, label in texts.items():
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            entry.problem(f"{label}（{key}）应为文字，收到：{value!r}")
    kind = raw.get("kind")
    if kind is not None and kind not in ITEM_KINDS:
        entry.problem(f"办件类型（kind）只能是{'或'.join(ITEM_KINDS)}，收到：{kind!r}")
    if kind == "即办件" and isinstance(raw.get("promised_days"), int) and raw["promised_days"] > 0:
        entry.problem(f"即办件当场办结，承诺办结时限应为 0，收到：{raw['promised_days']}")
    visits = raw.get("visits")
    if visits is not None and (isinstance(visits, bool) or not isinstance(visits, int) or visits < 0):
        entry.problem(f"到现场次数（visits）应为不小于 0 的整数，收到：{visits!r}")
    channels = raw.get("channels")
    if channels is not None and (
        not isinstance(channels, list) or any(c not in CHANNELS_OF_HANDLING for c in channels)
    ):
        entry.problem(
            f"办理形式（channels）应为以下的列表：{'、'.join(CHANNELS_OF_HANDLING)}，收到：{channels!r}"
        )
    process = raw.get("process")
    if process is not None and (
        not isinstance(process, list) or not all(isinstance(p, str) and p.strip() for p in process)
    ):
        entry.problem(f"办理流程（process）应为环节名称的列表，如 [受理, 审核, 办结]，收到：{process!r}")
    phones = raw.get("phones")
    if phones is not None:
        if not isinstance(phones, Mapping) or any(k not in PHONE_KINDS for k in phones):
            entry.problem(
                f"电话（phones）应写成 {{consult: 咨询电话, complaint: 监督投诉电话}}，收到：{phones!r}"
            )
        else:
            for key, number in phones.items():
                if not isinstance(number, str | int) or not re.fullmatch(r"[0-9-]{3,20}", str(number)):
                    entry.problem(f"{PHONE_KINDS[key]}“{number}”不是有效的电话号码（数字和连字符）")
    url = raw.get("online_url")
    if url is not None and (not isinstance(url, str) or not re.match(r"^https?://\S+$", url)):
        entry.problem(f"网办地址（online_url）应为 http:// 或 https:// 开头的网址，收到：{url!r}")
    for index, material in enumerate(raw.get("materials") or []):
        sample = material.get("sample") if isinstance(material, Mapping) else None
        if sample is not None and (not isinstance(sample, str) or not sample.strip()):
            entry.problem(f"第 {index + 1} 个材料的样表（sample）应为文件名或网址，收到：{sample!r}")


def _check_rongque_and_commitment(
    entry: _Entry, raw: Mapping[str, Any], materials: list[dict[str, Any]]
) -> None:
    """``deferrable`` (容缺) on materials, ``rongque`` and ``commitment`` (告知承诺) on the item."""
    for material in materials:
        if "deferrable" in material and not isinstance(material["deferrable"], bool):
            entry.problem(f"材料“{material['name']}”的 deferrable（可容缺）应为 true 或 false")
    if "rongque" in raw and not isinstance(raw["rongque"], bool):
        entry.problem(f"rongque（是否允许容缺受理）应为 true 或 false，收到：{raw['rongque']!r}")
    commitment = raw.get("commitment")
    if commitment is None:
        return
    if not isinstance(commitment, Mapping):
        entry.problem("commitment（告知承诺制）应为 {replaces: [材料名称], verify_days: 天数}")
        return
    replaces = commitment.get("replaces")
    if not isinstance(replaces, list) or not replaces:
        entry.problem("commitment.replaces 应列出告知承诺可以代替的材料名称")
    else:
        names = {m["name"] for m in materials} | {m["kind"] for m in materials}
        conditions = [str(r) for r in replaces if str(r) not in names]
        if conditions:
            entry.warning(
                "以下告知承诺内容不是本事项的申请材料，按承诺的受理条件处理：" + "、".join(conditions)
            )
    days = commitment.get("verify_days", 0)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        entry.problem(f"commitment.verify_days（核查时限）应为非负整数，收到：{days!r}")


# --- bundles --------------------------------------------------------------------------------------


def _question(entry: _Entry, raw: Any, index: int) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        entry.problem(f"第 {index + 1} 个情形问题应为键值对，收到：{raw!r}")
        return None
    qid = raw.get("id")
    sub = _Entry(entry.doc, f"{entry.name}，问题 {qid}" if qid else f"{entry.name}，第 {index + 1} 个问题")
    question: dict[str, Any] = {
        "id": _text(sub, raw, "id", "问题编号", required=True),
        "text": _text(sub, raw, "text", "问题内容", required=True),
        "type": _text(sub, raw, "type", "问题类型", required=False) or "boolean",
        "options": [],
    }
    if question["type"] not in QUESTION_TYPES:
        sub.problem(f"问题类型“{question['type']}”未知，只能是 boolean 或 choice")
    if question["type"] == "choice":
        question["options"] = _options(sub, raw, "该问题")
        if not question["options"]:
            sub.problem("选择类问题（choice）必须给出选项（options）")
    question.update(_extras(raw, QUESTION_KEYS))
    if question.get("default") is not None and question["type"] in QUESTION_TYPES:
        try:  # kept as the answer it stands for (``否`` → false), like an answer given
            question["default"] = graphs.scenarios.parse_answer(question, question["default"])
        except graphs.AnswerError as exc:
            sub.problem(f"默认答案（default）无效：{exc}")
    return question


def _step(entry: _Entry, raw: Any, index: int) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        entry.problem(f"第 {index + 1} 个步骤应为键值对，收到：{raw!r}")
        return None
    code = raw.get("item")
    sub = _Entry(entry.doc, f"{entry.name}，步骤 {code}" if code else f"{entry.name}，第 {index + 1} 个步骤")
    step: dict[str, Any] = {
        "item": _text(sub, raw, "item", "步骤事项编码", required=True),
        "depends_on": [],
        "when": {},
    }
    depends_on = raw.get("depends_on")
    if isinstance(depends_on, str):
        depends_on = [depends_on]
    if depends_on is not None:
        if not isinstance(depends_on, list) or not all(isinstance(d, str) and d.strip() for d in depends_on):
            sub.problem(f"前置步骤（depends_on）应为事项编码列表，收到：{depends_on!r}")
        else:
            step["depends_on"] = [d.strip() for d in depends_on]
    when = raw.get("when")
    if when is not None:
        if not isinstance(when, Mapping):
            sub.problem(f"适用条件（when）应为“问题编号: 答案”的键值对，收到：{when!r}")
        else:
            step["when"] = {str(k): v for k, v in when.items()}
    step.update(_extras(raw, STEP_KEYS))
    return step


def _bundle(entry: _Entry, raw: Mapping[str, Any]) -> dict[str, Any]:
    bundle: dict[str, Any] = {
        "code": _code(entry, raw, "一件事编码"),
        "name": _text(entry, raw, "name", "一件事名称", required=True),
        "lead_department": _text(entry, raw, "lead_department", "牵头部门", required=True),
        "description": _text(entry, raw, "description", "说明", required=False),
    }
    questions = [_question(entry, q, i) for i, q in enumerate(_list(entry, raw, "questions", "情形问题"))]
    bundle["questions"] = [q for q in questions if q is not None]
    steps = [_step(entry, s, i) for i, s in enumerate(_list(entry, raw, "steps", "办理步骤"))]
    bundle["steps"] = [s for s in steps if s is not None]
    if not raw.get("steps"):
        entry.problem("一件事至少要有一个办理步骤（steps）")
    seen: set[str] = set()
    for question in bundle["questions"]:
        if question["id"] in seen:
            entry.problem(f"问题编号“{question['id']}”重复")
        seen.add(question["id"])
    bundle.update(_extras(raw, BUNDLE_KEYS))
    _check_roles(entry, bundle)
    return bundle


def _check_roles(entry: _Entry, bundle: Mapping[str, Any]) -> None:
    """``roles: [{name, repeat, min, max}]`` and the steps' ``per:`` (a repeating role)."""
    raw_roles = bundle.get("roles")
    if raw_roles is not None and not isinstance(raw_roles, list):
        entry.problem(f"角色（roles）应为列表，收到：{raw_roles!r}")
        return
    names: set[str] = set()
    for raw in raw_roles or []:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
            entry.problem(f"角色（roles）的每一项应写成 {{name: 角色名, repeat: true}}，收到：{raw!r}")
            continue
        sub = _Entry(entry.doc, f"{entry.name}，角色 {raw['name']}")
        if raw["name"] in names:
            sub.problem("角色重复声明")
        names.add(raw["name"])
        _flag(sub, raw, "repeat", "是否可有多人", False)
        lo, hi = raw.get("min"), raw.get("max")
        for key, value in (("min", lo), ("max", hi)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                sub.problem(f"人数（{key}）应为不小于 0 的整数，收到：{value!r}")
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            sub.problem(f"至少 {lo} 人多于至多 {hi} 人")
    repeating = repeating_roles(bundle)
    for step in bundle.get("steps") or []:
        per = step.get("per")
        if per is not None and (not isinstance(per, str) or per not in repeating):
            entry.problem(
                f"步骤 {step.get('item')} 按人办理（per）的“{per}”不是本件事声明可重复的角色（roles 中 repeat: true）"
            )


def _catalogue_entry(entry: _Entry, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A 基本目录 entry. Its code is text: an unquoted number would lose its leading zeros."""
    code = raw.get("code")
    if code is not None and not isinstance(code, str):
        entry.problem(f'基本编码（code）应写成带引号的文字，如 "000173001000"，收到：{code!r}')
    found: dict[str, Any] = {
        "code": _text(entry, raw, "code", "基本编码", required=True)
        if isinstance(code, str) or code is None
        else None,
        "name": _text(entry, raw, "name", "事项名称", required=True),
        "type": _text(entry, raw, "type", "事项类型", required=True),
        "basis": _text(entry, raw, "basis", "设定依据", required=True),
        "level": _text(entry, raw, "level", "层级", required=True),
    }
    if found["type"] is not None and found["type"] not in ITEM_TYPES:
        entry.problem(f"事项类型“{found['type']}”未知，可用类型：{'、'.join(ITEM_TYPES)}")
    if found["level"] is not None and found["level"] not in LEVELS:
        entry.problem(f"层级（level）只能是{'、'.join(LEVELS)}，收到：{found['level']!r}")
    unknown = sorted(str(k) for k in raw if k not in CATALOGUE_KEYS)
    if unknown:
        entry.warning(f"基本目录不认识的键已忽略：{'、'.join(unknown)}")
    return found


_PARSERS = {"catalogue": _catalogue_entry, "departments": _department, "items": _item, "bundles": _bundle}


def parse_document(path: str, data: Any) -> Document:
    """Normalise one loaded YAML document; problems of single entries are recorded on it."""
    doc = Document(path)
    if data is None:
        doc.problems.append(Problem(path, "文件", "文件为空"))
        return doc
    if not isinstance(data, Mapping):
        doc.problems.append(
            Problem(path, "文件", "顶层应为包含 catalogue、departments、items、bundles 的键值对")
        )
        return doc
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            doc.warnings.append(Problem(path, "文件", f"未知的顶层键“{key}”已忽略"))
    for kind in TOP_LEVEL_KEYS:
        entries = data.get(kind)
        if entries is None:
            continue
        if not isinstance(entries, list):
            doc.problems.append(Problem(path, "文件", f"{kind} 应为列表"))
            continue
        target: list[dict[str, Any]] = getattr(doc, kind)
        for index, raw in enumerate(entries):
            entry = _Entry(doc, _entry_name(kind, index, raw))
            if not isinstance(raw, Mapping):
                entry.problem(f"应为键值对，收到：{raw!r}")
                continue
            target.append(_PARSERS[kind](entry, raw))
    for kind in TOP_LEVEL_KEYS:
        codes: set[str] = set()
        for entry in getattr(doc, kind):
            code = entry.get("code")
            if code in codes:
                doc.problems.append(Problem(path, f"{KIND_LABELS[kind]} {code}", "编码在本文件中重复"))
            codes.add(code)
    return doc


# --- references across a batch --------------------------------------------------------------------


@dataclass
class KnownCatalogue:
    """Codes already in the database and item data needed to check bundles against them."""

    departments: set[str] = field(default_factory=set)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    bundles: set[str] = field(default_factory=set)
    catalogue: dict[str, dict[str, Any]] = field(default_factory=dict)  # 基本目录 entries by 基本编码


def against_catalogue(item: Mapping[str, Any], catalogue: Mapping[str, Mapping[str, Any]]) -> Iterable[str]:
    """An item of the 实施清单 that names a 基本目录 entry keeps its name, type and basis (both values said)."""
    code = item.get("catalogue_code")
    if code is None:
        return
    if not isinstance(code, str):
        yield f"基本编码（catalogue_code）应写成带引号的文字，收到：{code!r}"
        return
    entry = catalogue.get(code)
    if entry is None:
        yield f"基本目录中没有基本编码“{code}”（既不在数据库中，也不在本次导入的文件中）"
        return
    for key, label in KEPT_FROM_CATALOGUE:
        if item.get(key) != entry.get(key):
            yield f"{label}“{item.get(key)}”与基本目录 {code} 的{label}“{entry.get(key)}”不一致，实施清单须与基本目录一致"


def _check_document(
    doc: Document,
    departments: set[str],
    items: Mapping[str, Mapping[str, Any]],
    catalogue: Mapping[str, Mapping[str, Any]],
) -> list[Problem]:
    found: list[Problem] = []

    def problem(entry: str, message: str) -> None:
        found.append(Problem(doc.path, entry, message))

    for item in doc.items:
        name = f"事项 {item['code']}"
        for message in against_catalogue(item, catalogue):
            problem(name, message)
        if item["department"] and item["department"] not in departments:
            problem(name, f"实施部门“{item['department']}”不存在（既不在数据库中，也不在本次导入的文件中）")
        for fld in item["fields"]:
            if fld["produced_by"] and fld["produced_by"] not in items:
                problem(
                    f"{name}，字段 {fld['name']}",
                    f"产生该值的事项（produced_by）“{fld['produced_by']}”不存在",
                )
        for mat in item["materials"]:
            if mat["produced_by"] and mat["produced_by"] not in items:
                problem(
                    f"{name}，材料“{mat['name']}”",
                    f"产生该材料的事项（produced_by）“{mat['produced_by']}”不存在",
                )
    for bundle in doc.bundles:
        name = f"一件事 {bundle['code']}"
        if bundle["lead_department"] and bundle["lead_department"] not in departments:
            problem(name, f"牵头部门“{bundle['lead_department']}”不存在")
        for issue in graphs.validate(bundle, items):
            if issue.is_error:
                problem(name, issue.message)
            elif (warning := Problem(doc.path, name, issue.message)) not in doc.warnings:
                doc.warnings.append(warning)
        found_here = (
            *_condition_references(bundle, items),
            *_per_person(bundle, items),
            *_confirm_by(bundle, items),
        )
        for where, message, is_error in found_here:
            if is_error:
                problem(f"{name}，{where}", message)
            elif (warning := Problem(doc.path, f"{name}，{where}", message)) not in doc.warnings:
                doc.warnings.append(warning)
    return found


def _condition_references(
    bundle: Mapping[str, Any], items: Mapping[str, Mapping[str, Any]]
) -> Iterable[tuple[str, str, bool]]:
    """The conditions of the bundle's items read questions the bundle asks (else an error) and fields its
    form has (else a warning: the condition would never hold). (where, message, is_error)."""
    questions = {str(q.get("id")) for q in bundle.get("questions") or []}
    codes = [str(s.get("item")) for s in bundle.get("steps") or [] if s.get("item") in items]
    repeating = repeating_roles(bundle)
    keys = {
        f"{f.get('role')}.{f.get('element')}"
        for code in codes
        for f in items[code].get("fields") or []
        if f.get("role") and f.get("element") and not f.get("group") and f.get("role") not in repeating
    }
    for code in codes:
        entries = [("字段", f) for f in items[code].get("fields") or []]
        entries += [("材料", m) for m in items[code].get("materials") or []]
        for kind, entry in entries:
            try:
                asked, read = conditions.references(conditions.to_logic(entry.get("when")))
            except conditions.ConditionError:
                continue  # reported with the item
            where = f"事项 {code} 的{kind}“{entry.get('name')}”"
            for qid in sorted(asked - questions):
                yield where, f"条件引用的情形问题“{qid}”不是本件事的问题", True
            for key in sorted(read - keys):
                if key.partition(".")[0] in repeating:
                    yield where, f"条件不能引用可有多人的角色的字段“{key}”（逐人不同，无法统一判断）", True
                else:
                    yield where, f"条件引用的字段“{key}”不在本件事的表单中，条件不会成立", False


def _per_person(
    bundle: Mapping[str, Any], items: Mapping[str, Mapping[str, Any]]
) -> Iterable[tuple[str, str, bool]]:
    """A value of a repeating role that a department gives (``produced_by``, ``filled_by``) belongs to
    one person, so the step that gives it must run per that role; a step per a role its item has no
    field of is only a warning. (where, message, is_error)."""
    repeating = repeating_roles(bundle)
    if not repeating:
        return
    per = {str(s.get("item")): s.get("per") for s in bundle.get("steps") or [] if s.get("item") in items}
    for code, role in per.items():
        fields = items[code].get("fields") or []
        if role and not any(f.get("role") == role for f in fields):
            yield f"步骤 {code}", f"按“{role}”逐人办理，但事项 {code} 没有{role}的字段", False
        for f in fields:
            if f.get("role") not in repeating or f.get("group"):
                continue
            giver = f.get("produced_by") if f.get("produced_by") in per else None
            if f.get("filled_by") == "department":
                giver = code
            if giver is not None and per.get(giver) != f.get("role"):
                yield (
                    f"事项 {code} 的字段“{f.get('name')}”",
                    f"{f.get('role')}可有多人，其由部门给出的值须由按“{f.get('role')}”逐人办理的步骤给出"
                    f"（步骤 {giver} 写 per: {f.get('role')}）",
                    True,
                )


def _confirm_by(
    bundle: Mapping[str, Any], items: Mapping[str, Mapping[str, Any]]
) -> Iterable[tuple[str, str, bool]]:
    """``confirm_by: [ROLE, ...]`` (各方确认): each role must be one the form identifies by 公民身份号码,
    or nobody could be asked to confirm. (where, message, is_error)."""
    roles = bundle.get("confirm_by")
    if roles is None:
        return
    if not isinstance(roles, list) or not all(isinstance(r, str) and r.strip() for r in roles):
        yield "各方确认", f"各方确认（confirm_by）应为角色名称的列表，收到：{roles!r}", True
        return
    identified = {
        f.get("role")
        for s in bundle.get("steps") or []
        if s.get("item") in items
        for f in items[str(s.get("item"))].get("fields") or []
        if f.get("element") == "公民身份号码" and not f.get("group")
    }
    for role in roles:
        if role not in identified:
            yield (
                "各方确认",
                f"角色“{role}”在本件事的表单中没有公民身份号码，无法确认是谁，不能列入各方确认",
                True,
            )


def check_references(documents: list[Document], known: KnownCatalogue) -> None:
    """Check cross-references of every document against the database and the batch's other files.

    A file refused for any reason cannot lend its entries to the others, so the check repeats
    until no more files are refused. Problems are added to the documents concerned.
    """
    claimed: dict[tuple[str, str], str] = {}
    for doc in documents:
        for kind in TOP_LEVEL_KEYS:
            for entry in getattr(doc, kind):
                key = (kind, entry["code"])
                if key in claimed and claimed[key] != doc.path:
                    doc.problems.append(
                        Problem(
                            doc.path,
                            f"{KIND_LABELS[kind]} {entry['code']}",
                            f"编码与文件 {claimed[key]} 中的重复",
                        )
                    )
                claimed.setdefault(key, doc.path)

    refused = {doc.path for doc in documents if not doc.ok}
    while True:
        pool = [doc for doc in documents if doc.path not in refused]
        found: dict[str, list[Problem]] = {}
        for doc in documents:
            lenders = pool
            departments = set(known.departments) | {
                d["code"] for lender in lenders for d in lender.departments
            }
            departments |= {d["code"] for d in doc.departments}
            items: dict[str, Mapping[str, Any]] = dict(known.items)
            items.update({i["code"]: i for lender in lenders for i in lender.items})
            items.update({i["code"]: i for i in doc.items})
            catalogue: dict[str, Mapping[str, Any]] = dict(known.catalogue)
            catalogue.update({c["code"]: c for lender in lenders for c in lender.catalogue})
            catalogue.update({c["code"]: c for c in doc.catalogue})
            found[doc.path] = _check_document(doc, departments, items, catalogue)
        newly_refused = {path for path, problems in found.items() if problems and path not in refused}
        if not newly_refused:
            break
        refused |= newly_refused
    for doc in documents:
        doc.problems.extend(found[doc.path])
