"""Numbers (``integer``, ``decimal``): merged together they become an integer, the stricter."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from wtforms import DecimalField, IntegerField

from forms.fieldtypes.base import FieldType, FormFieldSpec
from forms.fieldtypes.inputs import common_kwargs, presence
from forms.schema import MergedField

NUMBER_FAMILY = "number"


class IntegerType(FieldType):
    name = "integer"
    label = "整数"
    merge_family: ClassVar[str | None] = NUMBER_FAMILY
    strictness = 1

    def form_field(self, field: MergedField) -> FormFieldSpec:
        kwargs = common_kwargs(field)
        kwargs["invalid_value_message"] = f"{field.label}：应为整数"
        return FormFieldSpec(IntegerField, (presence(field),), tuple(kwargs.items()))

    def example(self, field: MergedField, n: int) -> Any:
        return 3 + n


class DecimalType(FieldType):
    name = "decimal"
    label = "数值"
    merge_family: ClassVar[str | None] = NUMBER_FAMILY
    strictness = 0

    def form_field(self, field: MergedField) -> FormFieldSpec:
        kwargs = common_kwargs(field)
        kwargs.update(places=None, invalid_value_message=f"{field.label}：应为数字")
        return FormFieldSpec(DecimalField, (presence(field),), tuple(kwargs.items()))

    def to_json(self, value: Any) -> Any:
        """Decimals as strings: a float would lose digits."""
        return str(value) if isinstance(value, Decimal) else value

    def from_json(self, value: Any) -> Any:
        if isinstance(value, str | int | float):
            try:
                return Decimal(str(value))
            except InvalidOperation:
                return value
        return value

    def example(self, field: MergedField, n: int) -> Any:
        return f"{80 + n}.50"
