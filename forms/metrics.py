"""Reform metrics (多表合一 / 一套材料): component vs merged vs asked, as the contract's ``stats``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forms.schema import MergedField, MergedMaterial, Stats


def compute_stats(
    fields: Sequence[MergedField],
    materials: Sequence[MergedMaterial],
    component_fields: int,
    component_materials: int,
    persons: Mapping[str, int] | None = None,
) -> Stats:
    """``persons``: persons of each repeating role; each of them types the role's fields."""
    persons = persons or {}
    return Stats(
        component_fields=component_fields,
        merged_fields=len(fields),
        asked_fields=sum(persons.get(f.group, 1) if f.group else 1 for f in fields if f.asked),
        component_materials=component_materials,
        merged_materials=len(materials),
        asked_materials=sum(1 for m in materials if m.asked),
    )


def reduction(stats: Stats) -> dict[str, float]:
    """Share of fields / materials the applicant no longer gives (0..1), for reports."""

    def share(asked: int, component: int) -> float:
        return round(1 - asked / component, 4) if component else 0.0

    return {
        "fields": share(stats.asked_fields, stats.component_fields),
        "materials": share(stats.asked_materials, stats.component_materials),
    }
