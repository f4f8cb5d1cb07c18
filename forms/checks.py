"""Plain validation functions for the standard data elements.

Each ``check_*`` function takes the raw value and returns ``None`` when it is valid or a short Chinese
message; pass ``label`` to get the message prefixed with the label the applicant sees
(“经营者身份证号：校验位不正确”). The ``normalize_*`` functions give the canonical form that is stored.

Normalisation policy (applied before checking): surrounding and inner white space (also full-width
spaces) is removed; ID numbers and USCCs are upper-cased, so a lowercase ``x`` is accepted.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

_SPACES = re.compile(r"[\s\u3000]+")


def _squash(value: object) -> str:
    return _SPACES.sub("", str(value)) if value is not None else ""


def _with_label(message: str | None, label: str | None) -> str | None:
    if message is None or not label:
        return message
    return f"{label}：{message}"


# --- GB 11643 公民身份号码 -------------------------------------------------------------------

# Province-level prefixes of GB/T 2260, plus 71 (Taiwan), 81/82 (Hong Kong, Macao), 83 (residence
# permits of Taiwan residents) and 91 (foreigners' permanent residence ID cards, 2023 edition).
_ID_REGIONS = frozenset(
    [
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
        91,
    ]
)
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
EARLIEST_BIRTH_YEAR = 1850  # the standard's own example is born in 1880


def id_check_char(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits, by python-stdnum."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"17 digits expected, got {first17!r}")
    return stdnum_ric.calc_check_digit(first17 + "?")  # stdnum reads the 17 characters before the last


def normalize_id_number(value: object) -> str:
    return _squash(value).upper()


def check_id_number(value: object, label: str | None = None, *, today: date | None = None) -> str | None:
    """GB 11643 citizen ID number: shape, region prefix, real birth date, MOD 11-2 check character.

    Only the check character comes from ``stdnum.cn.ric``: its full validation also looks the first six
    digits up in its own list of counties valid in the birth year, which refuses numbers people hold
    (counties renamed or created later, 81/82/83/91 permits), so shape, region and birth date stay ours."""
    v = normalize_id_number(value)
    if not _ID_SHAPE.match(v):
        return _with_label("应为18位，前17位为数字，最后一位为数字或X", label)
    if int(v[:2]) not in _ID_REGIONS:
        return _with_label("前两位地区码不正确", label)
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return _with_label("出生日期不正确", label)
    if born.year < EARLIEST_BIRTH_YEAR or born > (today or date.today()):
        return _with_label("出生日期不正确", label)
    if stdnum_ric.calc_check_digit(v) != v[17]:
        return _with_label("校验位不正确", label)
    return None


# --- GB 32100 统一社会信用代码 ---------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I O Z S V
_USCC_CHARS = frozenset(USCC_ALPHABET)


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character (MOD 31) for the first 17 characters, by python-stdnum."""
    if len(first17) != 17 or not _USCC_CHARS.issuperset(first17):
        raise ValueError(f"17 characters of {USCC_ALPHABET} expected, got {first17!r}")
    return stdnum_uscc.calc_check_digit(first17)


def normalize_uscc(value: object) -> str:
    return _squash(value).upper()


def check_uscc(value: object, label: str | None = None) -> str | None:
    """GB 32100 unified social credit code: 18 characters of the 31-character set, check character.

    Only the check character comes from ``stdnum.cn.uscc``: its validation wants the first eight
    characters to be digits, but GB 32100 allows letters in the first two (登记管理部门 N, Y, ...;
    机构类别 A, ...), so the shape stays ours."""
    v = normalize_uscc(value)
    if len(v) != 18:
        return _with_label("应为18位", label)
    if any(c not in _USCC_CHARS for c in v):
        return _with_label("含有不允许的字符（只用数字和除 I、O、Z、S、V 以外的大写字母）", label)
    if not v[2:8].isdigit():
        return _with_label("第3至8位（登记管理机关行政区划码）应为数字", label)
    if stdnum_uscc.calc_check_digit(v[:17]) != v[17]:
        return _with_label("校验位不正确", label)
    return None


# --- mobile phone ---------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(value: object) -> str:
    """Digits only; a +86 / 0086 / 86 country prefix and hyphens are dropped."""
    v = _squash(value).replace("-", "")
    for prefix in ("+86", "0086"):
        if v.startswith(prefix):
            return v[len(prefix) :]
    if len(v) == 13 and v.startswith("86"):
        return v[2:]
    return v


def check_phone(value: object, label: str | None = None) -> str | None:
    """Mainland mobile number 1[3-9]xxxxxxxxx (landlines belong in a text field)."""
    if not _MOBILE.match(normalize_phone(value)):
        return _with_label("应为11位手机号码（以1开头，第二位为3至9）", label)
    return None


# --- bank account ---------------------------------------------------------------------------


def normalize_bank_account(value: object) -> str:
    return _squash(value).replace("-", "")


def check_bank_account(value: object, label: str | None = None) -> str | None:
    """12 to 19 digits. No Luhn check: Chinese corporate (对公) and passbook accounts do not use it,
    only debit/credit card numbers do, so Luhn would reject valid accounts."""
    v = normalize_bank_account(value)
    if not (v.isdigit() and v.isascii() and 12 <= len(v) <= 19):
        return _with_label("应为12至19位数字", label)
    return None


# --- email ----------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def normalize_email(value: object) -> str:
    return str(value).strip() if value is not None else ""


def check_email(value: object, label: str | None = None) -> str | None:
    v = normalize_email(value)
    if len(v) > 254 or not _EMAIL.match(v) or ".." in v or v.split("@")[0].startswith("."):
        return _with_label("格式不正确", label)
    return None


# --- date -----------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(value: object) -> date | None:
    """A YYYY-MM-DD string (or a date) as a date, None when it is not a real date."""
    if isinstance(value, date):
        return value
    m = _DATE.match(str(value).strip() if value is not None else "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def check_date(value: object, label: str | None = None) -> str | None:
    if isinstance(value, date):
        return None
    text = str(value).strip() if value is not None else ""
    if not _DATE.match(text):
        return _with_label("应为 YYYY-MM-DD 格式的日期", label)
    if parse_date(text) is None:
        return _with_label("不是真实存在的日期", label)
    return None
