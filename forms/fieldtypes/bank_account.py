"""``bank_account``: a bank account number."""

from __future__ import annotations

from typing import Any

from forms.checks import check_bank_account, normalize_bank_account
from forms.fieldtypes.checked_text import CheckedText
from forms.masking import mask_account
from forms.schema import MergedField


class BankAccountType(CheckedText):
    name = "bank_account"
    label = "银行账号"
    hint_element = "银行账号"

    def normalize(self, value: object) -> str:
        return normalize_bank_account(value)

    def check(self, value: object, label: str | None = None) -> str | None:
        return check_bank_account(value, label)

    def example(self, field: MergedField, n: int) -> Any:
        return f"62220216{(n % 10_000_000_000):011d}"

    def mask(self, value: Any) -> Any:
        return mask_account(str(value))
