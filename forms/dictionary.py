"""The data-element dictionary (数据元): common elements, their type, validation and synonyms.

The default dictionary ships as ``elements.json`` next to this module; a catalogue may add or override
elements with :func:`load_dictionary` (``extra``) or :meth:`ElementDictionary.extend`. Dictionaries are
immutable, so one instance can be shared by every request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from forms.fieldtypes import field_types

FIELD_TYPES = field_types  # kept for imports: ``name in FIELD_TYPES`` asks the registry
_DATA_FILE = Path(__file__).with_name("elements.json")


@dataclass(frozen=True)
class Element:
    name: str
    type: str = "text"
    synonyms: tuple[str, ...] = ()
    check: str | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    max_length: int | None = None
    options: tuple[str, ...] = ()
    default_role: str | None = None


@dataclass(frozen=True)
class Role:
    name: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class ElementDictionary:
    elements: Mapping[str, Element]
    roles: tuple[Role, ...]
    # derived lookups, built in __post_init__
    _by_synonym: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _synonyms_longest_first: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)
    _role_prefixes: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)
    _element_rank: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _role_rank: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_syn: dict[str, str] = {}
        for el in self.elements.values():
            for syn in (el.name, *el.synonyms):
                by_syn.setdefault(normalize_label(syn), el.name)
        self._by_synonym.update(by_syn)
        object.__setattr__(
            self,
            "_synonyms_longest_first",
            tuple(sorted(by_syn.items(), key=lambda kv: (-len(kv[0]), kv[0]))),
        )
        prefixes = {normalize_label(s): r.name for r in self.roles for s in (r.name, *r.synonyms)}
        object.__setattr__(
            self, "_role_prefixes", tuple(sorted(prefixes.items(), key=lambda kv: (-len(kv[0]), kv[0])))
        )
        self._element_rank.update({name: i for i, name in enumerate(self.elements)})
        self._role_rank.update({r.name: i for i, r in enumerate(self.roles)})

    def __hash__(self) -> int:  # identity: dictionaries are immutable and used as cache keys
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def element(self, name: str | None) -> Element | None:
        return self.elements.get(name) if name else None

    def element_for_synonym(self, label: str) -> str | None:
        return self._by_synonym.get(normalize_label(label))

    def element_rank(self, name: str | None) -> int:
        return self._element_rank.get(name or "", len(self._element_rank))

    def role_rank(self, name: str | None) -> int:
        return self._role_rank.get(name or "", len(self._role_rank))

    def extend(
        self, extra: Iterable[Mapping[str, Any]] = (), roles: Iterable[Mapping[str, Any]] = ()
    ) -> ElementDictionary:
        """A new dictionary with ``extra`` element definitions added (same name = replaced) and roles added."""
        elements = dict(self.elements)
        problems: list[str] = []
        for i, raw in enumerate(extra, 1):
            try:
                el = element_from_dict(raw)
            except ValueError as exc:
                problems.append(f"第{i}个数据元：{exc}")
                continue
            elements[el.name] = el
        role_list = list(self.roles)
        known = {r.name: i for i, r in enumerate(role_list)}
        for i, raw in enumerate(roles, 1):
            name = str(raw.get("name") or "").strip()
            if not name:
                problems.append(f"第{i}个角色：缺少名称 name")
                continue
            role = Role(name, tuple(str(s) for s in raw.get("synonyms") or ()))
            if name in known:
                role_list[known[name]] = role
            else:
                role_list.append(role)
        if problems:
            raise ValueError("；".join(problems))
        return ElementDictionary(elements, tuple(role_list))


def element_from_dict(raw: Mapping[str, Any]) -> Element:
    """Validate one element definition (all problems in one message)."""
    problems = []
    name = str(raw.get("name") or "").strip()
    if not name:
        problems.append("缺少名称 name")
    ftype = raw.get("type", "text")
    kind = field_types.find(ftype)
    if kind is None:
        problems.append(f"类型 {ftype} 不存在")
    check = raw.get("check")
    checks = field_types.check_names()
    if check is not None and check not in checks:
        problems.append(f"校验规则 {check} 不存在（可用：{'、'.join(sorted(checks))}）")
    pattern = raw.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.append(f"正则表达式 {pattern} 无效：{exc}")
    max_length = raw.get("max_length")
    if max_length is not None and (not isinstance(max_length, int) or max_length <= 0):
        problems.append("max_length 应为正整数")
    if problems:
        raise ValueError(f"{name or '?'}：" + "，".join(problems))
    return Element(
        name=name,
        type=ftype,
        synonyms=tuple(str(s) for s in raw.get("synonyms") or ()),
        check=check if check is not None else (ftype if kind is not None and kind.has_check else None),
        pattern=pattern,
        pattern_message=raw.get("pattern_message"),
        max_length=max_length,
        options=tuple(str(o) for o in raw.get("options") or ()),
        default_role=raw.get("default_role"),
    )


_LABEL_NOISE = re.compile(r"[\s\u3000:：*＊()（）\[\]【】]+")


def normalize_label(label: str) -> str:
    """Label text for matching: no spaces, colons, asterisks or brackets, lower-case Latin letters."""
    return _LABEL_NOISE.sub("", str(label)).lower()


@cache
def default_dictionary() -> ElementDictionary:
    """The dictionary shipped in ``elements.json`` (loaded once)."""
    data = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    return ElementDictionary({}, ()).extend(data["elements"], data["roles"])


def load_dictionary(
    extra: Iterable[Mapping[str, Any]] = (), roles: Iterable[Mapping[str, Any]] = ()
) -> ElementDictionary:
    """The default dictionary extended by the catalogue's own element (and role) definitions."""
    base = default_dictionary()
    extra, roles = list(extra), list(roles)
    return base.extend(extra, roles) if extra or roles else base
