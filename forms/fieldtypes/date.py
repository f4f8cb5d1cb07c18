"""``date``: a real calendar date, written YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wtforms import DateField

from forms.checks import check_date, parse_date
from forms.fieldtypes.base import FieldType, FormFieldSpec
from forms.fieldtypes.inputs import common_kwargs, presence
from forms.schema import MergedField
from forms.validators import Check


class DateType(FieldType):
    name = "date"
    label = "日期"

    def check(self, value: object, label: str | None = None) -> str | None:
        return check_date(value, label)

    def form_field(self, field: MergedField) -> FormFieldSpec:
        kwargs = common_kwargs(field)
        kwargs.update(
            format="%Y-%m-%d", invalid_value_message=f"{field.label}：应为 YYYY-MM-DD 格式的真实日期"
        )
        return FormFieldSpec(DateField, (presence(field), Check(self.check)), tuple(kwargs.items()))

    def to_json(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    def from_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return parse_date(value) or value
        return value

    def example(self, field: MergedField, n: int) -> Any:
        return dt.date(2024, (n % 12) + 1, (n % 28) + 1)
