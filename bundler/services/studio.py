"""The bundle studio: edits of a drafted bundle (a contract-format entry) and the review of it.

Every edit takes the draft's content and returns new content; nothing here writes to the database.
The review compiles the draft with graphs/ and forms/ exactly as an application would be, so what
the lead department sees (graph, critical path, merged form, conflicts, notice) is what applicants get.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from sqlalchemy.orm import Session

import forms
import graphs

from ..catalogue.definitions import catalogue_items
from ..catalogue.queries import departments_by_code

QUESTION_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,47}$")


class StudioError(ValueError):
    """An edit that cannot be made; the message is Chinese."""


def blank_bundle(code: str, name: str, lead_department: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "lead_department": lead_department,
        "description": "",
        "questions": [],
        "steps": [],
    }


def _steps(content: dict[str, Any]) -> list[dict[str, Any]]:
    return content.setdefault("steps", [])


def _step(content: dict[str, Any], code: str) -> dict[str, Any]:
    for step in _steps(content):
        if step["item"] == code:
            return step
    raise StudioError(f"步骤 {code} 不在本件事中")


def _edited(content: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(content)


def set_info(content: dict[str, Any], *, name: str, description: str) -> dict[str, Any]:
    if not name.strip():
        raise StudioError("请填写一件事的名称")
    new = _edited(content)
    new["name"], new["description"] = name.strip(), description.strip()
    return new


def add_step(content: dict[str, Any], item_code: str, catalogue: dict[str, Any]) -> dict[str, Any]:
    if item_code not in catalogue:
        raise StudioError(f"事项 {item_code} 不在事项目录中")
    if any(s["item"] == item_code for s in content.get("steps", [])):
        raise StudioError(f"事项 {item_code} 已经是本件事的步骤")
    new = _edited(content)
    _steps(new).append({"item": item_code, "depends_on": [], "when": {}})
    return new


def remove_step(content: dict[str, Any], item_code: str) -> dict[str, Any]:
    """Remove a step; steps after it then depend on what it depended on (no order is lost)."""
    new = _edited(content)
    removed = _step(new, item_code)
    new["steps"] = [s for s in _steps(new) if s["item"] != item_code]
    for step in new["steps"]:
        if item_code in step.get("depends_on", []):
            inherited = [d for d in removed.get("depends_on", []) if d not in step["depends_on"]]
            step["depends_on"] = [d for d in step["depends_on"] if d != item_code] + inherited
    return new


def set_dependencies(content: dict[str, Any], dependencies: dict[str, list[str]]) -> dict[str, Any]:
    """Set every step's prerequisites (串联); a step with none runs in parallel (并联)."""
    new = _edited(content)
    codes = {s["item"] for s in _steps(new)}
    for step in _steps(new):
        wanted = dependencies.get(step["item"], [])
        unknown = [d for d in wanted if d not in codes]
        if unknown:
            raise StudioError(f"前置步骤 {'、'.join(unknown)} 不在本件事中")
        step["depends_on"] = [d for d in wanted if d != step["item"]]
    return new


def set_condition(
    content: dict[str, Any], item_code: str, question_id: str, values: list[str]
) -> dict[str, Any]:
    """Include a step only for some answers (empty ``values``: always, as far as this question goes)."""
    new = _edited(content)
    step = _step(new, item_code)
    question = next((q for q in new.get("questions", []) if q["id"] == question_id), None)
    if question is None:
        raise StudioError(f"问题 {question_id} 不存在")
    when = dict(step.get("when") or {})
    if not values:
        when.pop(question_id, None)
    else:
        parsed = [graphs.parse_answers([question], {question_id: v})[question_id] for v in values]
        when[question_id] = parsed[0] if len(parsed) == 1 else parsed
    step["when"] = when
    return new


