"""Every page and API call of the meetings app, for every role (see tests/matrix.py)."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import Activity, Attendance, MakeUpTask, Record
from tests.matrix import Case, cases_for, check
from tests.world import ROLES

from .helpers import make_activity

EVERYONE = frozenset(
    {
        "office",
        "oversight",
        "secretary_a",
        "organiser_b",
        "instructor_a",
        "group_leader_a",
        "member_a",
        "member_b",
    }
)
PLANNERS = frozenset({"office", "secretary_a", "organiser_b", "instructor_a"})
A_VIEWERS = frozenset({"office", "oversight", "secretary_a", "instructor_a", "group_leader_a", "member_a"})
A_MANAGERS = frozenset({"office", "secretary_a"})
A_MEMBERS = frozenset({"secretary_a", "group_leader_a", "member_a"})
# 支部委员会: the committee (secretary_a) and those reading the branch from above; not its members.
A_COMMITTEE_READERS = frozenset({"office", "oversight", "secretary_a", "instructor_a"})


def theme(w):
    if not hasattr(w, "_theme"):
        w._theme = make_activity(w.branch_a, "theme_day", start=timezone.now())
    return w._theme


def lecture(w):
    if not hasattr(w, "_lecture"):
        w._lecture = make_activity(w.branch_a, "party_lecture", speaker=w.members_b[4])
    return w._lecture


def group1(w):
    if not hasattr(w, "_group1"):
        w._group1 = make_activity(w.group_a1, "group_meeting")
    return w._group1


def olm(w):
    if not hasattr(w, "_olm"):
        w._olm = make_activity(w.branch_a, "org_life_meeting")
    return w._olm


def general(w):
    if not hasattr(w, "_general"):
        w._general = make_activity(w.branch_a, "general_meeting")
    return w._general


def committee(w):
    if not hasattr(w, "_committee"):
        w._committee = make_activity(w.branch_a, "committee_meeting")
    return w._committee


def committee_record(w):
    """The committee meeting's minutes as an uploaded file."""
    row = Record(
        activity=committee(w), kind="minutes", original_name="纪要.txt", content_type="text/plain", size=2
    )
    row.file.save("纪要.txt", ContentFile(b"ok"), save=True)
    return row


def leave_row(w):
    row = Attendance.objects.get(activity=theme(w), member=w.members_a[3])
    services.ask_leave(theme(w), w.members_a[3], "外出务工")
    return row


def absent_row(w):
    row = Attendance.objects.get(activity=theme(w), member=w.members_a[3])
    row.status = "absent"
    row.save()
    return row


def makeup(w):
    task = MakeUpTask.objects.create(
        attendance=absent_row(w), content="学习党章", due_on=timezone.localdate()
    )
    return task


def rect(w):
    return olm(w).rectifications.create(content="加强学习", owner=w.members_a[2], due_on=timezone.localdate())


def record(w):
    """A 活动剪影 file on branch A's 主题党日: downloadable by whoever may read the activity."""
    row = Record(
        activity=theme(w), kind="activity_photos", original_name="合影.txt", content_type="text/plain", size=2
    )
    row.file.save("合影.txt", ContentFile(b"ok"), save=True)
    return row


def lecture_record(w):
    """A paper 党课记录 of the instructor's lecture at branch A."""
    return Record.objects.create(activity=lecture(w), kind="lecture_record", reference="档案柜1号")


def next_week(w):
    start = timezone.localtime() + dt.timedelta(days=7)
    return {
        "org": w.branch_a.pk,
        "kind": "theme_day",
        "title": "主题党日",
        "status": "planned",
        "planned_start": f"{start:%Y-%m-%dT10:00}",
        "planned_end": f"{start:%Y-%m-%dT11:00}",
    }


