"""The six-month rule: months in a row without organisational life, at their boundaries; with dues data."""

import datetime as dt

import pytest

from dangjian.education import inactivity, services
from dangjian.education.inactivity import MonthFacts, flags, streak

AS_OF = dt.date(2026, 9, 15)
MISSED = MonthFacts(expected=1)


def months(n: int, facts=MISSED) -> dict:
    return {inactivity.month_start(AS_OF, b): facts for b in range(1, n + 1)}


def test_five_missed_months_are_not_flagged_six_are():
    assert streak(months(5), AS_OF, 6) == 5
    assert flags([(1, "甲", None)], {1: months(5)}, AS_OF, 6) == []
    found = flags([(1, "甲", None)], {1: months(6)}, AS_OF, 6)
    assert [(f.member_id, f.months, f.since) for f in found] == [(1, 6, dt.date(2026, 3, 1))]
    assert "连续6个月未参加组织生活" in found[0].facts[0]


def test_one_attendance_a_leave_or_a_makeup_breaks_the_streak():
    for breaking in (MonthFacts(1, 1, 0, 0), MonthFacts(1, 0, 1, 0), MonthFacts(1, 0, 0, 1)):
        data = months(6)
        data[dt.date(2026, 5, 1)] = breaking
        assert streak(data, AS_OF, 6) == 3


def test_a_month_with_nothing_held_is_not_held_against_the_member():
    data = months(6)
    data[dt.date(2026, 4, 1)] = MonthFacts()
    assert streak(data, AS_OF, 6) == 4


def test_taking_part_this_month_clears_it_and_months_before_joining_do_not_count():
    data = months(6) | {dt.date(2026, 9, 1): MonthFacts(1, 1)}
    assert streak(data, AS_OF, 6) == 0
    assert streak(months(6), AS_OF, 6, member_since=dt.date(2026, 5, 20)) == 4


def test_dues_are_a_ground_of_their_own_when_given():
    paid_all = {1: {inactivity.month_start(AS_OF, b) for b in range(0, 7)}}
    assert flags([(1, "甲", None)], {}, AS_OF, 6, paid_all) == []
    unpaid = flags([(1, "甲", None)], {}, AS_OF, 6, {1: {dt.date(2026, 2, 1)}})
    assert [(f.months, f.dues_months) for f in unpaid] == [(0, 6)]
    assert unpaid[0].facts == ["自2026年03月起连续6个月未交纳党费"]
    assert flags([(1, "甲", None)], {}, AS_OF, 6, {1: {dt.date(2026, 3, 1)}}) == []  # five months


@pytest.mark.django_db
def test_from_the_register(world, held):
    a = world.members_a
    today = dt.date.today()
    for back in range(1, 7):
        month = inactivity.month_start(today, back)
        held(world.branch_a, month + dt.timedelta(days=4), present=a[:7], absent=[a[7]])
    found = services.inactive_flags(services.branch_members(world.branch_a), today)
    assert [f.name for f in found] == ["甲7"]


@pytest.mark.django_db
def test_the_flag_reaches_the_secretary_home_and_outbox_never_removes(world, held, client_for):
    from dangjian.education.reminders import remind_inactive
    from dangjian.members.models import Member
    from dangjian.notifications.models import Delivery

    a = world.members_a
    today = dt.date.today()
    for back in range(1, 7):
        held(
            world.branch_a,
            inactivity.month_start(today, back) + dt.timedelta(days=4),
            present=a[:7],
            absent=[a[7]],
        )
    page = client_for("secretary_a").get("/").content.decode()
    assert 'id="home-inactive"' in page and "甲7" in page
    assert 'id="home-inactive"' not in client_for("organiser_b").get("/").content.decode()
    assert remind_inactive(today) >= 2  # the 书记 and the 组织委员
    assert remind_inactive(today) == 0  # once a month
    to = set(
        Delivery.objects.filter(key__startswith="education:inactive:").values_list("recipient_id", flat=True)
    )
    assert to == {a[0].pk, a[1].pk}
    assert Member.objects.get(pk=a[7].pk).status == "normal"