def add_question(
    content: dict[str, Any], *, qid: str, text: str, qtype: str, options: list[str]
) -> dict[str, Any]:
    qid = qid.strip()
    if not QUESTION_ID.match(qid):
        raise StudioError("问题编号须以字母开头，只含字母、数字和下划线（例如 sells_alcohol）")
    if any(q["id"] == qid for q in content.get("questions", [])):
        raise StudioError(f"问题编号 {qid} 已存在")
    if not text.strip():
        raise StudioError("请填写问题的文字")
    if qtype not in ("boolean", "choice"):
        raise StudioError("问题类型只能是“是/否”或“单选”")
    options = [o.strip() for o in options if o.strip()]
    if qtype == "choice" and len(options) < 2:
        raise StudioError("单选问题至少要有两个选项")
    new = _edited(content)
    new.setdefault("questions", []).append(
        {"id": qid, "text": text.strip(), "type": qtype, "options": options if qtype == "choice" else []}
    )
    return new


def remove_question(content: dict[str, Any], qid: str) -> dict[str, Any]:
    """Remove a question and the conditions that asked it."""
    new = _edited(content)
    new["questions"] = [q for q in new.get("questions", []) if q["id"] != qid]
    for step in _steps(new):
        (step.get("when") or {}).pop(qid, None)
    return new


def set_resolution(
    content: dict[str, Any],
    key: str,
    *,
    options: list[str],
    value_map: dict[str, dict[str, str]],
    ftype: str | None,
    produced_by: str | None,
    note: str,
) -> dict[str, Any]:
    """Record how the lead department resolves a merge conflict (see forms/resolutions.py)."""
    resolution: dict[str, Any] = {}
    if options:
        resolution["options"] = options
    if value_map:
        resolution["map"] = value_map
    if ftype:
        resolution["type"] = ftype
    if produced_by:
        resolution["produced_by"] = produced_by
    if not resolution:
        raise StudioError("请至少给出统一选项、类型或产生事项之一")
    if note.strip():
        resolution["note"] = note.strip()
    new = _edited(content)
    new.setdefault("resolutions", {})[key] = resolution
    return new


def clear_resolution(content: dict[str, Any], key: str) -> dict[str, Any]:
    new = _edited(content)
    (new.get("resolutions") or {}).pop(key, None)
    if not new.get("resolutions"):
        new.pop("resolutions", None)
    return new


