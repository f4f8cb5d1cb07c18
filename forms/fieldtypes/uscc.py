"""``uscc``: 统一社会信用代码 (GB 32100)."""

from __future__ import annotations

from typing import Any

from forms.checks import check_uscc, normalize_uscc, uscc_check_char
from forms.fieldtypes.checked_text import CheckedText
from forms.schema import MergedField


class UsccType(CheckedText):
    name = "uscc"
    label = "统一社会信用代码"
    hint_element = "统一社会信用代码"

    def normalize(self, value: object) -> str:
        return normalize_uscc(value)

    def check(self, value: object, label: str | None = None) -> str | None:
        return check_uscc(value, label)

    def example(self, field: MergedField, n: int) -> Any:
        first17 = f"92610702MA{n:07d}"[:17]
        return first17 + uscc_check_char(first17)
