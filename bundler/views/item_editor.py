"""The item editor: every standard element of a service item, its form fields and its materials as a
WTForms form (a fresh instance per request; rows are FieldLists). The form reads and writes the
contract-format entry, so keys it does not show (extensions) survive an edit untouched."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, NumberRange, Optional

import graphs
from forms.fieldtypes import field_types

from ..catalogue.contract import (
    CHANNELS_OF_HANDLING,
    FIELD_KEYS,
    ITEM_KINDS,
    ITEM_TEXT_KEYS,
    ITEM_TYPES,
    MATERIAL_KEYS,
)
from ..catalogue.elements import ELEMENT_LABELS as LABELS

# Standard elements kept as optional keys of the entry (not columns): written only when given.
OPTIONAL_TEXT_KEYS = ("catalogue_code", "implementation_code", "exercise_content", "fee_basis", "online_url")
OPTIONAL_LIST_KEYS = {"channels": "channels", "process": "process_steps"}  # key → form field
# (``process`` is a method of every WTForms form, so the field is ``process_steps``)
BLANK_ROWS = 2  # empty rows offered for new fields and materials


def field_type_choices() -> list[tuple[str, str]]:
    """(name, “中文名 · name”) of every registered field type, for select lists."""
    return [(name, f"{field_types.get(name).label} · {name}") for name in field_types.names()]


class FieldRow(Form):
    name = StringField("字段名")
    label = StringField("标签")
    role = StringField("数据主体")
    element = StringField("数据元")
    type = SelectField("类型", choices=field_type_choices, default="text")  # read when shown
    required = BooleanField("必填")
    options = StringField("选项（逗号分隔）")
    max_length = IntegerField(
        "最大长度", validators=[Optional(), NumberRange(min=1, message="最大长度应为正整数")]
    )
    group = StringField("重复组")
    produced_by = StringField("由事项产生")
    remove = BooleanField("删除")


class MaterialRow(Form):
    name = StringField("材料名称")
    kind = StringField("类别")
    role = StringField("所属主体")
    required = BooleanField("必需", default=True)
    e_licence = BooleanField("可用电子证照")
    deferrable = BooleanField("可容缺后补")
    produced_by = StringField("由事项产生")
    sample = StringField("样表（文件名或网址）")
    remove = BooleanField("删除")


MATERIAL_ROW_KEYS = (*MATERIAL_KEYS, "deferrable", "sample")


class ItemForm(FlaskForm):
    name = StringField("事项名称", validators=[DataRequired("请填写事项名称")])
    type = SelectField("事项类型", choices=list(ITEM_TYPES))
    legal_days = IntegerField(
        "法定办结时限（天）", validators=[Optional(), NumberRange(min=0, message="时限不能为负数")]
    )
    promised_days = IntegerField(
        "承诺办结时限（天）", validators=[Optional(), NumberRange(min=0, message="时限不能为负数")]
    )
    days_unit = SelectField(
        "时限按",
        choices=[(u, u) for u in graphs.DAYS_UNITS],
        default=graphs.WORKING_DAYS,
        description="法律规定以“日”计的时限（如社会保险法的 15 日）按自然日；期限末日为节假日的，顺延至节假日后第一个工作日",
    )
    no_rongque = BooleanField(
        "不适用容缺受理",
        description="涉及人身健康、生命财产安全、公共安全的事项不得容缺受理，勾选后本事项的材料都不能容缺后补",
    )
    commitment_replaces = StringField(
        "告知承诺可代替的材料或条件（逗号分隔）",
        description="申请人签署告知承诺书后可不再提交的材料名称；留空表示本事项不实行告知承诺制",
    )
    commitment_verify_days = IntegerField(
        "承诺核查时限（天）",
        validators=[Optional(), NumberRange(min=0, message="核查时限不能为负数")],
        description="按本事项的时限单位计算，自准予之日起",
    )
    catalogue_code = StringField(
        LABELS["catalogue_code"],
        description="基本目录中的编码；填写后事项名称、类型和设定依据须与基本目录一致",
    )
    implementation_code = StringField(LABELS["implementation_code"])
    exercise_content = TextAreaField(LABELS["exercise_content"])
    basis = TextAreaField(LABELS["basis"])
    conditions = TextAreaField(LABELS["conditions"])
    service_object = StringField(LABELS["service_object"])
    kind = SelectField(
        LABELS["kind"], choices=[("", "（未填写）"), *[(k, k) for k in ITEM_KINDS]], default=""
    )
    visits = IntegerField(
        LABELS["visits"], validators=[Optional(), NumberRange(min=0, message="到现场次数不能为负数")]
    )
    channels = StringField(
        LABELS["channels"], description=f"逗号分隔，可选：{'、'.join(CHANNELS_OF_HANDLING)}"
    )
    online_url = StringField(LABELS["online_url"], description="http:// 或 https:// 开头")
    process_steps = StringField(
        LABELS["process"], description="按先后顺序写环节名称，逗号分隔，如：受理，审查，决定，办结"
    )
    fees = StringField(LABELS["fees"])
    fee_basis = StringField(LABELS["fee_basis"])
    result = StringField(LABELS["result"])
    place = StringField(LABELS["place"])
    hours = StringField(LABELS["hours"])
    phone = StringField(LABELS["phone"])
    complaint_phone = StringField(LABELS["complaint_phone"])
    fields = FieldList(FormField(FieldRow), min_entries=1)
    materials = FieldList(FormField(MaterialRow), min_entries=1)


def _row_data(entry: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    data = {k: entry.get(k) for k in keys}
    if "options" in data:
        data["options"] = "，".join(entry.get("options") or [])
    return data


def item_form(content: dict[str, Any] | None = None) -> ItemForm:
    """The form bound to the request, or (``content`` given) filled from a stored entry."""
    if content is None:
        return ItemForm()
    data = {k: content.get(k) for k in ("name", "type", "legal_days", "promised_days", *ITEM_TEXT_KEYS)}
    data.update({k: content.get(k) for k in (*OPTIONAL_TEXT_KEYS, "visits")})
    data["kind"] = content.get("kind") or ""
    data.update({f: "，".join(str(v) for v in content.get(k) or []) for k, f in OPTIONAL_LIST_KEYS.items()})
    data["days_unit"] = content.get("days_unit") or graphs.WORKING_DAYS
    data["no_rongque"] = content.get("rongque") is False
    commitment = content.get("commitment") or {}
    data["commitment_replaces"] = "，".join(commitment.get("replaces") or [])
    data["commitment_verify_days"] = commitment.get("verify_days")
    data["fields"] = [_row_data(f, FIELD_KEYS) for f in content.get("fields", [])] + [{}] * BLANK_ROWS
    data["materials"] = [_row_data(m, MATERIAL_ROW_KEYS) for m in content.get("materials", [])] + [
        {}
    ] * BLANK_ROWS
    return ItemForm(formdata=None, data=data)


def _clean(value: Any) -> Any:
    return value.strip() or None if isinstance(value, str) else value


def split_options(text: str | None) -> list[str]:
    """A list typed into one box: comma-separated, full-width or not, blanks dropped."""
    return [part.strip() for part in (text or "").replace("，", ",").split(",") if part.strip()]


def _rows(
    rows: FieldList,
    keys: tuple[str, ...],
    previous: list[dict[str, Any]],
    unwritten_when_false: tuple[str, ...] = (),
    unwritten_when_empty: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The entries of a table of rows; empty rows and rows marked 删除 are dropped, and the keys the
    form does not show are kept from the stored entry of the same name. A flag in
    ``unwritten_when_false`` is written only when ticked or already stored (the contract's default
    stays implicit, so an edit does not rewrite every entry)."""
    stored = {entry.get("name"): entry for entry in previous}
    entries = []
    for row in rows:
        values = {k: _clean(row[k].data) for k in keys}
        if row.remove.data or not values["name"]:
            continue
        if "options" in values:
            values["options"] = split_options(values["options"])
        before = stored.get(values["name"], {})
        for flag in unwritten_when_false:
            if not values[flag] and flag not in before:
                del values[flag]
        for key in unwritten_when_empty:  # an optional key left empty is not written
            if values[key] is None:
                del values[key]
        extras = {k: v for k, v in before.items() if k not in keys}
        entries.append({**extras, **values})
    return entries


