"""Example values for a merged form: valid by every check, realistic enough to read.

Used to preview a bundle's merged form and its documents before anyone applies (bundle studio),
and by benchmarks and tests that need an application filled in correctly. Each field type gives its
own example (:meth:`forms.fieldtypes.FieldType.example`).
"""

from __future__ import annotations

from typing import Any

from forms.fieldtypes import FieldType, field_types
from forms.fieldtypes.free_text import TEXT_FAMILY
from forms.keys import group_key
from forms.schema import MergedField, MergedSchema


def _example_type(fld: MergedField) -> FieldType:
    """Whose example fits the field. A free-text field that carries a string type's check (a text
    field for 公民身份号码) needs that type's example; otherwise the field's own type gives it
    (unknown types: free text)."""
    by_check = field_types.find(fld.check or fld.type)
    if by_check is not None and by_check.merge_family == TEXT_FAMILY:
        return by_check
    return field_types.find(fld.type) or field_types.get("text")


def example_value(fld: MergedField, n: int = 0) -> Any:
    """A valid value for one field; ``n`` varies it (row number, person number)."""
    return _example_type(fld).example(fld, n)


def example_data(schema: MergedSchema, rows: int = 2, *, jsonable: bool = False) -> dict[str, Any]:
    """Unified data for every asked field (groups with ``rows`` rows), valid for the unified form;
    ``jsonable`` gives each value as its type stores it in JSON (dates as ISO strings, as the API
    takes them)."""
    data: dict[str, Any] = {}
    roles: dict[str | None, int] = {}

    def value(fld: MergedField, n: int) -> Any:
        example = example_value(fld, n)
        kind = field_types.find(fld.type)
        return kind.to_json(example) if jsonable and kind is not None else example

    for fld in schema.asked_fields:
        person = roles.setdefault(fld.role, len(roles))
        if fld.group is None:
            data[fld.key] = value(fld, person)
        else:
            group_rows = data.setdefault(group_key(fld.group), [{} for _ in range(rows)])
            for row_number, row in enumerate(group_rows):
                row[fld.column] = value(fld, 50 + row_number)
    return data
