"""Resident ID numbers (居民身份证号码) by GB 11643-1999: 6-digit area, birth date, sequence, check."""

import datetime as dt
import operator
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
PHONE = re.compile(r"^1[3-9]\d{9}$")
# No one born before this is a living party member; earlier years are typing errors.
EARLIEST_BIRTH_YEAR = 1900


def check_char(first17: str) -> str:
    if len(first17) != len(WEIGHTS):
        raise ValueError("check_char needs the first 17 digits")
    return CHECK_CHARS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


def normalise(value: str) -> str:
    return (value or "").strip().upper()


def problem(value: str) -> str | None:
    """The reason an ID number is invalid, in Chinese, or None when it is valid."""
    value = normalise(value)
    if not _SHAPE.match(value):
        return "身份证号应为18位，前17位为数字，最后一位为数字或X"
    born = birth_date(value)
    if born is None or born.year < EARLIEST_BIRTH_YEAR or born > dt.date.today():
        return "身份证号中的出生日期无效"
    if check_char(value[:17]) != value[17]:
        return "身份证号校验位不正确，请核对"
    return None


def birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def gender(value: str) -> str:
    """'M' or 'F' from the sequence digit (odd: male)."""
    return "M" if int(value[16]) % 2 else "F"


def mask_id(value: str | None) -> str:
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:]
