"""``phone``: a mainland mobile number."""

from __future__ import annotations

from typing import Any

from forms.checks import check_phone, normalize_phone
from forms.fieldtypes.checked_text import CheckedText
from forms.masking import mask_phone
from forms.schema import MergedField


class PhoneType(CheckedText):
    name = "phone"
    label = "电话号码"
    hint_element = "联系电话"

    def normalize(self, value: object) -> str:
        return normalize_phone(value)

    def check(self, value: object, label: str | None = None) -> str | None:
        return check_phone(value, label)

    def example(self, field: MergedField, n: int) -> Any:
        return f"139{(91620000 + n) % 100000000:08d}"

    def mask(self, value: Any) -> Any:
        return mask_phone(str(value))
