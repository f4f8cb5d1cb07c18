"""``boolean``: a checkbox; a required one must be ticked."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField

from forms.fieldtypes.base import FieldType, FormFieldSpec
from forms.fieldtypes.inputs import common_kwargs, presence
from forms.schema import MergedField
from forms.validators import Required


class BooleanType(FieldType):
    name = "boolean"
    label = "是/否"

    def form_field(self, field: MergedField) -> FormFieldSpec:
        first = Required(f"{field.label}：请勾选") if field.required else presence(field)
        return FormFieldSpec(BooleanField, (first,), tuple(common_kwargs(field).items()))

    def example(self, field: MergedField, n: int) -> Any:
        return True
