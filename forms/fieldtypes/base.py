"""What every field type knows about itself: the :class:`FieldType` base class.

A field type answers every question the rest of the code used to answer by testing the type's name:
how its unified-form field is built, which other types it merges with, how its values go to JSON and
back, what an item's field of this type receives from a merged field of another type, an example
value, how it is masked and how a document prints it. Instances are stateless; the registry holds one
per type.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from forms.schema import MergedField


@dataclass(frozen=True)
class FormFieldSpec:
    """How to make the WTForms field of one merged field (the name and label are added by the form
    builder). Validators are stateless objects, safe to share between form classes; choices are
    rebuilt per class from ``options``."""

    field_class: type
    validators: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]
    options: tuple[str, ...] | None = None
    placeholder: bool = False  # a first "请选择" choice
    maxlength: int | None = None  # rendered as the HTML maxlength attribute


class FieldType:
    """One type of catalogue field. Subclasses set the class attributes and override the hooks
    whose default does not fit."""

    name: ClassVar[str]
    label: ClassVar[str]  # Chinese, as the 一次告知 lists it
    # Types of one family may merge into the single strictest type present (highest strictness);
    # two different types of the same, highest strictness are a conflict. No family: a type merges
    # only with itself.
    merge_family: ClassVar[str | None] = None
    strictness: ClassVar[int] = 0
    # Free text: the data element's check, pattern and maximum length apply to it.
    takes_element_rules: ClassVar[bool] = False
    has_options: ClassVar[bool] = False  # the catalogue field lists options to choose from
    # An item's field of this type stores text: a merged value of another type is written as text.
    textual: ClassVar[bool] = False
    hint_element: ClassVar[str | None] = None  # the data element the type alone suggests

    def __repr__(self) -> str:
        return f"<field type {self.name}>"

    # --- checking and merging -------------------------------------------------------------------

    def check(self, value: object, label: str | None = None) -> str | None:
        """None when ``value`` is valid, else a short Chinese message (prefixed with ``label``).
        A type without a rule of its own accepts everything."""
        return None

    @property
    def has_check(self) -> bool:
        """The type has a rule of its own; its name is then also the name of that check."""
        return type(self).check is not FieldType.check

    def merged_check(self, element_check: str | None) -> str | None:
        """The check a merged field of this type runs: the type's own, else (free text only) the
        data element's."""
        if self.has_check:
            return self.name
        return element_check if self.takes_element_rules else None

    def merges_with(self, other: FieldType) -> bool:
        return other is self or (self.merge_family is not None and self.merge_family == other.merge_family)

    # --- the unified form -----------------------------------------------------------------------

    def form_field(self, field: MergedField) -> FormFieldSpec:
        """The WTForms field for a merged field of this type (required, options, max_length ...)."""
        raise NotImplementedError(f"{type(self).__name__} must define form_field()")

    def to_json(self, value: Any) -> Any:
        """A value the form produced, as JSON can hold it."""
        return value

    def from_json(self, value: Any) -> Any:
        """A stored (JSON) value as the form field takes it; left as it is when it cannot be read."""
        return value

    # --- items, examples, display ---------------------------------------------------------------

    def receive(self, value: Any) -> Any:
        """The value an item's field of this type gets from a merged field of another type."""
        return as_text(value) if self.textual else value

    def example(self, field: MergedField, n: int) -> Any:
        """A valid, readable value for ``field``; ``n`` varies it (row number, person number)."""
        raise NotImplementedError(f"{type(self).__name__} must define example()")

    def mask(self, value: Any) -> Any:
        """The value as lists and staff without need to know show it (脱敏); unchanged by default."""
        return value

    def display(self, value: Any) -> str:
        """The value as a printed document shows it."""
        return display_value(value)


def as_text(value: Any) -> Any:
    """A non-text value in the words an item's text field holds (dates ISO, booleans 是/否, numbers
    as written); text and other values unchanged."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | Decimal | float):
        return str(value)
    return value


def display_value(value: Any) -> str:
    """A form value as printed: None → empty, booleans 是/否, lists joined with 、, dates ISO."""
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(display_value(v) for v in value)
    return str(value)
