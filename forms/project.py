"""Projection: the unified data back into each item's own form, under its own field names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.conditions import holds
from forms.fieldtypes import field_types
from forms.keys import group_key
from forms.schema import MergedField, MergedSchema, Source


def project(
    schema: MergedSchema,
    items: Mapping[str, Mapping[str, Any]],
    unified_data: Mapping[str, Any],
    produced: Mapping[str, Any] | None = None,
    person: tuple[str, int] | None = None,
) -> dict[str, dict[str, Any]]:
    """Each applicable item's form data ``{item_code: {field_name: value}}``.

    ``unified_data`` is keyed by merged key; a repeating group is under ``group[]`` as a list of row
    dicts keyed by column (see :func:`forms.form_to_data`); an item receives its group as
    ``{group: [{field_name: value}, ...]}``. Values go through the resolution's value map of that
    item, and are converted as the item's field type takes them when the unified field's type differs
    (a textual item field gets text).
    ``produced`` holds values of fields produced inside the bundle, once known: by merged key
    (``{"企业.统一社会信用代码": "91..."}``) or by producing item, either as a mapping (by merged key,
    element or field name) or as the single value the item produces. Fields without a produced value
    fall back to ``unified_data`` and else are None. A field is left out of an item's form when the
    item's own condition on it fails for the data (``Source.when``); the same holds for fields a
    department fills (``filled_by``), found in ``produced`` by merged key once filled.

    A repeating role's persons are rows of its group: an item receives them as ``{role: [{field_name:
    value}, ...]}``, or, with ``person=(role, index)`` (a step that runs once per person), that one
    person's values as plain fields. Values produced or filled per person are in ``produced`` as rows
    under the group key (``{"新生儿[]": [{"出生医学证明编号": ...}, ...]}``).
    """
    produced = produced or {}
    out: dict[str, dict[str, Any]] = {code: {} for code in schema.item_codes}
    for f in schema.fields:
        if f.group is None:
            filled = f.produced_by or f.filled_by
            value = _produced_value(f, produced, unified_data) if filled else unified_data.get(f.key)
            for s in f.sources:
                if s.when is None or holds(s.when, unified_data):  # the item asks it for this data
                    out[s.item][s.field] = _to_item(value, s, f)
            continue
        rows = _rows(f, unified_data, produced)
        column = f.column or f.key
        for s in f.sources:
            if s.when is not None and not holds(s.when, unified_data):
                continue  # the item does not ask this column for the data
            if person is not None and person[0] == f.group:
                row = rows[person[1]] if person[1] < len(rows) else {}
                out[s.item][s.field] = _to_item(row.get(column), s, f)
                continue
            item_rows = out[s.item].setdefault(f.group, [])
            while len(item_rows) < len(rows):
                item_rows.append({})
            for i, row in enumerate(rows):
                item_rows[i][s.field] = _to_item(row.get(column), s, f)
    return {code: _in_item_order(out[code], items.get(code) or {}) for code in schema.item_codes}


def _in_item_order(data: dict[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    ordered: dict[str, Any] = {}
    for f in item.get("fields") or []:
        name = f.get("group") if f.get("group") is not None else f.get("name")
        if name in data and name not in ordered:
            ordered[name] = data[name]
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return ordered


def _rows(f: MergedField, unified: Mapping[str, Any], produced: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The group's rows as the applicant gave them, with the values produced per row put in."""
    rows: list[Mapping[str, Any]] = list(unified.get(group_key(f.group or "")) or [])
    if not (f.produced_by or f.filled_by):
        return rows
    column = f.column or f.key
    for i, made in enumerate(produced.get(group_key(f.group or "")) or []):
        if made and column in made:
            while len(rows) <= i:
                rows.append({})
            rows[i] = {**rows[i], column: made[column]}
    return rows


def _produced_value(f: MergedField, produced: Mapping[str, Any], unified: Mapping[str, Any]) -> Any:
    if f.key in produced:
        return produced[f.key]
    by_item = produced.get(f.produced_by or "")
    if isinstance(by_item, Mapping):
        for k in (f.key, f.element, *(s.field for s in f.sources)):
            if k is not None and k in by_item:
                return by_item[k]
    elif by_item is not None:
        return by_item
    return unified.get(f.key)


def _to_item(value: Any, s: Source, f: MergedField) -> Any:
    if value is None:
        return None
    if s.value_map:
        mapping = dict(s.value_map)
        if isinstance(value, list | tuple):
            value = [mapping.get(str(v), v) for v in value]
        else:
            value = mapping.get(str(value), value)
    if s.type != f.type:
        kind = field_types.find(s.type)
        if kind is not None:
            return kind.receive(value)
    return value