CASES = [
    Case("list", lambda w: "/meetings/", EVERYONE),
    Case("calendar", lambda w: "/meetings/calendar/", EVERYONE),
    Case("calendar A", lambda w: "/meetings/calendar/?org=BRA&month=2026-01", EVERYONE),
    Case("create page", lambda w: "/meetings/new/", PLANNERS),
    Case(
        "create A",
        lambda w: "/meetings/new/",
        A_MANAGERS,
        method="post",
        data=next_week,
        ok=(302,),
        roles=tuple(r for r in ROLES if r in A_MANAGERS or r not in PLANNERS),
    ),  # planners of other branches: test_create_in_branch_a_refused_by_the_form
    Case("detail A", lambda w: f"/meetings/{theme(w).pk}/", A_VIEWERS),
    # a group's meeting: the branch's readers and the group's own members, not the other group's
    Case(
        "detail group 1", lambda w: f"/meetings/{group1(w).pk}/", A_VIEWERS - {"group_leader_a", "member_a"}
    ),
    Case("edit A", lambda w: f"/meetings/{theme(w).pk}/edit/", A_MANAGERS),
    Case(
        "edit lecture by instructor",
        lambda w: f"/meetings/{lecture(w).pk}/edit/",
        A_MANAGERS | {"instructor_a"},
    ),
    Case("minutes A", lambda w: f"/meetings/{theme(w).pk}/minutes/", A_MANAGERS),
    Case("print A", lambda w: f"/meetings/{theme(w).pk}/print/", A_VIEWERS),
    Case("attendance A", lambda w: f"/meetings/{theme(w).pk}/attendance/", A_VIEWERS - {"member_a"}),
    Case(
        "attendance group 1",
        lambda w: f"/meetings/{group1(w).pk}/attendance/",
        A_VIEWERS - {"group_leader_a", "member_a"},
    ),
    Case("qr A", lambda w: f"/meetings/{theme(w).pk}/qr/", A_MANAGERS | {"group_leader_a"}),
    Case("qr code A", lambda w: f"/meetings/{theme(w).pk}/qr/code/", A_MANAGERS | {"group_leader_a"}),
    Case("qr print A", lambda w: f"/meetings/{theme(w).pk}/qr/print/", A_MANAGERS | {"group_leader_a"}),
    Case("qr group 1", lambda w: f"/meetings/{group1(w).pk}/qr/", A_MANAGERS),
    Case(
        "qr lecture",
        lambda w: f"/meetings/{lecture(w).pk}/qr/",
        A_MANAGERS | {"instructor_a", "group_leader_a"},
    ),
    Case(
        "record attendance A",
        lambda w: f"/meetings/{theme(w).pk}/attendance/",
        A_MANAGERS | {"group_leader_a"},
        method="post",
        data=lambda w: {f"status_{w.members_a[7].pk}": "present"},
        ok=(302,),
    ),
    Case("sign-in page", lambda w: f"/meetings/s/{services.signin_token(theme(w).pk)}/", EVERYONE),
    Case(
        "sign in A",
        lambda w: f"/meetings/s/{services.signin_token(theme(w).pk)}/",
        A_MEMBERS,
        method="post",
        denied=(400,),
    ),
    Case(
        "leave A",
        lambda w: f"/meetings/{theme(w).pk}/leave/",
        A_MEMBERS | {"instructor_a"},
        method="post",
        data=lambda w: {"reason": "出差"},
        ok=(302,),
    ),
    Case(
        "decide leave A",
        lambda w: f"/meetings/attendance/{leave_row(w).pk}/leave/",
        A_MANAGERS,
        method="post",
        data=lambda w: {"approve": "1"},
        ok=(302,),
    ),
    Case(
        "makeup add A",
        lambda w: f"/meetings/attendance/{absent_row(w).pk}/makeup/",
        A_MANAGERS,
        method="post",
        data=lambda w: {"content": "学习党章", "due_on": "2026-12-31"},
        ok=(302,),
    ),
    Case(
        "makeup done",
        lambda w: f"/meetings/makeup/{makeup(w).pk}/done/",
        A_MANAGERS,
        method="post",
        ok=(302,),
    ),
    Case(
        "record upload A", lambda w: f"/meetings/{theme(w).pk}/records/", A_MANAGERS, method="post", ok=(302,)
    ),
    Case(
        "agenda A",
        lambda w: f"/meetings/{general(w).pk}/agenda/",
        A_MANAGERS,
        method="post",
        ok=(302,),
        data=lambda w: {
            "kind": "other",
            "title": "选举",
            "present": 6,
            "votes_for": 6,
            "votes_against": 0,
            "votes_abstain": 0,
        },
    ),
    Case(
        "rectification add",
        lambda w: f"/meetings/{olm(w).pk}/rectifications/",
        A_MANAGERS,
        method="post",
        ok=(302,),
        data=lambda w: {"content": "加强学习", "owner": w.members_a[2].pk, "due_on": "2026-12-31"},
    ),
    Case(
        "rectification done",
        lambda w: f"/meetings/rectifications/{rect(w).pk}/done/",
        A_MANAGERS,
        method="post",
        ok=(302,),
    ),
    Case("record file A", lambda w: f"/meetings/records/{record(w).pk}/", A_VIEWERS),
    Case("committee A", lambda w: f"/meetings/{committee(w).pk}/", A_COMMITTEE_READERS),
    Case("committee print A", lambda w: f"/meetings/{committee(w).pk}/print/", A_COMMITTEE_READERS),
    Case(
        "committee attendance A",
        lambda w: f"/meetings/{committee(w).pk}/attendance/",
        A_COMMITTEE_READERS,
    ),
    Case("committee record A", lambda w: f"/meetings/records/{committee_record(w).pk}/", A_COMMITTEE_READERS),
    Case("api committee A", lambda w: f"/api/meetings/{committee(w).pk}", A_COMMITTEE_READERS, api=True),
    Case(
        "api committee attendance A",
        lambda w: f"/api/meetings/{committee(w).pk}/attendance",
        A_COMMITTEE_READERS,
        api=True,
    ),
    Case(
        "committee leave A",
        lambda w: f"/meetings/{committee(w).pk}/leave/",
        frozenset({"secretary_a", "instructor_a"}),  # the instructor is told they are not expected
        method="post",
        data=lambda w: {"reason": "出差"},
        ok=(302,),
    ),
    # removing a record filed by mistake: whoever manages the activity (tests/meetings/test_record_removal.py)
    Case(
        "record remove A",
        lambda w: f"/meetings/records/{record(w).pk}/remove/",
        A_MANAGERS,
        method="post",
        ok=(302,),
    ),
    Case(
        "record remove lecture",
        lambda w: f"/meetings/records/{lecture_record(w).pk}/remove/",
        A_MANAGERS | {"instructor_a"},
        method="post",
        ok=(302,),
    ),
    Case("api list", lambda w: "/api/meetings/", EVERYONE, api=True),
    Case("api detail A", lambda w: f"/api/meetings/{theme(w).pk}", A_VIEWERS, api=True),
    Case("api attendance A", lambda w: f"/api/meetings/{theme(w).pk}/attendance", A_VIEWERS, api=True),
    Case(
        "api sign in",
        lambda w: "/api/meetings/signin",
        A_MEMBERS,
        method="post",
        api=True,
        denied=(400,),
        data=lambda w: {"token": services.signin_token(theme(w).pk)},
    ),
    Case(
        "api leave A",
        lambda w: f"/api/meetings/{theme(w).pk}/leave",
        A_MEMBERS,
        method="post",
        api=True,
        denied=(400, 403, 404),
        data=lambda w: {"reason": "出差"},
    ),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(PLANNERS - A_MANAGERS))
