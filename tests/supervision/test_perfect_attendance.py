"""Attendance of 100 % every time over a year in a large branch (出勤存疑), at its boundaries: the size
of the branch, the number of activities, one absence, and kinds where not everyone is expected."""

import datetime as dt

from dangjian.supervision import config, engine

from .helpers import act, facts

T = config.current()
RULE = T.impossible_attendance


def year_of(n: int, kind: str = "theme_day", branch: int = 1):
    return [act(dt.date(2025, 1 + i, 10), branch=branch, kind=kind) for i in range(n)]


def perfect(found, expected: int, present: int | None = None):
    return {a.id: (expected, expected if present is None else present) for a in found}


def signals(found, turnout):
    return [
        f
        for f in engine.impossible_attendance(facts(*found, turnout=turnout), T)
        if f.details["reason"] == "perfect"
    ]


def test_thresholds_are_read_from_the_data_file():
    assert (RULE.perfect_min_expected, RULE.perfect_min_activities) == (30, 6)
    assert set(RULE.perfect_kinds) == {"general_meeting", "theme_day"}


def test_a_large_branch_full_every_time_is_flagged_once_for_the_year():
    found = year_of(RULE.perfect_min_activities)
    (signal,) = signals(found, perfect(found, RULE.perfect_min_expected))
    assert signal.period == "2025" and signal.measure == RULE.perfect_min_activities
    assert signal.activity_ids == tuple(a.id for a in found)
    assert "次次 100% 出席" in signal.summary and signal.fingerprint == "impossible_attendance:perfect:1:2025"


def test_one_activity_fewer_than_the_threshold_is_not_flagged():
    found = year_of(RULE.perfect_min_activities - 1)
    assert signals(found, perfect(found, 40)) == []


def test_a_branch_just_below_the_size_is_not_flagged():
    found = year_of(RULE.perfect_min_activities + 2)
    assert signals(found, perfect(found, RULE.perfect_min_expected - 1)) == []


def test_one_member_missing_once_clears_the_year():
    found = year_of(RULE.perfect_min_activities + 2)
    turnout = perfect(found, 45)
    turnout[found[3].id] = (45, 44)
    assert signals(found, turnout) == []


def test_group_meetings_do_not_count():
    found = year_of(RULE.perfect_min_activities, kind="group_meeting")
    assert signals(found, perfect(found, 40)) == []


def test_years_are_counted_apart():
    found = year_of(RULE.perfect_min_activities - 2) + [act(dt.date(2024, 12, 1 + i)) for i in range(2)]
    assert signals(found, perfect(found, 40)) == []
