"""The check characters now come from python-stdnum; the checks must say exactly what they said before.

The reference oracle below is the hand-written GB 11643 / GB 32100 check the product used until then,
kept here verbatim in behaviour (shape, region, birth date, check character, and every message), and
compared with :func:`forms.check_id_number` / :func:`forms.check_uscc` on random input.
"""

from __future__ import annotations

import re
from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from forms import check_id_number, check_uscc
from forms.checks import id_check_char, uscc_check_char

TODAY = date(2026, 11, 23)

# --- the oracle: today's hand-written checks -------------------------------------------------------

_SPACES = re.compile(r"[\s\u3000]+")
_ORACLE_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ORACLE_ID_CHARS = "10X98765432"
_ORACLE_REGIONS = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54]
    + [61, 62, 63, 64, 65, 71, 81, 82, 83, 91]
)
_ORACLE_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORACLE_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_ORACLE_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def _labelled(message: str | None, label: str | None) -> str | None:
    return f"{label}：{message}" if message is not None and label else message


def oracle_id_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ORACLE_ID_WEIGHTS, strict=True))
    return _ORACLE_ID_CHARS[total % 11]


def oracle_id_number(value: object, label: str | None = None, *, today: date) -> str | None:
    v = _SPACES.sub("", str(value)).upper() if value is not None else ""
    if not _ORACLE_ID_SHAPE.match(v):
        return _labelled("应为18位，前17位为数字，最后一位为数字或X", label)
    if int(v[:2]) not in _ORACLE_REGIONS:
        return _labelled("前两位地区码不正确", label)
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return _labelled("出生日期不正确", label)
    if born.year < 1850 or born > today:
        return _labelled("出生日期不正确", label)
    if oracle_id_char(v[:17]) != v[17]:
        return _labelled("校验位不正确", label)
    return None


def oracle_uscc_char(first17: str) -> str:
    total = sum(_ORACLE_USCC_VALUE[c] * w for c, w in zip(first17, _ORACLE_USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def oracle_uscc(value: object, label: str | None = None) -> str | None:
    v = _SPACES.sub("", str(value)).upper() if value is not None else ""
    if len(v) != 18:
        return _labelled("应为18位", label)
    if any(c not in _ORACLE_USCC_VALUE for c in v):
        return _labelled("含有不允许的字符（只用数字和除 I、O、Z、S、V 以外的大写字母）", label)
    if not v[2:8].isdigit():
        return _labelled("第3至8位（登记管理机关行政区划码）应为数字", label)
    if oracle_uscc_char(v[:17]) != v[17]:
        return _labelled("校验位不正确", label)
    return None


# --- strategies ------------------------------------------------------------------------------------

ID_CHARS = "0123456789X"
# full-width and Arabic-Indic digits are digits to ``\d`` and ``int()``: both checks must agree on them
UNICODE_DIGITS = "０１２３４５６７８９٠١٢٣"


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(sorted(_ORACLE_REGIONS)))
    county = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    born = draw(st.dates(min_value=date(1850, 1, 1), max_value=TODAY))
    order = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    first17 = f"{region}{county}{born:%Y%m%d}{order}"
    return first17 + oracle_id_char(first17)


@st.composite
def one_character_changed(draw: st.DrawFn, codes: st.SearchStrategy[str], alphabet: str) -> str:
    code = draw(codes)
    i = draw(st.integers(0, len(code) - 1))
    c = draw(st.sampled_from(alphabet))
    return code[:i] + c + code[i + 1 :]


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    head = draw(st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2))
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    body = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    first17 = head + region + body
    return first17 + oracle_uscc_char(first17)


# --- 公民身份号码 ------------------------------------------------------------------------------------


def _same_id(value: object) -> None:
    assert check_id_number(value, today=TODAY) == oracle_id_number(value, today=TODAY)
    assert check_id_number(value, "身份证号", today=TODAY) == oracle_id_number(value, "身份证号", today=TODAY)


@settings(max_examples=500)
@given(st.text(alphabet=ID_CHARS, min_size=18, max_size=18))
@example("11010519491231002X")
@example("440524188001010014")
def test_random_18_character_strings(value):
    _same_id(value)


@settings(max_examples=500)
@given(valid_id_numbers())
def test_valid_numbers(value):
    assert check_id_number(value, today=TODAY) is None
    _same_id(value)


@settings(max_examples=1000)
@given(one_character_changed(valid_id_numbers(), ID_CHARS + "x "))
def test_valid_numbers_with_one_character_changed(value):
    _same_id(value)


@settings(max_examples=300)
@given(st.text(alphabet=ID_CHARS + "x \u3000" + UNICODE_DIGITS, max_size=21))
def test_any_length_spacing_and_unicode_digits(value):
    _same_id(value)


@settings(max_examples=300)
@given(st.text(alphabet="0123456789" + UNICODE_DIGITS, min_size=17, max_size=17))
def test_check_character_of_17_digits(first17):
    assert id_check_char(first17) == oracle_id_char(first17)


# --- 统一社会信用代码 --------------------------------------------------------------------------------


def _same_uscc(value: object) -> None:
    assert check_uscc(value) == oracle_uscc(value)
    assert check_uscc(value, "统一社会信用代码") == oracle_uscc(value, "统一社会信用代码")


@settings(max_examples=500)
@given(st.text(alphabet=USCC_ALPHABET, min_size=18, max_size=18))
@example("91110000600037341L")
def test_random_codes_over_the_gb_32100_alphabet(value):
    _same_uscc(value)


@settings(max_examples=500)
@given(valid_usccs())
def test_valid_codes(value):
    assert check_uscc(value) is None
    _same_uscc(value)


@settings(max_examples=1000)
@given(one_character_changed(valid_usccs(), USCC_ALPHABET + "IOZSVa -"))
def test_valid_codes_with_one_character_changed(value):
    _same_uscc(value)


@settings(max_examples=300)
@given(st.text(alphabet=USCC_ALPHABET + "IOZSVabc \u3000-" + UNICODE_DIGITS, max_size=21))
def test_codes_of_any_length_and_alphabet(value):
    _same_uscc(value)


@settings(max_examples=300)
@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_check_character_of_17_characters(first17):
    assert uscc_check_char(first17) == oracle_uscc_char(first17)


# --- what stdnum's own validate() would refuse, and the product keeps accepting ------------------------


def test_numbers_stdnum_validation_alone_would_refuse_stay_valid():
    """``stdnum.cn.ric.validate`` also looks the county up for the birth year and
    ``stdnum.cn.uscc.validate`` wants eight leading digits; the product keeps its own rules."""
    assert check_id_number("610702198805120028", today=TODAY) is None  # 汉台区 code, born before 1996
    assert check_id_number("440524188001010014", today=TODAY) is None  # GB 11643's own example, 1880
    assert check_id_number("810000199001010019", today=TODAY) is None  # Hong Kong residence permit
    assert check_id_number("910000199001010012", today=TODAY) is None  # foreigner's permanent residence
    assert check_uscc("N2610702MA0000001N") is None  # 农业农村 registration authority
    assert check_uscc("Y1610702MA0000001H") is None  # other registration authorities
