"""补录 measured from when an activity was first recorded as held; expected attendees as of its date;
minutes with an author and one "has text" rule; notices on reschedule and cancellation."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import Activity, Attendance, Status
from dangjian.members.services import transfer
from dangjian.notifications.models import Notification
from dangjian.orgs.choices import PositionTitle
from tests.factories import MemberFactory, appoint

from .helpers import make_activity

JAN = dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC)


def hold(activity: Activity, user=None) -> Activity:
    activity.status = Status.HELD
    activity.actual_start, activity.actual_end = activity.planned_start, activity.planned_end
    return services.save_activity(activity, user)


@pytest.mark.django_db
def test_planned_early_and_held_much_later_is_marked_late(world):
    with time_machine.travel(JAN, tick=False):
        a = make_activity(world.branch_a, start=JAN + dt.timedelta(days=1))
        assert a.recorded_at is None and not a.is_late_entry
    with time_machine.travel(JAN + dt.timedelta(days=200), tick=False):
        hold(a)
    a.refresh_from_db()
    assert a.recorded_at == JAN + dt.timedelta(days=200) and a.is_late_entry
    # Later edits do not move it.
    with time_machine.travel(JAN + dt.timedelta(days=300), tick=False):
        a.title = "改个错别字"
        services.save_activity(a)
    a.refresh_from_db()
    assert a.recorded_at == JAN + dt.timedelta(days=200)


@pytest.mark.django_db
def test_held_on_time_is_not_late_and_attendance_counts_as_recording(world):
    with time_machine.travel(JAN, tick=False):
        a = make_activity(world.branch_a, start=JAN + dt.timedelta(minutes=5))
    with time_machine.travel(JAN + dt.timedelta(minutes=10), tick=False):
        services.sign_in(a, world.members_a[7].pk, world.user("member_a"))
    with time_machine.travel(JAN + dt.timedelta(days=90), tick=False):
        hold(a)  # the QR sign-ins show it was recorded when it happened
    a.refresh_from_db()
    assert a.recorded_at == JAN + dt.timedelta(minutes=10) and not a.is_late_entry


@pytest.mark.django_db
def test_late_mark_visible_on_pages(world, client_for):
    with time_machine.travel(JAN, tick=False):
        a = make_activity(world.branch_a, start=JAN + dt.timedelta(days=1))
    with time_machine.travel(JAN + dt.timedelta(days=60), tick=False):
        hold(a)
    client = client_for("secretary_a")
    assert "补录" in client.get(f"/meetings/{a.pk}/").content.decode()
    assert "属补录" in client.get(f"/meetings/{a.pk}/print/").content.decode()


@pytest.mark.django_db
def test_expected_attendees_as_of_the_activity_date(world):
    today = timezone.localdate()
    newcomer = MemberFactory(org=world.branch_a, name="新党员", joined_on=today)
    moved = world.members_a[6]
    transfer(moved, world.branch_b, today - dt.timedelta(days=10), "工作调动", None)
    start = timezone.now() - dt.timedelta(days=300)
    a = make_activity(world.branch_a, start=start, status=Status.HELD)
    expected = set(a.attendance.filter(expected=True).values_list("member_id", flat=True))
    assert moved.pk in expected  # was in the branch then
    assert newcomer.pk not in expected
    assert world.members_a[8].pk not in expected  # 甲预备 joined 100 days ago
    # Editing a held activity later does not touch who was expected.
    MemberFactory(org=world.branch_a, name="又一名新党员", joined_on=today)
    a.title = "改个错别字"
    services.save_activity(a)
    assert set(a.attendance.filter(expected=True).values_list("member_id", flat=True)) == expected


@pytest.mark.django_db
def test_planned_activity_follows_the_register_until_held(world):
    a = make_activity(world.branch_a, start=timezone.now() + dt.timedelta(days=3))
    before = a.attendance.filter(expected=True).count()
    newcomer = MemberFactory(org=world.branch_a, name="新党员", joined_on=timezone.localdate())
    services.save_activity(a)
    assert a.attendance.filter(expected=True).count() == before + 1
    newcomer.status = "left"
    newcomer.save()
    services.save_activity(a)  # nothing recorded for them: the row goes
    assert not a.attendance.filter(member=newcomer).exists()


@pytest.mark.django_db
def test_minutes_author_time_and_empty_looking_minutes(world, client_for):
    a = make_activity(world.branch_a)
    client = client_for("secretary_a")
    with time_machine.travel(JAN + dt.timedelta(days=2), tick=False):
        client.post(f"/meetings/{a.pk}/minutes/", {"minutes": "<p>学习了党章</p>"})
    a.refresh_from_db()
    assert a.minutes_by == world.user("secretary_a") and a.minutes_at == JAN + dt.timedelta(days=2)
    page = client.get(f"/meetings/{a.pk}/").content.decode()
    assert "最后保存" in page and str(world.user("secretary_a")) in page
    for empty in ("<p><br></p>", "<p>&nbsp;</p>", "<h2> </h2><ul><li>\u3000</li></ul>"):
        client.post(f"/meetings/{a.pk}/minutes/", {"minutes": empty})
        a.refresh_from_db()
        assert a.minutes == ""  # what the compliance engine reads (minutes != "") agrees with the page
        assert not next(r for r in services.record_checklist(a) if r.code == "minutes").present


def test_has_text_rule():
    assert services.has_text("<p>会</p>") and not services.has_text("<p><br></p>")
    assert services.sanitize_minutes("<p>&nbsp;</p>") == ""


@pytest.mark.django_db
def test_reschedule_and_cancel_notify_once_per_change(world):
    a = make_activity(world.branch_a, start=timezone.now() + dt.timedelta(days=3), notify=True)
    member = world.members_a[7]

    def keys():
        return list(Notification.objects.filter(recipient=member).values_list("key", flat=True))

    assert keys() == [f"activity:{a.pk}:planned"]
    services.save_activity(a)  # nothing changed: no new notice
    assert len(keys()) == 1
    a.planned_start += dt.timedelta(hours=2)
    a.planned_end += dt.timedelta(hours=2)
    services.save_activity(a)
    services.save_activity(a)
    assert len(keys()) == 2 and "时间地点变更" in Notification.objects.latest("id").title
    a.place = "新会议室"
    services.save_activity(a)
    assert len(keys()) == 3 and "新会议室" in Notification.objects.latest("id").body
    a.status = Status.CANCELLED
    services.save_activity(a)
    services.save_activity(a)
    assert len(keys()) == 4 and keys().count(f"activity:{a.pk}:cancelled") == 1


@pytest.mark.django_db
def test_lecture_speaker_may_be_an_instructor_of_the_general_branch(world, client_for):
    instructor = MemberFactory(org=world.branch_b, name="总支指导员")
    appoint(instructor, world.general, PositionTitle.INSTRUCTOR)
    start = timezone.localtime() + dt.timedelta(days=3)
    response = client_for("secretary_a").post(
        "/meetings/new/",
        {
            "org": world.branch_a.pk,
            "kind": "party_lecture",
            "title": "党课",
            "status": "planned",
            "planned_start": f"{start:%Y-%m-%dT09:00}",
            "planned_end": f"{start:%Y-%m-%dT11:00}",
            "speaker": instructor.pk,
        },
    )
    assert response.status_code == 302
    lecture = Activity.objects.get()
    assert lecture.speaker == instructor and lecture.speaker_allowed is True
    # The 党总支's 书记 is a 党组织书记 too (由党组织书记或党建指导员上党课); its other posts are not offered.
    secretary = MemberFactory(org=world.branch_b, name="总支书记")
    appoint(secretary, world.general, PositionTitle.SECRETARY)
    other = MemberFactory(org=world.branch_b, name="总支组织委员")
    appoint(other, world.general, PositionTitle.ORGANISER)
    page = client_for("secretary_a").get("/meetings/new/").content.decode()
    assert "总支指导员" in page and "总支书记" in page and "总支组织委员" not in page


@pytest.mark.django_db
def test_attendance_page_queries_do_not_grow_with_rows(world, client_for):
    a = make_activity(world.branch_a)
    client = client_for("secretary_a")
    rows = list(a.attendance.all()[:3])
    for row in rows:
        row.status = "absent"
        row.save()
        client.post(
            f"/meetings/attendance/{row.pk}/makeup/",
            {"content": "学习党章", "due_on": f"{timezone.localdate():%Y-%m-%d}"},
        )
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/meetings/{a.pk}/attendance/").status_code == 200
    for i in range(15):
        member = MemberFactory(org=world.branch_a, name=f"甲新{i}")
        Attendance.objects.create(activity=a, member=member, status="absent")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/meetings/{a.pk}/attendance/")
    assert len(many) == len(few) <= 20
