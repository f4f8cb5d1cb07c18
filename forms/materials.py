"""一套材料: materials of the applicable items merged by kind and role, each asked once."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from forms.conditions import any_of, for_answers
from forms.dictionary import ElementDictionary
from forms.labels import pick_label
from forms.schema import MaterialSource, MergedMaterial


def _original(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "原件" if value else "复印件"
    return str(value)


def merge_materials(
    items: Mapping[str, Mapping[str, Any]],
    codes: Collection[str],
    d: ElementDictionary,
    answers: Mapping[str, Any] | None = None,
) -> tuple[tuple[MergedMaterial, ...], int]:
    """Merged materials of the items ``codes`` and the number of component materials.

    ``required`` if any item requires it; ``e_licence`` only if every item needing it accepts an
    e-licence (otherwise the applicant still brings paper for one of them; ``e_licence_items`` tells
    which accept it); ``produced_by`` is set when an applicable item produces it (then it is not asked).
    """
    applicable = set(codes)
    buckets: dict[tuple[str, str], list[tuple[str, int, Mapping[str, Any]]]] = {}
    component = 0
    for code in sorted(applicable):
        for idx, m in enumerate(items[code].get("materials") or []):
            component += 1
            when = for_answers(m.get("when"), answers)
            if when is False:
                continue  # this item does not need it in this scenario
            m = {**m, "when": when}
            kind = str(m.get("kind") or m.get("name") or "")
            buckets.setdefault((kind, m.get("role") or ""), []).append((code, idx, m))

    merged = []
    for (kind, role), raws in buckets.items():
        sources = tuple(
            MaterialSource(
                item=code,
                name=str(m.get("name") or kind),
                required=bool(m.get("required", True)),
                e_licence=bool(m.get("e_licence", False)),
                original=_original(m.get("original")),
                copies=m.get("copies"),
                deferrable=deferrable(items[code], m),
                commitment=replaced_by_commitment(items[code], m),
                when=m.get("when"),
            )
            for code, _idx, m in raws
        )
        producers = sorted({m["produced_by"] for _c, _i, m in raws if m.get("produced_by") in applicable})
        merged.append(
            MergedMaterial(
                kind=kind,
                role=role or None,
                name=pick_label((s.name for s in sources), kind, role or None),
                required=any(s.required for s in sources),
                e_licence=all(s.e_licence for s in sources),
                produced_by=producers[0] if producers else None,
                items=tuple(sorted({s.item for s in sources})),
                sources=sources,
                when=any_of(s.when for s in sources),  # needed while any item asking for it needs it
            )
        )
    merged.sort(key=lambda m: (d.role_rank(m.role), m.role or "", m.kind))
    return tuple(merged), component


def deferrable(item: Mapping[str, Any], material: Mapping[str, Any]) -> bool:
    """容缺: the material is marked deferrable and its item allows 容缺受理 at all."""
    return material.get("deferrable") is True and item.get("rongque") is not False


def replaced_by_commitment(item: Mapping[str, Any], material: Mapping[str, Any]) -> bool:
    """告知承诺: the item's commitment names the material (by its name or its kind)."""
    kind = str(material.get("kind") or material.get("name") or "")
    return bool({str(material.get("name") or kind), kind} & _commitment_replaces(item))


def _commitment_replaces(item: Mapping[str, Any]) -> frozenset[str]:
    """The material names a signed commitment may replace for this item (告知承诺制)."""
    commitment = item.get("commitment")
    if not isinstance(commitment, Mapping):
        return frozenset()
    replaces = commitment.get("replaces")
    return frozenset(str(r) for r in replaces) if isinstance(replaces, list) else frozenset()
