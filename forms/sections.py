"""Sections of the unified form, in a natural order.

1. one section per role (申请人, 经营者, 法定代表人, 企业, ... in the dictionary's role order, unknown
   roles after them by name): the applicant and the common data come first;
2. one section per repeating group (by group name), a repeating role's persons included;
3. one section per item for its own fields that have no role/element (by item code).

Inside a section fields follow the dictionary's element order (姓名, 公民身份号码, ...), then key;
an item's own fields keep the item's order. Produced fields keep a section title but are not listed
in ``Section.keys`` (the applicant does not fill them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forms.dictionary import ElementDictionary
from forms.schema import ItemInfo, MergedField, Section


def section_of(
    group: str | None,
    confirm: bool,
    item: str,
    role: str | None,
    infos: Mapping[str, ItemInfo],
    *,
    persons: bool = False,
) -> tuple[str, str, str]:
    """(section id, kind, title) of a merged field; ``persons``: the group is a repeating role, one
    row per person (kind ``persons``, shown as one block per person)."""
    if persons and group is not None:
        return f"group:{group}", "persons", f"{group}信息"
    if group is not None:
        return f"group:{group}", "group", group
    if confirm:
        info = infos.get(item)
        return f"item:{item}", "item", f"{info.name if info else item}补充信息"
    role = role or ""
    return f"role:{role}", "role", f"{role}信息"


def _order(f: MergedField, d: ElementDictionary) -> tuple[tuple[int, int, str], tuple[int | str, ...]]:
    """(section order, order inside the section)."""
    first = f.sources[0]
    if f.group is not None:
        inside = (
            (d.element_rank(f.element), "", 0, f.key)
            if not f.confirm
            else (d.element_rank(None) + 1, first.item, first.position, f.key)
        )
        return (1, 0, f.group), inside
    if f.confirm:
        return (2, 0, first.item), (first.position, f.key)
    role = f.role or ""
    return (0, d.role_rank(role), role), (d.element_rank(f.element), f.key)


def arrange(
    fields: Sequence[MergedField], d: ElementDictionary
) -> tuple[list[MergedField], tuple[Section, ...]]:
    """Fields in section order and the sections (only asked fields are listed in them)."""
    ordered = sorted(fields, key=lambda f: _order(f, d))
    sections: dict[str, tuple[str, str, list[str], str | None]] = {}
    for f in ordered:
        entry = sections.setdefault(f.section_id, (f.section, f.section_kind, [], f.group))
        if f.asked:
            entry[2].append(f.key)
    result = tuple(
        Section(id=sid, title=title, kind=kind, keys=tuple(keys), group=group)
        for sid, (title, kind, keys, group) in sections.items()
        if keys
    )
    return ordered, result
