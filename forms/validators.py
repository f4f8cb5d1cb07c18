"""WTForms validators with Chinese messages that name the field by the label the applicant sees."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from wtforms.validators import StopValidation, ValidationError

from forms.checks import check_bank_account, check_date, check_email, check_id_number, check_phone, check_uscc


def _label(field: Any) -> str:
    label: str = field.label.text if getattr(field, "label", None) is not None else field.name
    return label


def is_blank(field: Any) -> bool:
    """No answer given: no non-blank raw input, and no data (``None``, ``""``, ``[]``); ``False`` is
    an answer (否)."""
    raw = getattr(field, "raw_data", None)
    if raw and any(not isinstance(x, str) or x.strip() for x in raw):
        return False
    data = field.data
    return data is None or data == [] or (isinstance(data, str) and not data.strip())


class Required:
    """Must be given (a yes/no question answered either way)."""

    field_flags = MappingProxyType({"required": True})

    def __init__(self, message: str | None = None):
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if is_blank(field):
            field.errors[:] = []
            raise StopValidation(self.message or f"{_label(field)}：必填")


class Optional:
    """May be left empty; then no other validator runs. Unlike ``wtforms.validators.Optional`` it
    looks at the data too, so a form bound with ``data=`` is validated."""

    field_flags = MappingProxyType({"optional": True})

    def __call__(self, form: Any, field: Any) -> None:
        if is_blank(field):
            field.errors[:] = []
            raise StopValidation()


def _value(field: Any) -> Any:
    """What the applicant typed when there is input (a date field has already parsed it leniently),
    else the bound data."""
    raw = getattr(field, "raw_data", None)
    if raw and isinstance(raw[0], str):
        return raw[0]
    return field.data


class Check:
    """Runs a check function (a field type's rule: ``check_id_number``, ``check_uscc`` ...), which gives
    a Chinese message for a bad value and None for a good one."""

    def __init__(self, check: Callable[[object, str | None], str | None]):
        self.check = check

    def __call__(self, form: Any, field: Any) -> None:
        if field.process_errors:  # the field could not even parse the input; that error is enough
            return
        message = self.check(_value(field), _label(field))
        if message:
            raise ValidationError(message)


def IdNumber() -> Check:  # noqa: N802 - reads like a validator class in form definitions
    return Check(check_id_number)


def Uscc() -> Check:  # noqa: N802
    return Check(check_uscc)


def Phone() -> Check:  # noqa: N802
    return Check(check_phone)


def Email() -> Check:  # noqa: N802
    return Check(check_email)


def BankAccount() -> Check:  # noqa: N802
    return Check(check_bank_account)


def IsoDate() -> Check:  # noqa: N802
    return Check(check_date)


class MaxLength:
    def __init__(self, maximum: int):
        self.maximum = maximum
        self.field_flags = MappingProxyType({"maxlength": maximum})

    def __call__(self, form: Any, field: Any) -> None:
        data = field.data
        if isinstance(data, str) and len(data) > self.maximum:
            raise ValidationError(f"{_label(field)}：不能超过{self.maximum}个字（现为{len(data)}个）")


class Pattern:
    def __init__(self, pattern: str, message: str | None = None):
        self.regex = re.compile(pattern)
        self.message = message or "格式不正确"

    def __call__(self, form: Any, field: Any) -> None:
        data = field.data
        if isinstance(data, str) and not self.regex.search(data):
            raise ValidationError(f"{_label(field)}：{self.message}")
