"""Masking (脱敏) of personal data for lists and for staff who do not need the full value."""

from __future__ import annotations


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_id_number(number: str | None) -> str:
    if not number:
        return ""
    number = str(number)
    if len(number) <= 8:
        return number[:2] + "*" * (len(number) - 2)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    phone = str(phone)
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else phone[:2] + "****"


def mask_account(account: str | None) -> str:
    if not account:
        return ""
    account = "".join(str(account).split())
    return "**** " + account[-4:]
