"""GB 11643-1999 ID numbers: checksum (including X), birth date inside the number, masking."""

import datetime as dt

import pytest

from dangjian.core import idcard


@pytest.mark.parametrize("value", ["110101198001010010", "11010519491231002X", "11010519491231002x "])
def test_valid_numbers(value):
    assert idcard.problem(value) is None


def test_check_character_x():
    assert idcard.check_char("11010519491231002") == "X"
    assert idcard.problem("110105194912310021") == "身份证号校验位不正确，请核对"


@pytest.mark.parametrize(
    "value, message",
    [
        ("110101198001010011", "身份证号校验位不正确，请核对"),
        ("11010119800101001", "身份证号应为18位，前17位为数字，最后一位为数字或X"),
        ("1101011980010100AX", "身份证号应为18位，前17位为数字，最后一位为数字或X"),
        ("110101198002300015", "身份证号中的出生日期无效"),
        ("", "身份证号应为18位，前17位为数字，最后一位为数字或X"),
    ],
)
def test_invalid_numbers(value, message):
    assert idcard.problem(value) == message


def test_birth_date_and_gender():
    assert idcard.birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert idcard.gender("11010519491231002X") == "F"
    assert idcard.gender("110101198001010010") == "M"


def test_masking():
    assert idcard.mask_id("11010519491231002X") == "1101**********002X"
    assert idcard.mask_phone("13912345678") == "139****5678"
    assert idcard.mask_id("") == "" and idcard.mask_phone(None) == ""
