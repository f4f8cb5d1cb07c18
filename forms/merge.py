"""多表合一: merge the forms of a bundle's applicable items into one schema.

Rules (see ``docs`` of the contract): fields merge only when role and element match; compatible
differences merge to the strictest rule; incompatible ones are conflicts, reported unless the bundle
records a resolution. The result never depends on the order of items or steps: sources are taken in
(item code, field position) order and every tie is broken on content.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from forms.conditions import any_of, for_answers
from forms.dictionary import ElementDictionary, default_dictionary
from forms.fieldtypes import field_types
from forms.keys import Identity, assign_keys, group_of, merge_identity
from forms.labels import pick_label
from forms.materials import merge_materials
from forms.metrics import compute_stats
from forms.resolutions import apply_resolution
from forms.roles import repeating_roles
from forms.schema import Conflict, ItemInfo, MergedField, MergedSchema, Source
from forms.sections import arrange, section_of
from forms.suggest import suggest
from graphs.scenarios import applicable_items


class BundleError(ValueError):
    """The bundle refers to items that were not given; the message is shown to people as is."""


def merge(
    bundle: Mapping[str, Any],
    items: Mapping[str, Mapping[str, Any]],
    answers: Mapping[str, Any] | None = None,
    resolutions: Mapping[str, Any] | None = None,
    *,
    dictionary: ElementDictionary | None = None,
    persons: Mapping[str, int] | None = None,
) -> MergedSchema:
    """Merge the fields and materials of the steps that apply to ``answers`` (parsed answers;
    an unanswered question leaves out the steps conditional on it). ``resolutions`` defaults to
    ``bundle["resolutions"]``; ``persons`` (persons per repeating role, one each by default) is
    what ``stats.asked_fields`` counts for."""
    return merge_items(
        bundle,
        items,
        applicable_items(bundle, answers or {}),
        resolutions,
        dictionary=dictionary,
        answers=answers or {},
        persons=persons,
    )


def merge_items(
    bundle: Mapping[str, Any],
    items: Mapping[str, Mapping[str, Any]],
    codes: Iterable[str],
    resolutions: Mapping[str, Any] | None = None,
    *,
    dictionary: ElementDictionary | None = None,
    answers: Mapping[str, Any] | None = None,
    persons: Mapping[str, int] | None = None,
) -> MergedSchema:
    """Merge the given item codes of the bundle (scenario evaluation already done). A field or
    material whose ``when`` fails for ``answers`` is not asked for its item; one whose ``when`` reads
    other fields carries what is left of it (``MergedField.when``). ``answers`` None keeps every
    condition as written (each scenario at once, for the one-time notice)."""
    d = dictionary or default_dictionary()
    codes = sorted(set(codes))
    missing = [c for c in codes if c not in items]
    if missing:
        raise BundleError(f"一件事 {bundle.get('code', '?')} 引用了不存在的事项：{'、'.join(missing)}")
    if resolutions is None:
        resolutions = bundle.get("resolutions") or {}
    applicable = set(codes)
    infos = {
        c: ItemInfo(c, str(items[c].get("name") or c), str(items[c].get("department") or "")) for c in codes
    }

    repeating = repeating_roles(bundle)
    buckets: dict[Identity, list[tuple[str, int, Mapping[str, Any]]]] = {}
    merging: dict[Identity, bool] = {}
    component = 0
    for code in codes:
        for idx, f in enumerate(items[code].get("fields") or []):
            component += 1
            when = for_answers(f.get("when"), answers)
            if when is False:
                continue  # this item does not ask it in this scenario
            f = {**f, "when": when}
            if f.get("group") is None and f.get("role") in repeating:
                f["group"] = f["role"]  # one row per person of the role: 买受人[].姓名
            ident, merges = merge_identity(
                f.get("role"), f.get("element"), f.get("group"), code, str(f.get("name"))
            )
            buckets.setdefault(ident, []).append((code, idx, f))
            merging[ident] = merges
    keys = assign_keys(buckets)

    fields: list[MergedField] = []
    conflicts: list[Conflict] = []
    notes = []
    for ident, raws in buckets.items():
        key = keys[ident]
        field, found = _merge_field(key, ident, raws, merging[ident], applicable, infos, d, repeating)
        res = resolutions.get(key)
        if res:
            field, found, note = apply_resolution(field, found, res)
            if note is not None:
                notes.append(note)
            if field.conflicted != bool(found):
                field = replace(field, conflicted=bool(found))
        conflicts.extend(found)
        fields.append(field)

    group_rows, row_conflicts = _group_rows(buckets)
    for role in repeating.values():
        if role.name in group_rows:
            lo, hi = group_rows[role.name]
            top = role.max if hi is None else (hi if role.max is None else min(hi, role.max))
            group_rows[role.name] = (max(lo, role.min), top)
    conflicts.extend(row_conflicts)
    fields, sections = arrange(fields, d)
    materials, component_materials = merge_materials(items, codes, d, answers)
    return MergedSchema(
        bundle=str(bundle.get("code", "")),
        bundle_name=str(bundle.get("name", "")),
        item_codes=tuple(codes),
        items=MappingProxyType(infos),
        fields=tuple(fields),
        conflicts=tuple(sorted(conflicts, key=lambda c: (c.key, c.kind))),
        materials=materials,
        stats=compute_stats(
            fields,
            materials,
            component,
            component_materials,
            {r: (persons or {}).get(r, 1) for r in repeating},
        ),
        sections=sections,
        resolutions=tuple(sorted(notes, key=lambda n: n.key)),
        groups=MappingProxyType(group_rows),
        repeating=tuple(sorted(r for r in repeating if r in group_rows)),
    )


def merge_types(types: set[str]) -> str | None:
    """The strictest type all sources accept, or None when they are incompatible (the field types
    say which merge: text+textarea -> textarea, free text + one checked string type -> that type,
    integer+decimal -> integer)."""
    return field_types.merged_type(types)


def _merge_field(
    key: str,
    ident: Identity,
    raws: list[tuple[str, int, Mapping[str, Any]]],
    merges: bool,
    applicable: set[str],
    infos: Mapping[str, ItemInfo],
    d: ElementDictionary,
    repeating: Mapping[str, Any],
) -> tuple[MergedField, list[Conflict]]:
    raws = sorted(raws, key=lambda r: (r[0], r[1]))
    group = group_of(ident)
    sources = tuple(
        Source(
            item=code,
            field=str(f.get("name")),
            label=str(f.get("label") or f.get("name")),
            type=str(f.get("type") or "text"),
            required=bool(f.get("required", False)),
            options=tuple(str(o) for o in f.get("options") or ()),
            group=group,
            position=idx,
            when=f.get("when"),
            filled_by=f.get("filled_by") == "department",
        )
        for code, idx, f in raws
    )
    first = raws[0][2]
    role = first.get("role") or (group if merges and group is not None else None)
    element = first.get("element") if merges else None
    conflicts: list[Conflict] = []
    items = tuple(sorted({s.item for s in sources}))

    types = {s.type for s in sources}
    ftype = merge_types(types)
    if ftype is None:
        ftype = sources[0].type
        conflicts.append(
            Conflict(
                key,
                "type",
                items,
                tuple((s.item, s.field, s.type) for s in sources),
                f"{key}：各事项的字段类型不一致（{_listing(sources, lambda s: s.type)}）",
            )
        )

    choosing = [s for s in sources if field_types.offers_options(s.type)]
    option_sets = {frozenset(s.options) for s in choosing}
    options = next((s.options for s in choosing if s.options), ())
    if len(option_sets) > 1:
        conflicts.append(
            Conflict(
                key,
                "options",
                items,
                tuple((s.item, s.field, list(s.options)) for s in choosing),
                f"{key}：各事项的选项不一致（{_listing(choosing, lambda s: '/'.join(s.options))}）",
            )
        )

    producers = sorted({f["produced_by"] for _c, _i, f in raws if f.get("produced_by") in applicable})
    if len(producers) > 1:
        conflicts.append(
            Conflict(
                key,
                "produced_by",
                items,
                tuple((c, str(f.get("name")), f.get("produced_by")) for c, _i, f in raws),
                f"{key}：标注由不同事项产生（{'、'.join(producers)}）",
            )
        )

    lengths = [f["max_length"] for _c, _i, f in raws if f.get("max_length")]
    el = d.element(element) if merges else None
    kind = field_types.find(ftype)
    element_rules = el if el is not None and kind is not None and kind.takes_element_rules else None
    max_length = min(lengths) if lengths else (element_rules.max_length if element_rules else None)
    check = kind.merged_check(el.check if el else None) if kind is not None else None
    pattern = element_rules.pattern if element_rules else None

    suggestion = None
    if not merges:
        suggestion = suggest(first, d)
    column = key[len(group) + 3 :] if group is not None else None
    field_role = role if merges else first.get("role")
    section_id, section_kind, section = section_of(
        group, not merges, raws[0][0], field_role, infos, persons=group in repeating
    )
    helps = "、".join(
        f"{infos[c].name}（{infos[c].department}）" if infos[c].department else infos[c].name for c in items
    )
    return MergedField(
        key=key,
        label=pick_label((s.label for s in sources), element, role),
        type=ftype,
        required=any(s.required for s in sources),
        produced_by=producers[0] if producers else None,
        sources=sources,
        role=field_role,
        element=element if merges else first.get("element"),
        group=group,
        column=column,
        options=options,
        max_length=max_length,
        check=check,
        pattern=pattern,
        pattern_message=el.pattern_message if pattern and el else None,
        section=section,
        section_id=section_id,
        section_kind=section_kind,
        conflicted=bool(conflicts),
        confirm=not merges,
        suggestion=suggestion,
        help=f"需要此项的事项：{helps}",
        when=any_of(s.when for s in sources),  # asked while any item that needs it asks it
        # one department fills it for all: the others receive it, as a result produced in the bundle
        filled_by="department" if any(s.filled_by for s in sources) else None,
    ), conflicts


def _listing(sources: Iterable[Source], value: Any) -> str:
    return "，".join(f"{s.item}.{s.field} 为 {value(s)}" for s in sources)


def _group_rows(
    buckets: Mapping[Identity, list[tuple[str, int, Mapping[str, Any]]]],
) -> tuple[dict[str, tuple[int, int | None]], list[Conflict]]:
    """Row limits per group from the optional ``min_rows``/``max_rows`` keys of grouped fields:
    the largest minimum and the smallest maximum."""
    mins: dict[str, list[tuple[str, str, int]]] = {}
    maxs: dict[str, list[tuple[str, str, int]]] = {}
    for ident, raws in buckets.items():
        group = group_of(ident)
        if group is None:
            continue
        mins.setdefault(group, [])
        maxs.setdefault(group, [])
        for code, _idx, f in raws:
            if f.get("min_rows") is not None:
                mins[group].append((code, str(f.get("name")), int(f["min_rows"])))
            if f.get("max_rows") is not None:
                maxs[group].append((code, str(f.get("name")), int(f["max_rows"])))
    rows: dict[str, tuple[int, int | None]] = {}
    conflicts = []
    for group in sorted(mins):
        lo = max((v for *_x, v in mins[group]), default=0)
        hi = min((v for *_x, v in maxs[group]), default=None)
        if hi is not None and lo > hi:
            values = tuple(sorted(mins[group] + maxs[group]))
            conflicts.append(
                Conflict(
                    f"{group}[]",
                    "rows",
                    tuple(sorted({v[0] for v in values})),
                    values,
                    f"{group}：各事项要求的行数无法同时满足（至少 {lo} 行，至多 {hi} 行）",
                )
            )
            hi = None
        rows[group] = (lo, hi)
    return rows, conflicts
