"""``id_number``: 公民身份号码 (GB 11643)."""

from __future__ import annotations

from typing import Any

from forms.checks import check_id_number, id_check_char, normalize_id_number
from forms.fieldtypes.checked_text import CheckedText
from forms.masking import mask_id_number
from forms.schema import MergedField


class IdNumberType(CheckedText):
    name = "id_number"
    label = "公民身份号码"
    hint_element = "公民身份号码"

    def normalize(self, value: object) -> str:
        return normalize_id_number(value)

    def check(self, value: object, label: str | None = None) -> str | None:
        return check_id_number(value, label)

    def example(self, field: MergedField, n: int) -> Any:
        first17 = f"610702{1970 + n % 40}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{(101 + n) % 1000:03d}"
        return first17 + id_check_char(first17)

    def mask(self, value: Any) -> Any:
        return mask_id_number(str(value))
