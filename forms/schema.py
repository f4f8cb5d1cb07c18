"""The merged schema: what ``forms.merge`` returns. Frozen dataclasses, safe to share between requests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from forms.keys import group_key


@dataclass(frozen=True)
class Source:
    """One catalogue field behind a merged field."""

    item: str
    field: str
    label: str
    type: str
    required: bool = False
    options: tuple[str, ...] = ()
    group: str | None = None
    value_map: tuple[tuple[str, str], ...] = ()  # unified value -> this item's value (from a resolution)
    position: int = 0  # index of the field in its item's form
    when: Any = None  # what still decides whether this item asks it (JSON Logic over fields); None: always
    filled_by: bool = False  # this item's department fills it when it works its step (filled_by: department)

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "field": self.field, "label": self.label}


@dataclass(frozen=True)
class Suggestion:
    """A guessed role/element for a field that has none, for the lead department to confirm."""

    role: str | None
    element: str | None
    confidence: float
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "element": self.element,
            "confidence": self.confidence,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class MergedField:
    key: str
    label: str
    type: str
    required: bool
    produced_by: str | None
    sources: tuple[Source, ...]
    role: str | None = None
    element: str | None = None
    group: str | None = None  # the repeating group; the unified data holds it under ``group_key``
    column: str | None = None  # the key inside a group row
    options: tuple[str, ...] = ()
    max_length: int | None = None
    check: str | None = None  # name of a forms.checks check, from the type or the element dictionary
    pattern: str | None = None
    pattern_message: str | None = None
    section: str = ""
    section_id: str = ""
    section_kind: str = ""
    conflicted: bool = False
    confirm: bool = False  # no role/element: never merged, to be confirmed by the lead department
    suggestion: Suggestion | None = None
    resolution: str | None = None  # the note of an applied resolution
    help: str = ""  # which items/departments need it (help text of the form)
    when: Any = None  # asked only while this holds over other fields (JSON Logic, answers put in)
    filled_by: str | None = None  # "department": never asked, the step's department fills it

    @property
    def asked(self) -> bool:
        """Typed by a person: neither produced inside the bundle nor filled by a department."""
        return self.produced_by is None and self.filled_by is None

    def filled_in_step(self, item: str) -> bool:
        """Given by the step of ``item`` when its department works it: a result it produces, or a
        field its department fills (``filled_by: department``)."""
        return self.produced_by == item or any(s.item == item and s.filled_by for s in self.sources)

    @property
    def group_key(self) -> str | None:
        return group_key(self.group) if self.group is not None else None

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(sorted({s.item for s in self.sources}))

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "produced_by": self.produced_by,
            "sources": [s.to_json() for s in self.sources],
            "role": self.role,
            "element": self.element,
            "group": self.group,
            "options": list(self.options),
            "max_length": self.max_length,
            "section": self.section,
            "conflicted": self.conflicted,
            "confirm": self.confirm,
            "suggestion": self.suggestion.to_json() if self.suggestion else None,
            "resolution": self.resolution,
            "when": self.when,
            "filled_by": self.filled_by,
        }


@dataclass(frozen=True)
class Conflict:
    """An incompatible difference between the sources of one merged field."""

    key: str
    kind: str  # type | options | produced_by | rows | resolution
    items: tuple[str, ...]
    values: tuple[tuple[str, str, Any], ...]  # (item, field, value)
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "items": list(self.items),
            "values": [{"item": i, "field": f, "value": v} for i, f, v in self.values],
            "message": self.message,
        }


@dataclass(frozen=True)
class MaterialSource:
    item: str
    name: str
    required: bool
    e_licence: bool
    original: str | None = None
    copies: int | None = None
    deferrable: bool = False  # 容缺: the item lets it be supplied after acceptance, on a dated commitment
    commitment: bool = False  # 告知承诺: the item lets a signed commitment replace it
    when: Any = None  # what still decides whether this item needs it (JSON Logic over fields)

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "name": self.name,
            "required": self.required,
            "e_licence": self.e_licence,
            "original": self.original,
            "copies": self.copies,
            "deferrable": self.deferrable,
            "commitment": self.commitment,
        }


@dataclass(frozen=True)
class MergedMaterial:
    kind: str
    role: str | None
    name: str
    required: bool
    e_licence: bool  # every item needing it accepts an e-licence, so no paper is needed
    produced_by: str | None
    items: tuple[str, ...]
    sources: tuple[MaterialSource, ...]
    when: Any = None  # needed only while this holds over the form's fields (JSON Logic)

    @property
    def asked(self) -> bool:
        return self.produced_by is None

    @property
    def e_licence_items(self) -> tuple[str, ...]:
        return tuple(sorted({s.item for s in self.sources if s.e_licence}))

    @property
    def deferrable(self) -> bool:
        """容缺-able: every item that needs it allows it to follow after acceptance."""
        return self.asked and all(s.deferrable for s in self.sources)

    @property
    def commitment(self) -> bool:
        """A signed commitment (告知承诺) may replace it for every item that needs it."""
        return self.asked and all(s.commitment for s in self.sources)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "role": self.role,
            "required": self.required,
            "e_licence": self.e_licence,
            "produced_by": self.produced_by,
            "items": list(self.items),
            "name": self.name,
            "e_licence_items": list(self.e_licence_items),
            "deferrable": self.deferrable,
            "commitment": self.commitment,
            "when": self.when,
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(frozen=True)
class Stats:
    component_fields: int
    merged_fields: int
    asked_fields: int
    component_materials: int
    merged_materials: int
    asked_materials: int

    def to_json(self) -> dict[str, int]:
        return {
            "component_fields": self.component_fields,
            "merged_fields": self.merged_fields,
            "asked_fields": self.asked_fields,
            "component_materials": self.component_materials,
            "merged_materials": self.merged_materials,
            "asked_materials": self.asked_materials,
        }


@dataclass(frozen=True)
class Section:
    """A section of the unified form: ``keys`` are merged-field keys (a group section: its columns)."""

    id: str
    title: str
    kind: str  # role | group | persons (a repeating role: a group of one row per person) | item
    keys: tuple[str, ...]
    group: str | None = None


@dataclass(frozen=True)
class ResolutionNote:
    key: str
    kinds: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class ItemInfo:
    code: str
    name: str
    department: str


@dataclass(frozen=True)
class MergedSchema:
    bundle: str
    bundle_name: str
    item_codes: tuple[str, ...]  # the applicable items, sorted
    items: Mapping[str, ItemInfo]
    fields: tuple[MergedField, ...]
    conflicts: tuple[Conflict, ...]
    materials: tuple[MergedMaterial, ...]
    stats: Stats
    sections: tuple[Section, ...]
    resolutions: tuple[ResolutionNote, ...] = ()
    groups: Mapping[str, tuple[int, int | None]] = field(
        default_factory=dict
    )  # group -> (min_rows, max_rows)
    repeating: tuple[str, ...] = ()  # repeating roles that have fields: groups of one row per person

    @cached_property
    def by_key(self) -> Mapping[str, MergedField]:
        return MappingProxyType({f.key: f for f in self.fields})

    def field(self, key: str) -> MergedField:
        return self.by_key[key]

    @cached_property
    def has_conditions(self) -> bool:
        """Whether any field is asked only on a condition over other fields."""
        return any(f.when is not None for f in self.fields)

    @property
    def asked_fields(self) -> tuple[MergedField, ...]:
        return tuple(f for f in self.fields if f.asked)

    @property
    def asked_materials(self) -> tuple[MergedMaterial, ...]:
        return tuple(m for m in self.materials if m.asked)

    @property
    def to_confirm(self) -> tuple[MergedField, ...]:
        """Fields without role/element, each with its suggestion, for the lead department."""
        return tuple(f for f in self.fields if f.confirm)

    def _field_json(self, f: MergedField) -> dict[str, Any]:
        data = f.to_json()
        repeating = f.group in self.repeating
        data["repeating_role"] = f.group if repeating else None
        if repeating and f.group is not None:
            data["min_persons"], data["max_persons"] = self.groups[f.group]
        return data

    def to_json(self) -> dict[str, Any]:
        """Exactly the ``bundler merge --json`` shape of the contract (entries may carry extra keys: a
        field of a repeating role names it in ``repeating_role``, with ``min_persons``/``max_persons``)."""
        return {
            "bundle": self.bundle,
            "fields": [self._field_json(f) for f in self.fields],
            "conflicts": [c.to_json() for c in self.conflicts],
            "materials": [m.to_json() for m in self.materials],
            "stats": self.stats.to_json(),
        }
