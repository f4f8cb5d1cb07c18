"""The registry of field types: the one place that knows which types exist, in the contract's order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from forms.fieldtypes.base import FieldType

T = TypeVar("T", bound=type[FieldType])

CheckFunction = Callable[[object, str | None], str | None]


class UnknownFieldType(KeyError):
    """No field type of that name is registered."""


class FieldTypeRegistry:
    """Field types by name, in registration order (the order catalogue editors list them in)."""

    def __init__(self) -> None:
        self._types: dict[str, FieldType] = {}

    def register(self, cls: T) -> T:
        """Add a type; returns the class, so it works as a class decorator."""
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not name:
            raise ValueError(f"{cls.__name__} has no name")
        if name in self._types:
            raise ValueError(f"field type {name} is already registered")
        self._types[name] = cls()
        return cls

    def unregister(self, name: str | type[FieldType]) -> None:
        """Remove a type (by name or class); unknown names raise :class:`UnknownFieldType`."""
        key = name if isinstance(name, str) else name.name
        if key not in self._types:
            raise UnknownFieldType(key)
        del self._types[key]

    @contextmanager
    def registered(self, cls: type[FieldType]) -> Iterator[FieldType]:
        """The type registered for the duration of a ``with`` block (tests, previews)."""
        self.register(cls)
        try:
            yield self._types[cls.name]
        finally:
            self.unregister(cls.name)

    def get(self, name: str) -> FieldType:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownFieldType(name) from None

    def find(self, name: str | None) -> FieldType | None:
        """The type, or None for a name no type has (catalogue data may carry any string)."""
        return self._types.get(name) if name is not None else None

    def names(self) -> tuple[str, ...]:
        return tuple(self._types)

    def types(self) -> tuple[FieldType, ...]:
        return tuple(self._types.values())

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __len__(self) -> int:
        return len(self._types)

    # --- questions asked across types ----------------------------------------------------------

    def check(self, name: str) -> CheckFunction:
        """The named check (a type's own rule, e.g. ``id_number``, ``date``), as data elements and
        merged fields refer to it. Raises :class:`UnknownFieldType` for a name that is no check."""
        found = self._types.get(name)
        if found is None or not found.has_check:
            raise UnknownFieldType(name)
        return found.check

    def offers_options(self, name: str | None) -> bool:
        """A field of this type lists options to choose from (False for unknown names)."""
        found = self.find(name)
        return found is not None and found.has_options

    def check_names(self) -> tuple[str, ...]:
        return tuple(name for name, t in self._types.items() if t.has_check)

    def merged_type(self, names: Iterable[str]) -> str | None:
        """The strictest type that every one of ``names`` merges into, None when they do not merge
        (see :attr:`FieldType.merge_family`)."""
        distinct = set(names)
        if len(distinct) == 1:
            return next(iter(distinct))
        found = [self._types.get(n) for n in distinct]
        if not found or any(t is None for t in found):
            return None
        present = [t for t in found if t is not None]
        first = present[0]
        if not all(first.merges_with(t) for t in present):
            return None
        top = max(t.strictness for t in present)
        strictest = [t for t in present if t.strictness == top]
        return strictest[0].name if len(strictest) == 1 else None


field_types = FieldTypeRegistry()
"""The registry every part of forms/ and bundler/ asks; filled by :mod:`forms.fieldtypes`."""
