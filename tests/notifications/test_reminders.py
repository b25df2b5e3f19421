"""`dangjian remind`: owed rules a few days before the period ends, and overdue 整改措施, once each."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from dangjian.meetings.models import Rectification
from dangjian.notifications.models import Delivery, Notification
from tests.compliance.helpers import held

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def remind(day: dt.date, *args) -> str:
    out = StringIO()
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 7, tzinfo=SHANGHAI), tick=False):
        call_command("remind", *args, stdout=out)
    return out.getvalue()


def titles(member) -> list[str]:
    return sorted(Notification.objects.filter(recipient=member).values_list("title", flat=True))


def test_owed_rule_is_reminded_within_the_configured_days_once(
    world, settings, django_capture_on_commit_callbacks
):
    settings.COMPLIANCE_REMIND_DAYS = 5
    secretary = world.members_a[0]
    with django_capture_on_commit_callbacks(execute=True):
        remind(dt.date(2025, 3, 20))  # 12 days left: too early
    assert not [t for t in titles(secretary) if "支部党员大会" in t]
    with django_capture_on_commit_callbacks(execute=True):
        remind(dt.date(2025, 3, 27))  # 5 days left
        remind(dt.date(2025, 3, 28))
    general = [t for t in titles(secretary) if "支部党员大会" in t]
    assert general == ["甲村党支部：本季度还需召开支部党员大会1次，剩余5天"]
    assert not [
        t for t in titles(world.members_a[7]) if "支部党员大会" in t
    ]  # ordinary members are not reminded
    # the 党小组长 hears about their own group's meeting
    assert [t for t in titles(world.members_a[4]) if "第二党小组" in t]


def test_met_rule_is_not_reminded(world, django_capture_on_commit_callbacks):
    held(world.branch_b, "general_meeting", dt.date(2025, 3, 3))
    with django_capture_on_commit_callbacks(execute=True):
        remind(dt.date(2025, 3, 28), "--days", "7")
    assert not [t for t in titles(world.members_b[0]) if "支部党员大会" in t]
    assert [t for t in titles(world.members_b[0]) if "主题党日" in t]


def test_overdue_rectification_is_reminded_to_owner_and_secretary(world, django_capture_on_commit_callbacks):
    meeting = held(world.branch_a, "org_life_meeting", dt.date(2025, 1, 15))
    item = Rectification.objects.create(
        activity=meeting, content="健全学习制度", owner=world.members_a[3], due_on=dt.date(2025, 3, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        out = remind(dt.date(2025, 3, 1), "--days", "0")
    assert "逾期整改 0 条" in out
    with django_capture_on_commit_callbacks(execute=True):
        out = remind(dt.date(2025, 3, 2), "--days", "0")
        remind(dt.date(2025, 3, 3), "--days", "0")
    assert "逾期整改 1 条" in out
    for member in (world.members_a[3], world.members_a[0]):
        assert titles(member).count("整改措施已逾期：健全学习制度") == 1
    assert Delivery.objects.filter(key=f"rectification:{item.pk}:overdue", status="sent").count() >= 2
    item.status = "done"
    item.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert "逾期整改 0 条" in remind(dt.date(2025, 3, 4), "--days", "0")


def test_reminders_go_to_the_orgs_own_leaders_not_to_those_above(world, django_capture_on_commit_callbacks):
    from dangjian.orgs.choices import PositionTitle
    from tests.factories import appoint

    town_secretary, general_secretary = world.members_b[2], world.members_a[6]
    appoint(town_secretary, world.town, PositionTitle.SECRETARY)
    appoint(general_secretary, world.general, PositionTitle.SECRETARY)
    with django_capture_on_commit_callbacks(execute=True):
        remind(dt.date(2025, 3, 28), "--days", "7")
    # Branches owe 主题党日 and 支部党员大会 this month: their own secretaries hear of it, the town
    # and the 党总支 leaders do not.
    assert [t for t in titles(world.members_a[0]) if "甲村党支部" in t]
    assert [t for t in titles(world.members_b[0]) if "乙企业党支部" in t]
    assert titles(town_secretary) == [] and titles(general_secretary) == []
    # A 党小组's meeting reaches its leader (with a link to their home page) and the branch's leaders.
    leader = Notification.objects.get(recipient=world.members_a[4], title__startswith="第二党小组")
    assert leader.url == "/#compliance-todo"
    secretary = Notification.objects.get(recipient=world.members_a[0], title__startswith="第二党小组")
    assert secretary.url == "/compliance/org/BRA/group_meeting/?period=2025-03"
