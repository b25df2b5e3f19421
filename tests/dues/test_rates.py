"""The rates file: every bracket boundary, each category, rounding to the fen, with the clause cited."""

from decimal import Decimal

import pytest

from dangjian.dues import rates

BOOK = rates.current()


@pytest.mark.parametrize(
    "base,rate,monthly",
    [
        ("0", "0.005", "0.00"),
        ("3000.00", "0.005", "15.00"),
        ("3000.01", "0.01", "30.00"),
        ("5000", "0.01", "50.00"),
        ("5000.01", "0.015", "75.00"),
        ("10000", "0.015", "150.00"),
        ("10000.01", "0.02", "200.00"),
    ],
)
def test_employed_brackets_include_their_upper_bound(base, rate, monthly):
    amount = BOOK.amount("employed", Decimal(base))
    assert amount.rate == Decimal(rate)
    assert amount.monthly == Decimal(monthly)
    assert str(amount.monthly) == monthly  # two places: yuan and fen


def test_each_bracket_cites_its_clause():
    assert "3000元以下（含3000元）" in BOOK.amount("employed", Decimal("3000")).clause
    assert "10000元以上" in BOOK.amount("employed", Decimal("12000")).clause
    assert "离退休费5000元以下" in BOOK.amount("retired", Decimal("5000")).clause


@pytest.mark.parametrize(
    "base,monthly",
    [("5000", "25.00"), ("5000.01", "50.00"), ("2345.67", "11.73")],
)
def test_retired_members_pay_half_a_percent_up_to_5000_and_one_above(base, monthly):
    assert BOOK.amount("retired", Decimal(base)).monthly == Decimal(monthly)


def test_rounding_to_the_fen_is_half_up():
    # 3333.33 × 1% = 33.3333 → 33.33; 4444.50 × 1% = 44.445 → 44.45 (half up, not to even)
    assert BOOK.amount("employed", Decimal("3333.33")).monthly == Decimal("33.33")
    assert BOOK.amount("employed", Decimal("4444.50")).monthly == Decimal("44.45")
    assert BOOK.amount("employed", Decimal("2999.00")).monthly == Decimal("15.00")  # 14.995 → 15.00


@pytest.mark.parametrize("code", ["student", "unemployed"])
def test_students_and_unemployed_pay_twenty_fen(code):
    amount = BOOK.amount(code)
    assert amount.monthly == Decimal("0.20") and amount.rate is None and "0.2元" in amount.clause


def test_farmers_pay_between_twenty_fen_and_one_yuan():
    assert BOOK.amount("farmer").monthly == Decimal("0.20")
    assert BOOK.amount("farmer", fixed=Decimal("1")).monthly == Decimal("1.00")
    with pytest.raises(ValueError, match="0.2–1"):
        BOOK.amount("farmer", fixed=Decimal("1.5"))


def test_a_base_category_needs_its_base():
    with pytest.raises(ValueError, match="月工资收入"):
        BOOK.amount("employed", None)


def test_every_category_of_the_issue_is_in_the_file():
    assert set(BOOK.categories) == {"employed", "retired", "farmer", "student", "unemployed", "other"}
    assert "扣除个人所得税" in BOOK.categories["employed"].base_note
