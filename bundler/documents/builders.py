"""Helpers that turn form data into the label/value rows and tables of the printed forms."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from forms.fieldtypes import display_value, field_types


class _TypeLabels(Mapping[str, str]):
    """Field type name -> its Chinese label, read from the registry each time."""

    def __getitem__(self, name: str) -> str:
        kind = field_types.find(name)
        if kind is None:
            raise KeyError(name)
        return kind.label

    def __iter__(self) -> Iterator[str]:
        return iter(field_types.names())

    def __len__(self) -> int:
        return len(field_types)


TYPE_TEXT: Mapping[str, str] = _TypeLabels()


def display(value: Any) -> str:
    """A form value as printed: None → empty, booleans 是/否, lists joined with 、, dates ISO."""
    return display_value(value)


def display_field(field_type: str | None, value: Any) -> str:
    """A value of a field of ``field_type`` as printed (as that type prints it)."""
    kind = field_types.find(field_type or "text")
    return kind.display(value) if kind is not None else display_value(value)


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
        rows = [
            {"label": f.label, "value": display_field(f.type, data.get(f.key))}
            for f in fields
            if f.group is None
        ]
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
                    "rows": [[display_field(c.type, r.get(c.column)) for c in columns] for r in entries],
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
            rows.append(
                {
                    "label": f.get("label") or f["name"],
                    "value": display_field(f.get("type"), values.get(f["name"])),
                }
            )
    tables = []
    for group, columns in groups.items():
        entries = values.get(group) or []
        tables.append(
            {
                "title": group,
                "columns": [c.get("label") or c["name"] for c in columns],
                "rows": [[display_field(c.get("type"), r.get(c["name"])) for c in columns] for r in entries],
            }
        )
    return rows, tables
