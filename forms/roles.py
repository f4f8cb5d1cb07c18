"""Roles a bundle declares repeating (several persons of one role: 新生儿, 买受人, 股东 …).

A bundle writes ``roles: [{name: 买受人, repeat: true, min: 1, max: 4}]``. Every field of a repeating
role is kept per person, as a repeating group named after the role: key ``买受人[].姓名``, data
``{"买受人[]": [{"姓名": ...}, ...]}``. A step with ``per: 买受人`` runs once per person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forms.keys import group_key


@dataclass(frozen=True)
class RepeatingRole:
    name: str
    min: int = 1  # persons the application must name
    max: int | None = None


def repeating_roles(bundle: Mapping[str, Any]) -> dict[str, RepeatingRole]:
    """The bundle's repeating roles by name (roles without ``repeat: true`` have one person)."""
    out: dict[str, RepeatingRole] = {}
    for raw in bundle.get("roles") or ():
        if isinstance(raw, Mapping) and raw.get("repeat") and raw.get("name"):
            name = str(raw["name"])
            out[name] = RepeatingRole(
                name,
                int(raw["min"]) if raw.get("min") is not None else 1,
                int(raw["max"]) if raw.get("max") is not None else None,
            )
    return out


def per_role(step: Mapping[str, Any]) -> str | None:
    """The repeating role a step runs once for each person of (``per:``), or None."""
    per = step.get("per")
    return str(per) if per else None


def person_count(data: Mapping[str, Any], role: str) -> int:
    """How many persons of ``role`` the unified data names (at least one)."""
    rows = data.get(group_key(role))
    return max(len(rows), 1) if isinstance(rows, list) else 1


def person_label(role: str, index: int) -> str:
    """``新生儿（第 2 位）`` for the person at ``index`` (from 0) of a repeating role."""
    return f"{role}（第 {index + 1} 位）"
