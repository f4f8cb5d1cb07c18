"""Validators of the standard data elements, on real check-character cases."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms import (
    check_bank_account,
    check_date,
    check_email,
    check_id_number,
    check_phone,
    check_uscc,
)

# Written out here (not imported) so the tests check the library against an independent table.
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def id_with_check(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def uscc_with_check(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    c = 31 - total % 31
    return first17 + USCC_CHARS[0 if c == 31 else c]


def wrong_last(code: str, alphabet: str) -> str:
    return code[:17] + next(c for c in alphabet if c != code[17])


# --- 公民身份号码 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # example of GB 11643-1999
        "440524188001010014",  # example of GB 11643-1999 (born 1880)
        id_with_check("51010819900307123"),
        id_with_check("44030520200229456"),  # 29 February of a leap year
    ],
)
def test_valid_id_numbers(number):
    assert check_id_number(number) is None


def test_id_number_lowercase_x_and_whitespace_are_accepted():
    assert check_id_number(" 11010519491231002x ") is None
    assert check_id_number("110105 19491231 002X") is None
    assert check_id_number("110105\u300019491231002X") is None  # full-width space


def test_id_number_wrong_check_digit_names_the_label():
    bad = wrong_last("11010519491231002X", "0123456789X")
    assert check_id_number(bad) == "校验位不正确"
    assert check_id_number(bad, "经营者身份证号") == "经营者身份证号：校验位不正确"


@pytest.mark.parametrize(
    "first17",
    [
        "11010519490230002",  # 30 February
        "11010519491332002",  # month 13
        "11010518000101002",  # before 1850
        "11010530000101002",  # in the future
    ],
)
def test_id_number_impossible_birth_date(first17):
    assert check_id_number(id_with_check(first17), "母亲身份证号") == "母亲身份证号：出生日期不正确"


def test_id_number_future_relative_to_today():
    number = id_with_check("11010520300101002")
    assert check_id_number(number, today=date(2031, 1, 1)) is None
    assert check_id_number(number, today=date(2029, 1, 1)) == "出生日期不正确"


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002Y", "1101051949123100XX", None])
def test_id_number_shape(value):
    assert check_id_number(value) == "应为18位，前17位为数字，最后一位为数字或X"


def test_id_number_region_prefix():
    assert check_id_number(id_with_check("00010519491231002")) == "前两位地区码不正确"
    assert check_id_number(id_with_check("99010519491231002")) == "前两位地区码不正确"


@given(
    region=st.sampled_from(["11", "31", "44", "51", "65", "81"]),
    rest=st.text("0123456789", min_size=4, max_size=4),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    seq=st.text("0123456789", min_size=3, max_size=3),
)
def test_id_numbers_built_independently_are_valid_and_one_changed_digit_is_not(region, rest, born, seq):
    number = id_with_check(region + rest + born.strftime("%Y%m%d") + seq)
    assert check_id_number(number) is None
    assert check_id_number(wrong_last(number, "0123456789X")) == "校验位不正确"


# --- 统一社会信用代码 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "9144030071526726XG",  # published business licences
        "914403001922038216",
        "91330100716105852F",
        "91350100M000100Y43",
        uscc_with_check("12100000MB0A1B2C3"),
    ],
)
def test_valid_uscc(code):
    assert check_uscc(code) is None


def test_uscc_lowercase_and_spaces():
    assert check_uscc(" 9144 0300 7152 6726xg ") is None


def test_uscc_wrong_check_char():
    assert check_uscc(wrong_last("914403001922038216", USCC_CHARS), "统一社会信用代码") == (
        "统一社会信用代码：校验位不正确"
    )


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_uscc_forbidden_letters(letter):
    code = "91440300" + letter + "15267260G"
    assert "不允许的字符" in check_uscc(code)


def test_uscc_length_and_region():
    assert check_uscc("91440300715267") == "应为18位"
    assert check_uscc(uscc_with_check("9144A30071526726X")) == "第3至8位（登记管理机关行政区划码）应为数字"


@given(
    body=st.text(USCC_CHARS, min_size=9, max_size=9),
    region=st.text("0123456789", min_size=6, max_size=6),
    head=st.sampled_from(["11", "12", "51", "52", "91", "92", "93", "Y1"]),
)
def test_uscc_built_independently(body, region, head):
    code = uscc_with_check(head + region + body)
    assert check_uscc(code) is None
    assert check_uscc(wrong_last(code, USCC_CHARS)) == "校验位不正确"


# --- phone, bank account, email, date -------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["13800138000", "19912345678", "+86 138-0013-8000", "8613800138000", "0086 13800138000"]
)
def test_valid_mobile(value):
    assert check_phone(value) is None


@pytest.mark.parametrize("value", ["12800138000", "1380013800", "138001380001", "029-88886666", "abc"])
def test_invalid_mobile(value):
    assert check_phone(value, "联系电话") == "联系电话：应为11位手机号码（以1开头，第二位为3至9）"


@pytest.mark.parametrize("value", ["622202100112345678", "6222 0210 0112 3456 789", "110061234567"])
def test_valid_bank_account(value):
    assert check_bank_account(value) is None


def test_bank_account_without_luhn_is_accepted():
    # a corporate account number that fails Luhn is still a valid account
    assert check_bank_account("123456789013") is None


@pytest.mark.parametrize(
    "value", ["12345678901", "12345678901234567890", "6222O21001123456", "６２２２０２１００１１２"]
)
def test_invalid_bank_account(value):
    assert check_bank_account(value, "银行账号") == "银行账号：应为12至19位数字"


@pytest.mark.parametrize("value", ["a@b.cn", "zhang.san+tag@mail.gov.cn"])
def test_valid_email(value):
    assert check_email(value) is None


@pytest.mark.parametrize("value", ["a@b", "@b.cn", "a b@c.cn", "a..b@c.cn", "a@-b.cn", "张三@例子"])
def test_invalid_email(value):
    assert check_email(value, "电子邮箱") == "电子邮箱：格式不正确"


def test_dates():
    assert check_date("2024-02-29") is None
    assert check_date(date(2024, 1, 1)) is None
    assert check_date("2023-02-29", "出生日期") == "出生日期：不是真实存在的日期"
    assert check_date("2024-2-9", "出生日期") == "出生日期：应为 YYYY-MM-DD 格式的日期"
    assert check_date("20240209") == "应为 YYYY-MM-DD 格式的日期"


# --- the same checks as WTForms validators ------------------------------------------------------


def test_wtforms_validators_in_a_hand_written_form():
    from werkzeug.datastructures import MultiDict
    from wtforms import Form, StringField

    from forms.validators import BankAccount, Email, IdNumber, Optional, Phone, Required, Uscc

    class Applicant(Form):
        idno = StringField("经营者身份证号", [Required(), IdNumber()])
        code = StringField("统一社会信用代码", [Optional(), Uscc()])
        phone = StringField("联系电话", [Optional(), Phone()])
        mail = StringField("电子邮箱", [Optional(), Email()])
        account = StringField("银行账号", [Optional(), BankAccount()])

    form = Applicant(
        MultiDict(
            {
                "idno": "110105194912310021",
                "code": "914403001922038217",
                "phone": "12345",
                "mail": "x@",
                "account": "12",
            }
        )
    )
    assert not form.validate()
    assert form.errors == {
        "idno": ["经营者身份证号：校验位不正确"],
        "code": ["统一社会信用代码：校验位不正确"],
        "phone": ["联系电话：应为11位手机号码（以1开头，第二位为3至9）"],
        "mail": ["电子邮箱：格式不正确"],
        "account": ["银行账号：应为12至19位数字"],
    }
    assert Applicant(MultiDict({"idno": "11010519491231002x"})).validate()
    empty = Applicant(MultiDict())
    assert not empty.validate() and empty.errors == {"idno": ["经营者身份证号：必填"]}
