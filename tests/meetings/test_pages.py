"""The pages: planning (with notices), bad input refused with a reason, leave, votes, minutes, calendar."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.meetings.models import Activity, AgendaItem, Attendance, MakeUpTask
from dangjian.notifications.models import Notification

from .helpers import make_activity


def form(world, **over):
    start = timezone.localtime() + dt.timedelta(days=3)
    data = {
        "org": world.branch_a.pk,
        "kind": "theme_day",
        "title": "主题党日",
        "status": "planned",
        "place": "活动室",
        "planned_start": f"{start:%Y-%m-%dT09:00}",
        "planned_end": f"{start:%Y-%m-%dT11:00}",
    }
    return {**data, **over}


@pytest.mark.django_db
def test_planning_notifies_and_lists(world, client_for):
    client = client_for("secretary_a")
    response = client.post("/meetings/new/", form(world))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{activity.pk}/"
    assert activity.created_by == world.user("secretary_a") and activity.attendance.count() == 9
    assert Notification.objects.filter(recipient=world.members_a[7], url=f"/meetings/{activity.pk}/").exists()
    assert "主题党日" in client_for("member_a").get("/meetings/").content.decode()  # upcoming for the member


@pytest.mark.django_db
def test_end_before_start_refused_in_form(world, client_for):
    start = timezone.localtime() + dt.timedelta(days=3)
    response = client_for("secretary_a").post(
        "/meetings/new/",
        form(world, planned_start=f"{start:%Y-%m-%dT11:00}", planned_end=f"{start:%Y-%m-%dT09:00}"),
    )
    assert response.status_code == 200 and "计划结束时间应晚于开始时间" in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_committee_meeting_in_branch_without_committee_refused(world, client_for):
    response = client_for("organiser_b").post(
        "/meetings/new/", form(world, org=world.branch_b.pk, kind="committee_meeting")
    )
    assert "不设支部委员会" in response.content.decode() and not Activity.objects.exists()


@pytest.mark.django_db
def test_instructor_records_only_lectures(world, client_for):
    client = client_for("instructor_a")
    response = client.post("/meetings/new/", form(world, kind="theme_day"))
    assert "党建指导员只能登记本人讲授的党课" in response.content.decode()
    response = client.post("/meetings/new/", form(world, kind="party_lecture", speaker=world.members_b[4].pk))
    assert response.status_code == 302
    assert Activity.objects.get().speaker_allowed is True


@pytest.mark.django_db
def test_leave_asked_and_approved(world, client_for):
    a = make_activity(world.branch_a)
    client_for("member_a").post(f"/meetings/{a.pk}/leave/", {"reason": "外出务工"})
    row = Attendance.objects.get(activity=a, member=world.members_a[7])
    assert row.leave_state == "asked" and row.status == ""
    client_for("secretary_a").post(f"/meetings/attendance/{row.pk}/leave/", {"approve": "1"})
    row.refresh_from_db()
    assert (
        row.leave_state == "approved"
        and row.status == "leave"
        and row.leave_decided_by == world.user("secretary_a")
    )
    response = client_for("secretary_a").post(
        f"/meetings/attendance/{row.pk}/leave/", {"approve": "0"}, follow=True
    )
    assert "该请假申请已处理" in response.content.decode()


@pytest.mark.django_db
def test_empty_leave_reason_refused(world, client_for):
    a = make_activity(world.branch_a)
    response = client_for("member_a").post(f"/meetings/{a.pk}/leave/", {"reason": ""}, follow=True)
    assert "请填写请假事由" in response.content.decode()
    assert not Attendance.objects.filter(activity=a).exclude(leave_state="").exists()


@pytest.mark.django_db
def test_makeup_for_absent_member(world, client_for):
    a = make_activity(world.branch_a)
    row = Attendance.objects.get(activity=a, member=world.members_a[7])
    client = client_for("secretary_a")
    response = client.post(
        f"/meetings/attendance/{row.pk}/makeup/", {"content": "学习党章", "due_on": "2026-12-31"}, follow=True
    )
    assert "只有缺席或请假的党员需要补学" in response.content.decode() and not MakeUpTask.objects.exists()
    client.post(f"/meetings/{a.pk}/attendance/", {f"status_{world.members_a[7].pk}": "absent"})
    client.post(f"/meetings/attendance/{row.pk}/makeup/", {"content": "学习党章", "due_on": "2026-12-31"})
    task = MakeUpTask.objects.get()
    assert "学习党章" in client_for("member_a").get("/meetings/").content.decode()
    client_for("member_a").post(f"/meetings/makeup/{task.pk}/done/")
    task.refresh_from_db()
    assert task.done_at is not None


@pytest.mark.django_db
def test_vote_recorded_with_eligible_from_register(world, client_for):
    a = make_activity(world.branch_a, "general_meeting")
    client = client_for("secretary_a")
    data = {
        "kind": "confirm",
        "title": "甲预备转正",
        "subject": world.members_a[8].pk,
        "present": 5,
        "votes_for": 4,
        "votes_against": 1,
        "votes_abstain": 0,
    }
    response = client.post(f"/meetings/{a.pk}/agenda/", data, follow=True)
    assert "多于已登记出席的人数（0）" in response.content.decode() and not AgendaItem.objects.exists()
    a.attendance.filter(member__in=world.members_a[:5]).update(status="present")
    response = client.post(f"/meetings/{a.pk}/agenda/", data, follow=True)
    item = AgendaItem.objects.get()
    assert item.eligible == 8 and item.outcome.quorum_met and not item.outcome.passed
    assert "达到法定人数，未通过" in response.content.decode()
    response = client.post(f"/meetings/{a.pk}/agenda/", {**data, "present": 9, "votes_for": 9}, follow=True)
    assert "实到人数不能多于" in response.content.decode() and AgendaItem.objects.count() == 1


@pytest.mark.django_db
def test_minutes_saved_sanitised_and_printable(world, client_for):
    a = make_activity(world.branch_a)
    client = client_for("secretary_a")
    client.post(
        f"/meetings/{a.pk}/minutes/",
        {"minutes": "<h2>议程</h2><ol><li>学习</li></ol><img src=x onerror=alert(1)>"},
    )
    a.refresh_from_db()
    assert a.minutes == "<h2>议程</h2><ol><li>学习</li></ol>"
    printed = client_for("member_a").get(f"/meetings/{a.pk}/print/").content.decode()
    assert "<h2>议程</h2>" in printed and "data-print" in printed  # core/app.js prints


@pytest.mark.django_db
def test_calendar_shows_branch_and_town(world, client_for):
    day = timezone.localtime() + dt.timedelta(days=1)
    make_activity(world.branch_a, start=day, title="甲的活动")
    make_activity(world.branch_b, start=day, title="乙的活动")
    month = f"{day:%Y-%m}"
    town = client_for("office").get(f"/meetings/calendar/?month={month}").content.decode()
    assert town.count("主题党日") >= 2
    branch = client_for("office").get(f"/meetings/calendar/?month={month}&org=BRA").content.decode()
    assert "本月 1 项活动" in branch
    mine = client_for("member_b").get(f"/meetings/calendar/?month={month}").content.decode()
    assert "本月 1 项活动" in mine


@pytest.mark.django_db
def test_late_entry_visible(world, client_for):
    a = make_activity(world.branch_a, start=timezone.now() - dt.timedelta(days=60), status="held")
    assert "补录" in client_for("secretary_a").get(f"/meetings/{a.pk}/").content.decode()
    assert "补录" in client_for("secretary_a").get("/meetings/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,org,expect",
    [
        ("committee_meeting", "branch_a", "会议记录"),
        ("general_meeting", "branch_a", "登记议题"),
        ("group_meeting", "group_a1", "会议记录"),
        ("party_lecture", "branch_a", "党课稿"),
        ("org_life_meeting", "branch_a", "会前 · 会中 · 会后"),
        ("theme_day", "branch_a", "活动环节"),
    ],
)
def test_detail_page_of_every_kind(world, client_for, kind, org, expect):
    a = make_activity(getattr(world, org), kind)
    page = client_for("secretary_a").get(f"/meetings/{a.pk}/")
    assert page.status_code == 200 and expect in page.content.decode()
    assert client_for("secretary_a").get(f"/meetings/{a.pk}/edit/").status_code == 200
