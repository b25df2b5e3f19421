"""Notices reach whoever must act: the town office's inbox (an account with no member) holds what the
worker sent it, and a leave request reaches whoever decides it."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import Rectification
from dangjian.notifications.models import Notification
from dangjian.orgs.choices import PositionTitle
from dangjian.orgs.models import Position
from tests.compliance.helpers import held
from tests.factories import appoint
from tests.meetings.helpers import make_activity

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def remind(day: dt.date, *args) -> str:
    out = StringIO()
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 7, tzinfo=SHANGHAI), tick=False):
        call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_office_inbox_shows_what_the_worker_sent(world, client_for, django_capture_on_commit_callbacks):
    meeting = held(world.branch_a, "org_life_meeting", dt.date(2025, 1, 15))
    Rectification.objects.create(
        activity=meeting, content="健全学习制度", owner=world.members_a[3], due_on=dt.date(2025, 3, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        out = remind(dt.date(2025, 3, 28), "--days", "7")
        remind(dt.date(2025, 3, 28), "--days", "7")  # again the same day: nothing twice
    assert "逾期整改 1 条" in out
    office = world.user("office")
    client = client_for("office")
    page = client.get("/notifications/").content.decode()
    assert "暂无通知" not in page and "整改措施已逾期：健全学习制度" in page
    # the deadlines of the month, once, in one notice that links to the dashboard
    digest = Notification.objects.get(account=office, key__startswith="compliance:deadlines:")
    assert (
        digest.title.startswith("2个组织有") and "甲村党支部" in digest.body and "乙企业党支部" in digest.body
    )
    assert digest.url == "/compliance/?period=2025-03"
    assert Notification.objects.filter(account=office).count() == 2
    assert {n["title"] for n in client.get("/api/notifications/").json()["items"]} == {
        "整改措施已逾期：健全学习制度",
        digest.title,
    }
    # the office finds its inbox in the navigation, and opens a notice
    assert any(item["label"] == "通知" for item in client.get("/").context["nav"])
    rect = Notification.objects.get(account=office, title__startswith="整改措施已逾期")
    assert client.post(f"/notifications/{rect.pk}/open/")["Location"] == f"/meetings/{meeting.pk}/"
    # an oversight account and the members see none of the office's notices
    assert "健全学习制度" not in client_for("oversight").get("/notifications/").content.decode()
    assert not client_for("member_b").get("/api/notifications/").json()["items"]


def leave(world, member, django_capture_on_commit_callbacks, org=None):
    meeting = make_activity(
        org or world.branch_a, start=timezone.now() + dt.timedelta(days=2), title="主题党日"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_leave(meeting, member, "外出务工")
    return meeting


def test_a_leave_request_notifies_the_branch_leaders_who_decide_it(
    world, client_for, django_capture_on_commit_callbacks
):
    member = world.members_a[7]
    meeting = leave(world, member, django_capture_on_commit_callbacks)
    to = set(Notification.objects.filter(key__startswith="leave:").values_list("recipient_id", flat=True))
    assert to == {world.members_a[0].pk, world.members_a[1].pk}  # the 书记 and the 组织委员 of branch A
    notice = Notification.objects.get(recipient=world.members_a[0], key__startswith="leave:")
    assert notice.title == f"请假待审批：{member.name}（主题党日“主题党日”）" and "外出务工" in notice.body
    assert notice.url == f"/meetings/{meeting.pk}/attendance/"
    page = client_for("secretary_a").get("/notifications/").content.decode()
    assert f"请假待审批：{member.name}" in page


def test_a_group_meeting_leave_goes_to_the_branch_and_a_leaders_own_leave_to_the_others(
    world, django_capture_on_commit_callbacks
):
    leave(world, world.members_a[5], django_capture_on_commit_callbacks, org=world.group_a2)
    to = set(Notification.objects.filter(key__startswith="leave:").values_list("recipient_id", flat=True))
    assert to == {world.members_a[0].pk, world.members_a[1].pk}
    Notification.objects.all().delete()
    leave(world, world.members_a[0], django_capture_on_commit_callbacks)  # the 书记 asks leave
    to = set(Notification.objects.filter(key__startswith="leave:").values_list("recipient_id", flat=True))
    assert to == {world.members_a[1].pk}


def test_a_branch_without_leaders_sends_leave_to_the_office(world, django_capture_on_commit_callbacks):
    Position.objects.filter(org=world.branch_b).delete()
    appoint(world.members_b[0], world.branch_b, PositionTitle.PROPAGANDA)  # no say over leave
    leave(world, world.members_b[2], django_capture_on_commit_callbacks, org=world.branch_b)
    notices = Notification.objects.filter(key__startswith="leave:")
    assert [(n.recipient_id, n.account_id) for n in notices] == [(None, world.user("office").pk)]
