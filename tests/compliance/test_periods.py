"""Period arithmetic: labels, containment, running/finished and days remaining, for any date."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.compliance.periods import KINDS, Period

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
kinds = st.sampled_from(KINDS)


@given(kinds, dates)
def test_the_period_of_a_date_contains_it(kind, day):
    period = Period.of(kind, day)
    assert period.contains(day)
    assert period.start <= day <= period.end
    assert not period.next().contains(day)


@given(kinds, dates)
def test_labels_round_trip(kind, day):
    period = Period.of(kind, day)
    assert Period.parse(period.label) == period


@given(kinds, st.integers(2000, 2099))
def test_the_periods_of_a_year_tile_it_without_gaps(kind, year):
    periods = Period.of_year(kind, year)
    assert periods[0].start == dt.date(year, 1, 1)
    assert periods[-1].end == dt.date(year, 12, 31)
    for before, after in zip(periods, periods[1:], strict=False):
        assert before.end + dt.timedelta(days=1) == after.start
        assert before.next() == after
    assert (
        sum((p.end - p.start).days + 1 for p in periods)
        == (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    )


@given(kinds, dates, dates)
def test_running_finished_and_days_remaining_agree(kind, day, as_of):
    period = Period.of(kind, day)
    assert period.is_running(as_of) == (period.start <= as_of <= period.end)
    assert period.is_finished(as_of) == (as_of > period.end)
    left = period.days_remaining(as_of)
    if period.is_finished(as_of):
        assert left == 0
    elif period.is_running(as_of):
        assert 1 <= left <= 366
        assert as_of + dt.timedelta(days=left - 1) == period.end
    else:
        assert left == (period.end - period.start).days + 1


@given(dates)
def test_month_lies_in_its_quarter_and_year(day):
    month, quarter, year = (Period.of(k, day) for k in KINDS)
    assert quarter.overlaps(month) and year.overlaps(quarter)
    assert quarter.start <= month.start and month.end <= quarter.end
    assert month.label.startswith(year.label) and quarter.label.startswith(year.label)


def test_labels_and_names():
    assert Period.of("month", dt.date(2025, 3, 9)).label == "2025-03"
    assert Period.of("quarter", dt.date(2025, 3, 9)).label == "2025-Q1"
    assert Period.of("year", dt.date(2025, 3, 9)).label == "2025"
    assert Period.parse("2025-Q4").name == "2025年第4季度"
    assert Period.parse("2024-02").end == dt.date(2024, 2, 29)
    assert Period.parse("2025-12").next().label == "2026-01"


def test_last_day_has_one_day_left():
    q1 = Period.parse("2025-Q1")
    assert q1.days_remaining(dt.date(2025, 3, 31)) == 1
    assert q1.days_remaining(dt.date(2025, 3, 20)) == 12


@pytest.mark.parametrize("bad", ["2025-13", "2025-Q5", "25", "2025/03", "", "2025-00"])
def test_bad_labels_are_refused_in_chinese(bad):
    with pytest.raises(ValueError, match="期间|月份"):
        Period.parse(bad)
