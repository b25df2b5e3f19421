"""学时 derived from what is recorded: a 党课 gives its present attendees its duration once; editing the
activity changes the hours, never adds them twice; a 主题党日 gives the share of its study part; targets
hold at their boundary (31.5 short, 32 met; 56 for committee members)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.education import hours, policy, services
from dangjian.education.models import Training
from dangjian.members.models import Member

from .conftest import at

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
DAY = dt.date(YEAR, 1, 10)


def hours_of(member) -> Decimal:
    return services.completions(Member.objects.filter(pk=member.pk), YEAR)[0].hours


def test_a_lecture_gives_its_present_attendees_its_duration_once(world, held):
    a = world.members_a
    lecture = held(world.branch_a, DAY, hours=2.5, present=[a[7]], absent=[a[6]])
    assert hours_of(a[7]) == Decimal("2.5")
    assert hours_of(a[6]) == 0
    lecture.title = "改过的主题"
    lecture.planned_end = lecture.planned_start + dt.timedelta(hours=3)
    lecture.save()
    lecture.save()
    assert hours_of(a[7]) == Decimal("3.0")  # re-read from the activity: edited, not added twice
    line = services.completions(Member.objects.filter(pk=a[7].pk), YEAR)[0].lines
    assert [(x.topic, x.form, x.derived) for x in line] == [("改过的主题", "党课", True)]


def test_a_cancelled_or_other_kind_gives_nothing(world, held):
    a = world.members_a
    held(world.branch_a, DAY, present=[a[7]], kind="committee_meeting")
    lecture = held(world.branch_a, DAY, present=[a[7]])
    lecture.status = "cancelled"
    lecture.save()
    assert hours_of(a[7]) == 0


def test_theme_day_gives_the_study_parts_share():
    rules = policy.current().derived
    start = at(DAY, 9)
    four = ["集中学习", "交纳党费", "民主议事", "志愿服务"]
    assert hours.activity_hours("theme_day", four, start, start + dt.timedelta(hours=4), rules) == 1
    assert hours.activity_hours("theme_day", ["交纳党费"], start, start + dt.timedelta(hours=4), rules) == 0
    assert hours.activity_hours("theme_day", [], start, start + dt.timedelta(hours=4), rules) == 0
    # 听党课 within a 主题党日 is its own 党课 activity: not counted again here
    assert hours.activity_hours("theme_day", ["听党课"], start, start + dt.timedelta(hours=2), rules) == 0
    # rounded down to half hours, and one activity never more than a day
    assert hours.activity_hours("party_lecture", [], start, start + dt.timedelta(minutes=89), rules) == 1
    assert hours.activity_hours("party_lecture", [], start, start + dt.timedelta(hours=30), rules) == 8


def test_member_target_at_its_boundary(world):
    a = world.members_a
    training = Training.objects.create(
        org=world.branch_a,
        topic="集中轮训",
        form="study",
        held_on=DAY,
        hours=Decimal("31.5"),
        organiser="镇党委",
    )
    training.attendees.set([a[7]])
    row = services.completions(Member.objects.filter(pk=a[7].pk), YEAR)[0]
    assert (row.target.hours, row.met, row.short) == (32, False, Decimal("0.5"))
    Training.objects.filter(pk=training.pk).update(hours=Decimal("32"))
    row = services.completions(Member.objects.filter(pk=a[7].pk), YEAR)[0]
    assert row.met and row.short == 0
    assert "第二十条" in row.target.source


def test_secretary_has_the_plans_56_hours_target(world):
    secretary = world.members_a[0]
    row = services.completions(Member.objects.filter(pk=secretary.pk), YEAR)[0]
    assert row.target.hours == 56
    assert "规划" in row.target.source and "条例" in row.target.source  # cited to the 规划, not the 条例


def test_completion_is_a_fixed_number_of_queries(world, held, django_assert_max_num_queries):
    held(world.branch_a, DAY, present=world.members_a)
    with django_assert_max_num_queries(3):
        rows = services.completions(services.branch_members(world.branch_a), YEAR)
    assert len(rows) == 9 and all(r.hours == 2 for r in rows)