def test_create_in_branch_a_refused_by_the_form(role, world, client_for):
    response = client_for(role).post("/meetings/new/", next_week(world))
    page = response.content.decode()
    assert response.status_code == 200 and ('class="errorlist' in page or 'class="problems' in page)
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_makeup_done_by_its_member_or_for_them_by_the_secretary(world, client_for):
    task = makeup(world)  # members_a[3], who has no login in the world
    from tests.factories import UserFactory

    UserFactory(username="a3", member=world.members_a[3])
    assert client_for("member_a").post(f"/meetings/makeup/{task.pk}/done/").status_code in (403, 404)
    from django.test import Client

    c = Client()
    c.force_login(world.members_a[3].account)
    assert c.post(f"/meetings/makeup/{task.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == world.members_a[3].account
    # A member without an account: the secretary marks it, and the task says so.
    other = MakeUpTask.objects.create(
        attendance=world.members_a[5].attendance.update_or_create(
            activity=task.attendance.activity, defaults={"status": "absent"}
        )[0],
        content="学习党章",
        due_on=timezone.localdate(),
    )
    response = client_for("secretary_a").post(f"/meetings/makeup/{other.pk}/done/", follow=True)
    other.refresh_from_db()
    assert other.done_by == world.user("secretary_a") and other.done_at is not None
    assert "代为标记" in response.content.decode()


@pytest.mark.django_db
def test_group_leader_records_only_their_group(world, client_for):
    a = theme(world)
    own, other = world.members_a[7], world.members_a[1]  # group 2 (led) and group 1
    client_for("group_leader_a").post(
        f"/meetings/{a.pk}/attendance/", {f"status_{own.pk}": "present", f"status_{other.pk}": "present"}
    )
    rows = dict(Attendance.objects.filter(activity=a).values_list("member_id", "status"))
    assert rows[own.pk] == "present" and rows[other.pk] == ""
    row = Attendance.objects.get(activity=a, member=own)
    assert row.method == "group_leader" and row.entered_by == world.user("group_leader_a")


@pytest.mark.django_db
def test_member_sees_own_attendance_row_only_in_api(world, client_for):
    a = theme(world)
    rows = client_for("member_a").get(f"/api/meetings/{a.pk}/attendance").json()
    assert [r["member_id"] for r in rows] == [world.members_a[7].pk]
    assert len(client_for("secretary_a").get(f"/api/meetings/{a.pk}/attendance").json()) == 9


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member_a", "group_leader_a"])
def test_committee_meetings_are_not_listed_to_ordinary_members(role, world, client_for):
    meeting = committee(world)
    meeting.title = "研究发展对象人选"
    meeting.save()
    client = client_for(role)
    assert "研究发展对象人选" not in client.get("/meetings/").content.decode()
    month = f"{meeting.date:%Y-%m}"
    assert "研究发展对象人选" not in client.get(f"/meetings/calendar/?org=BRA&month={month}").content.decode()
    assert meeting.pk not in [a["id"] for a in client.get("/api/meetings/").json()["items"]]
    # the branch's other activities stay listed
    assert theme(world).pk in [a["id"] for a in client.get("/api/meetings/").json()["items"]]


@pytest.mark.django_db
def test_committee_meeting_listed_to_its_committee_and_the_office(world, client_for):
    meeting = committee(world)
    for role in ("secretary_a", "office", "instructor_a"):
        assert meeting.pk in [a["id"] for a in client_for(role).get("/api/meetings/").json()["items"]]
