"""Choices from the catalogue's options (``choice``: one, ``multichoice``: any number)."""

from __future__ import annotations

from typing import Any, ClassVar

from wtforms import SelectField, SelectMultipleField

from forms.fieldtypes.base import FieldType, FormFieldSpec
from forms.fieldtypes.inputs import common_kwargs, presence
from forms.schema import MergedField


class ChoiceType(FieldType):
    name = "choice"
    label = "单选"
    has_options = True
    textual = True  # the chosen option is one piece of text
    multiple: ClassVar[bool] = False

    def form_field(self, field: MergedField) -> FormFieldSpec:
        kwargs = common_kwargs(field)
        kwargs["invalid_choice_message"] = f"{field.label}：请从给出的选项中选择"
        return FormFieldSpec(
            SelectMultipleField if self.multiple else SelectField,
            (presence(field),),
            tuple(kwargs.items()),
            options=field.options,
            placeholder=not self.multiple,
        )

    def example(self, field: MergedField, n: int) -> Any:
        return field.options[n % len(field.options)]


class MultiChoiceType(ChoiceType):
    name = "multichoice"
    label = "多选"
    textual = False
    multiple = True

    def example(self, field: MergedField, n: int) -> Any:
        return [field.options[0]]
