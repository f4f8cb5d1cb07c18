"""Helpers that turn form data into the label/value rows and tables of the printed forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

TYPE_TEXT = {
    "text": "文本",
    "textarea": "文本（多行）",
    "id_number": "公民身份号码",
    "uscc": "统一社会信用代码",
    "phone": "电话号码",
    "email": "电子邮箱",
    "bank_account": "银行账号",
    "date": "日期",
    "integer": "整数",
    "decimal": "数值",
    "choice": "单选",
    "multichoice": "多选",
    "boolean": "是/否",
}


def display(value: Any) -> str:
    """A form value as printed: None → empty, booleans 是/否, lists joined with 、, dates ISO."""
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(display(v) for v in value)
    return str(value)


def application_form_sections(schema: Any, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The sections of the unified form (a ``forms.MergedSchema``) with the applicant's data.

    ``data`` is the unified data keyed by merged key, a repeating group under ``group[]`` as a list
    of row dicts keyed by column (``forms.form_to_data``). Fields produced inside the bundle are
    left out (the applicant does not fill them).
    """
    asked = {f.key for f in schema.asked_fields}
    by_key = schema.by_key
    sections = []
    for section in schema.sections:
        fields = [by_key[k] for k in section.keys if k in asked]
        if not fields:
            continue
        rows = [{"label": f.label, "value": display(data.get(f.key))} for f in fields if f.group is None]
        tables = []
        grouped: dict[str, list[Any]] = {}
        for f in fields:
            if f.group is not None:
                grouped.setdefault(f.group_key, []).append(f)
        for group_key, columns in grouped.items():
            entries = [r for r in data.get(group_key) or [] if any(r.get(c.column) for c in columns)]
            tables.append(
                {
                    "title": columns[0].group,
                    "columns": [c.label for c in columns],
                    "rows": [[display(r.get(c.column)) for c in columns] for r in entries],
                }
            )
        sections.append({"title": section.title, "rows": rows, "tables": tables})
    return sections


def item_form_rows(item: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[list[dict], list[dict]]:
    """One item's own form under its own labels: ``(rows, tables)``.

    ``values`` is the item's data as ``forms.project`` gives it: by field name, a repeating group
    under the group's name as a list of ``{field_name: value}``.
    """
    rows: list[dict[str, Any]] = []
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for f in item.get("fields") or []:
        if f.get("group"):
            groups.setdefault(f["group"], []).append(f)
        else:
            rows.append({"label": f.get("label") or f["name"], "value": display(values.get(f["name"]))})
    tables = []
    for group, columns in groups.items():
        entries = values.get(group) or []
        tables.append(
            {
                "title": group,
                "columns": [c.get("label") or c["name"] for c in columns],
                "rows": [[display(r.get(c["name"])) for c in columns] for r in entries],
            }
        )
    return rows, tables