def _commitment(form: ItemForm, previous: dict[str, Any]) -> dict[str, Any] | None:
    """The ``commitment`` entry (告知承诺制) the form describes, or None when nothing is replaced."""
    replaces = split_options(form.commitment_replaces.data)
    if not replaces:
        return None
    kept = {
        k: v for k, v in (previous.get("commitment") or {}).items() if k not in ("replaces", "verify_days")
    }
    days = form.commitment_verify_days.data
    return {**kept, "replaces": replaces, **({"verify_days": days} if days is not None else {})}


def content_from(form: ItemForm, previous: dict[str, Any]) -> dict[str, Any]:
    """The entry the form describes; extensions the form does not show are kept."""
    content = dict(previous)
    for key in ("name", "type", "legal_days", "promised_days", *ITEM_TEXT_KEYS):
        content[key] = _clean(form[key].data)
    optional: dict[str, Any] = {k: _clean(form[k].data) for k in (*OPTIONAL_TEXT_KEYS, "kind", "visits")}
    optional.update({k: split_options(form[f].data) or None for k, f in OPTIONAL_LIST_KEYS.items()})
    for key, value in optional.items():  # an element left empty is not written
        if value is None:
            content.pop(key, None)
        else:
            content[key] = value
    if form.days_unit.data != graphs.WORKING_DAYS or "days_unit" in previous:  # the default is not written
        content["days_unit"] = form.days_unit.data
    if form.no_rongque.data:
        content["rongque"] = False
    elif "rongque" in previous:
        content["rongque"] = True
    commitment = _commitment(form, previous)
    if commitment is None:
        content.pop("commitment", None)
    else:
        content["commitment"] = commitment
    content["fields"] = _rows(form.fields, FIELD_KEYS, previous.get("fields", []))
    content["materials"] = _rows(
        form.materials,
        MATERIAL_ROW_KEYS,
        previous.get("materials", []),
        unwritten_when_false=("deferrable",),
        unwritten_when_empty=("sample",),
    )
    return content