def parse_value_map(text: str, items: list[str]) -> dict[str, dict[str, str]]:
    """Lines ``事项编码: 统一取值=事项取值, 统一取值=事项取值`` into the resolution's ``map``."""
    result: dict[str, dict[str, str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code, sep, pairs = line.partition(":")
        if not sep:
            code, sep, pairs = line.partition("：")
        code = code.strip()
        if not sep or code not in items:
            raise StudioError(f"取值对照第 {number} 行应以本冲突涉及的事项编码开头（{'、'.join(items)}）")
        mapping: dict[str, str] = {}
        for pair in re.split(r"[,，;；]", pairs):
            if not pair.strip():
                continue
            left, eq, right = pair.partition("=")
            if not eq or not left.strip() or not right.strip():
                raise StudioError(f"取值对照第 {number} 行的“{pair.strip()}”应写成 统一取值=事项取值")
            mapping[left.strip()] = right.strip()
        result[code] = mapping
    return result


# --- the review -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == "error"


@dataclass
class StudioReview:
    """Everything the studio shows about a draft, for one scenario (answers) and for all steps."""

    content: dict[str, Any]
    items: dict[str, dict[str, Any]]
    catalogue: dict[str, dict[str, Any]]
    departments: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    plan: graphs.Plan | None = None
    scenario_plan: graphs.Plan | None = None
    schema: forms.MergedSchema | None = None
    scenario_schema: forms.MergedSchema | None = None
    svg: str = ""
    answers: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


def everything(content: dict[str, Any]) -> dict[str, Any]:
    """The bundle with every step included (conditions dropped): the whole picture."""
    return {**content, "steps": [{**s, "when": {}} for s in content.get("steps", [])]}


def review(
    session: Session,
    content: dict[str, Any],
    raw_answers: dict[str, Any] | None = None,
    *,
    items_override: Mapping[str, dict[str, Any]] | None = None,
) -> StudioReview:
    """The bundle as the studio reads it; ``items_override`` puts changed items in place of the
    catalogue's (an item change's impact on the bundles that use the item)."""
    catalogue = {**catalogue_items(session), **(items_override or {})}
    departments = {code: d.name for code, d in departments_by_code(session).items()}
    codes = [s["item"] for s in content.get("steps", [])]
    items = {c: catalogue[c] for c in codes if c in catalogue}
    result = StudioReview(content, items, catalogue, departments)
    missing = [c for c in codes if c not in catalogue]
    if missing:
        result.findings.append(
            Finding("error", f"事项 {'、'.join(missing)} 已不在事项目录中（已取消或不存在）")
        )
    if not codes:
        result.findings.append(Finding("error", "一件事至少要有两个步骤：请从事项目录添加"))
        return result
    if len(codes) < 2:
        result.findings.append(Finding("warning", "只有一个步骤：一件事通常由两个以上部门的事项组成"))
    problems = graphs.validate(content, items)
    result.findings += [Finding("error" if p.is_error else "warning", p.message) for p in problems]
    if any(p.is_error for p in problems) or missing:
        return result
    whole = everything(content)
    result.plan = graphs.plan(whole, items, {}, version=0)
    result.svg = graphs.render_svg(result.plan, items, departments=departments, title=content.get("name"))
    result.schema = forms.merge_items(content, items, codes)
    try:
        result.answers = graphs.parse_answers(content.get("questions", []), raw_answers or {})
    except graphs.AnswerError as exc:
        result.findings.append(Finding("warning", f"预览的回答无效：{exc}"))
        result.answers = {}
    result.scenario_plan = graphs.plan(content, items, result.answers, version=0)
    result.scenario_schema = forms.merge(content, items, result.answers)
    result.findings += _merge_findings(result.schema)
    result.findings += _flow_findings(content, items)
    result.findings += _item_findings(items)
    result.findings += _question_findings(content)
    return result


def _merge_findings(schema: forms.MergedSchema) -> list[Finding]:
    found = [Finding("error", f"字段冲突未解决：{c.key}：{c.message}") for c in schema.conflicts]
    found += [
        Finding(
            "warning",
            f"字段“{f.label}”（{'、'.join(sorted({s.item for s in f.sources}))}）没有数据元，"
            + (
                f"建议 {f.suggestion.role}.{f.suggestion.element}，请实施部门确认"
                if f.suggestion
                else "请实施部门补充"
            ),
        )
        for f in schema.to_confirm
    ]
    return found


def half_rule_warning(item: dict[str, Any]) -> str | None:
    """The seeds ask promised limits of at most half the statutory one; a warning, not a refusal."""
    if not graphs.exceeds_half_of_legal(item):
        return None
    unit = item.get("days_unit") or graphs.WORKING_DAYS
    return (
        f"承诺办结时限 {item.get('promised_days')} 个{unit}超过法定时限 {item.get('legal_days')} 个{unit}的一半："
        "请尽量压缩到一半以内（承诺时限压减一半以上）"
    )


# Seed 004 §22: no 容缺 or 告知承诺 for items that touch 人身健康、生命财产安全、公共安全. The catalogue
# does not mark those items, so their names and bases are read for the words that give them away.
SAFETY_WORDS = (
    "食品", "药品", "医疗", "疫苗", "消防", "特种设备", "危险", "爆炸", "燃气", "建设工程",
    "施工", "卫生", "安全", "放射", "环境影响",
)  # fmt: skip


def rongque_warning(item: dict[str, Any]) -> str | None:
    """An item that touches health, life, property or public safety and still allows 容缺 or 告知承诺."""
    text = f"{item.get('name') or ''}{item.get('basis') or ''}"
    words = [w for w in SAFETY_WORDS if w in text]
    if not words:
        return None
    deferrable = item.get("rongque") is not False and [
        m.get("name") for m in item.get("materials") or [] if m.get("deferrable") is True
    ]
    offered = [f"容缺（{'、'.join(map(str, deferrable))}）"] if deferrable else []
    if item.get("commitment"):
        offered.append("告知承诺")
    if not offered:
        return None
    return (
        f"事项涉及{'、'.join(words)}，属于涉及人身健康、生命财产安全、公共安全的事项，"
        f"不宜适用{'和'.join(offered)}：请确认依据，或设置 rongque: false"
    )


def item_warnings(item: dict[str, Any]) -> list[str]:
    """What the checker and the item's page warn of (warnings, not refusals)."""
    return [w for w in (half_rule_warning(item), rongque_warning(item)) if w]


def _item_findings(items: dict[str, dict[str, Any]]) -> list[Finding]:
    return [
        Finding("warning", f"事项“{item.get('name', code)}”（{code}）：{warning}")
        for code, item in items.items()
        for warning in item_warnings(item)
    ]


def _flow_findings(content: dict[str, Any], items: dict[str, dict[str, Any]]) -> list[Finding]:
    """Fields nobody fills and materials with no source: produced inside the bundle, but by a step
    that does not come before the step that needs it, so nobody has it when it is needed."""
    graph = graphs.build_graph(content, items)
    found: list[Finding] = []
    for code, item in items.items():
        upstream = nx.ancestors(graph, code) if code in graph else set()
        needs = [("字段无人填写", f.get("label") or f["name"], f) for f in item.get("fields", [])]
        needs += [("材料无来源", m["name"], m) for m in item.get("materials", [])]
        for problem, name, entry in needs:
            producer = entry.get("produced_by")
            if producer in items and producer != code and producer not in upstream:
                found.append(
                    Finding(
                        "error",
                        f"{problem}：{item['name']}的“{name}”由 {producer} 产生，"
                        f"但 {producer} 不在 {code} 之前办理（请设为前置步骤）",
                    )
                )
    return found


def _question_findings(content: dict[str, Any]) -> list[Finding]:
    used = {q for s in content.get("steps", []) for q in (s.get("when") or {})}
    return [
        Finding("warning", f"问题“{q['text']}”（{q['id']}）不影响任何步骤，申请人回答了也没有作用")
        for q in content.get("questions", [])
        if q["id"] not in used
    ]


@dataclass(frozen=True)
class Measure:
    """One before/after figure of the reform report."""

    label: str
    unit: str
    before: int
    after: int

    @property
    def saved(self) -> int:
        return self.before - self.after

    @property
    def ratio(self) -> float:
        return round(self.saved / self.before, 4) if self.before else 0.0


def reform_report(bundle: dict[str, Any], items: dict[str, dict[str, Any]]) -> list[Measure]:
    """The seeds' four goals for the whole bundle (every step): steps, materials, time, visits;
    plus the form (fields) that 多表合一 merges."""
    whole = everything(bundle)
    metrics = graphs.metrics_of_plan(graphs.plan(whole, items, {}, version=0))
    stats = forms.merge_items(bundle, items, [s["item"] for s in bundle.get("steps", [])]).stats
    return [
        Measure("申请表填写项", "项", stats.component_fields, stats.asked_fields),
        Measure("提交材料", "份", stats.component_materials, stats.asked_materials),
        Measure("承诺办理时限", "个工作日", metrics.sum_promised_days, metrics.promised_days),
        Measure("法定办理时限", "个工作日", metrics.sum_legal_days, metrics.legal_days),
        Measure("跑动次数", "次", metrics.visits_before, metrics.visits_after),
        Measure("办理环节（申请、受理）", "个", metrics.steps, 1),
    ]
