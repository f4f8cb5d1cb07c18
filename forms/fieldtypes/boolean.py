"""``boolean``: a choice of 是 or 否 (two radio buttons, never a box that must be ticked).

A required one must be answered, either way; 否 is an answer (``False``), distinct from no answer
(``None``).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from wtforms import RadioField
from wtforms.widgets import html_params

from forms.fieldtypes.base import FieldType, FormFieldSpec
from forms.fieldtypes.inputs import OPTIONAL, common_kwargs
from forms.schema import MergedField
from forms.validators import Required

try:  # WTForms >= 3.3 deprecates (value, label) tuples
    from wtforms import SelectChoice

    _CHOICES: list[Any] = [SelectChoice("true", "是"), SelectChoice("false", "否")]
except ImportError:  # pragma: no cover - older WTForms
    _CHOICES = [("true", "是"), ("false", "否")]

_YES = {"true", "1", "yes", "y", "是", "on"}
_NO = {"false", "0", "no", "n", "否", "off"}


def yes_no(value: Any) -> bool | None:
    """An answer as the form holds it: True, False, or None for no answer; ValueError otherwise."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"not a yes/no answer: {value!r}")


class YesNoWidget:
    """The two radio buttons, each inside its label, in a ``radiogroup`` (the page puts the question
    in a fieldset's legend; a table cell passes ``aria-label``)."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("role", "radiogroup")
        kwargs["class"] = " ".join(filter(None, ["yes-no", kwargs.get("class")]))
        options = "".join(
            f'<label class="choice">{option()} {escape(option.label.text)}</label>' for option in field
        )
        return Markup(f"<span {html_params(**kwargs)}>{options}</span>")


class YesNoField(RadioField):  # type: ignore[misc]  # WTForms ships no type information
    """是/否 as radio buttons; ``data`` is True, False or None (not answered)."""

    widget = YesNoWidget()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("choices", _CHOICES)
        super().__init__(label, validators, coerce=yes_no, validate_choice=False, **kwargs)


class BooleanType(FieldType):
    name = "boolean"
    label = "是/否"

    def form_field(self, field: MergedField) -> FormFieldSpec:
        message = f"{field.label}：请选择“是”或“否”"
        kwargs = common_kwargs(field)
        kwargs["invalid_value_message"] = message
        first = Required(message) if field.required else OPTIONAL
        return FormFieldSpec(YesNoField, (first,), tuple(kwargs.items()))

    def from_json(self, value: Any) -> Any:
        try:
            return yes_no(value)
        except ValueError:
            return value

    def example(self, field: MergedField, n: int) -> Any:
        return True
