"""``email``: an e-mail address."""

from __future__ import annotations

from typing import Any

from forms.checks import check_email, normalize_email
from forms.fieldtypes.checked_text import CheckedText
from forms.schema import MergedField


class EmailType(CheckedText):
    name = "email"
    label = "电子邮箱"
    hint_element = "电子邮箱"

    def normalize(self, value: object) -> str:
        return normalize_email(value)

    def check(self, value: object, label: str | None = None) -> str | None:
        return check_email(value, label)

    def example(self, field: MergedField, n: int) -> Any:
        return f"applicant{n}@example.cn"
