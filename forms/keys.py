"""Merged-field keys and the Python identifiers WTForms uses for them.

Keys (contract): ``role.element``; in a repeating group ``group[].element`` (the group names whose row
it is, so a row field whose role is empty or equals the group keeps that short form), otherwise
``group[].role.element``. A field without role or element keeps its own key ``ITEM.name``
(``group[].ITEM.name`` inside a group). Identifiers are derived from the key alone, so the same key
has the same HTML name in every bundle version and scenario.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

Identity = tuple[str, ...]

_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


def merge_identity(
    role: str | None, element: str | None, group: str | None, item: str, name: str
) -> tuple[Identity, bool]:
    """The identity fields merge on, and whether it is a merge (True) or the field's own (False)."""
    if element and group is not None:
        return ("g", group, role if role and role != group else "", element), True
    if element and role:
        return ("m", role, element), True
    if group is not None:
        return ("go", group, item, name), False
    return ("o", item, name), False


def column_of(identity: Identity) -> str:
    """The key of a field inside its group row (or the whole key for ungrouped fields)."""
    kind = identity[0]
    if kind == "g":
        _, _group, role, element = identity
        return f"{role}.{element}" if role else element
    if kind == "go":
        return f"{identity[2]}.{identity[3]}"
    return ".".join(identity[1:])


def group_key(group: str) -> str:
    """The key a repeating group's rows are kept under in the unified data (``从业人员[]``)."""
    return f"{group}[]"


def split_group_key(key: str) -> tuple[str, str] | None:
    """``买方[].共有份额`` -> (``买方``, ``共有份额``): the group and the column of a key inside a
    repeating group (a repeating role's persons included); None for a key outside one."""
    group, marker, column = key.partition("[].")
    return (group, column) if marker else None


def group_of(identity: Identity) -> str | None:
    return identity[1] if identity[0] in ("g", "go") else None


def assign_keys(identities: Iterable[Identity]) -> dict[Identity, str]:
    """Keys for the identities; free-text roles/elements could collide (``a.b``+``c`` vs ``a``+``b.c``),
    so a repeated key gets ``#2``, ``#3`` in identity order, which keeps every key unique and
    independent of the order items came in."""
    keys: dict[Identity, str] = {}
    used: set[str] = set()
    for ident in sorted(identities):
        group = group_of(ident)
        base = f"{group}[].{column_of(ident)}" if group is not None else column_of(ident)
        key, n = base, 1
        while key in used:
            n += 1
            key = f"{base}#{n}"
        used.add(key)
        keys[ident] = key
    return keys


def field_name(key: str) -> str:
    """A deterministic Python identifier (and HTML name) for a merged key.

    ASCII words of the key are kept for readability (``SCJG-001.operator_name`` ->
    ``f_SCJG_001_operator_name_3f2a91c0``); a hash of the whole key keeps it unique."""
    digest = hashlib.blake2s(key.encode("utf-8"), digest_size=5).hexdigest()
    words = "_".join(_ASCII_WORD.findall(key))[:40]
    return f"f_{words}_{digest}" if words else f"f_{digest}"
