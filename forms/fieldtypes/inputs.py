"""Pieces the field types share when they build their WTForms field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wtforms import StringField, TextAreaField

from forms.fieldtypes.base import FormFieldSpec
from forms.fieldtypes.registry import field_types
from forms.schema import MergedField
from forms.validators import Check, MaxLength, Optional, Pattern, Required

REQUIRED = Required()
OPTIONAL = Optional()

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))  # keep tab and line breaks


def presence(field: MergedField) -> Any:
    """The first validator of every field: required, or optional (then nothing else runs when empty)."""
    return REQUIRED if field.required else OPTIONAL


def common_kwargs(field: MergedField) -> dict[str, Any]:
    return {"description": field.help}


def strip_blanks(value: Any) -> Any:
    """Surrounding blanks and control characters (NUL and the like: nobody types them, and no
    department system can store them) are dropped."""
    return value.translate(_CONTROL).strip() if isinstance(value, str) else value


def normalizing(normalize: Callable[[object], str]) -> Callable[[Any], Any]:
    """A WTForms filter that stores the canonical form of what was typed (blank input untouched)."""

    def apply(value: Any) -> Any:
        return normalize(value) if isinstance(value, str) and value.strip() else value

    return apply


def text_input(
    field: MergedField, *, multiline: bool = False, normalize: Callable[[Any], Any] | None = None
) -> FormFieldSpec:
    """A one-line (or multi-line) text box with the merged field's maximum length, check and pattern."""
    validators: list[Any] = [presence(field)]
    filters: list[Callable[[Any], Any]] = [strip_blanks]
    if normalize is not None:
        filters.append(normalize)
    if field.max_length:
        validators.append(MaxLength(field.max_length))
    if field.check:
        validators.append(Check(field_types.check(field.check)))
    if field.pattern:
        validators.append(Pattern(field.pattern, field.pattern_message))
    kwargs = common_kwargs(field)
    kwargs["filters"] = tuple(filters)
    return FormFieldSpec(
        TextAreaField if multiline else StringField,
        tuple(validators),
        tuple(kwargs.items()),
        maxlength=field.max_length,
    )
