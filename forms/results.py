"""Results are data: the fields an item produces inside a bundle, checked by the same form machinery
that checks what applicants enter (the field types' check characters, dates and options)."""

from __future__ import annotations

from dataclasses import replace

from forms.schema import MergedSchema, Section


def produced_schema(schema: MergedSchema, item: str) -> MergedSchema:
    """The fields ``item`` produces or its department fills, as a schema of their own in which they
    are asked (a repeating role's fields once: a step that fills them runs per person): the form that
    ``build_form`` makes of it validates a department's results exactly as the unified form validates
    applicant data. Keys stay the merged keys (e.g. ``经营者.统一社会信用代码``)."""
    produced = tuple(
        replace(f, produced_by=None, filled_by=None, group=None, column=None)
        for f in schema.fields
        if f.filled_in_step(item) and (f.group is None or f.group in schema.repeating)
    )
    keys = tuple(f.key for f in produced)
    section = Section(id="results", title="办理结果", kind="item", keys=keys)
    return replace(
        schema,
        fields=produced,
        conflicts=(),
        materials=(),
        sections=(section,) if keys else (),
        groups={},
        repeating=(),
    )
