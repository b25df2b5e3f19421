"""Every 党员教育 page and API call × every role: a member sees only their own record and 心得, the branch
secretary their branch, the office the town; 党建指导员 and 党小组长 read none of it."""

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.education.models import StudyNote, Training
from tests.matrix import Case, cases_for, check
from tests.world import ROLES

EVERYONE = frozenset(ROLES)
MEMBERS = EVERYONE - {"office", "oversight"}
TOWN = frozenset({"office", "oversight"})
A_READERS = TOWN | {"secretary_a"}
B_READERS = TOWN | {"organiser_b"}
A_MANAGERS = frozenset({"office", "secretary_a"})
TODAY = dt.date.today().isoformat()


@pytest.fixture(autouse=True)
def records(world):
    a, b = world.members_a, world.members_b
    StudyNote.objects.create(member=a[7], title="A心得", body="学习党章的体会")
    StudyNote.objects.create(member=b[2], title="B心得", body="学习体会")
    t = Training.objects.create(
        org=world.branch_a,
        topic="A培训",
        form="online",
        held_on=dt.date.today(),
        hours=Decimal(2),
        organiser="镇",
    )
    t.attendees.set([a[7]])


def note(title):
    return lambda w: StudyNote.objects.get(title=title).pk


def training_data(w):
    return {
        "held_on": TODAY,
        "topic": "线上学习",
        "form": "online",
        "hours": "2",
        "organiser": "镇党委",
        "attendees": [w.members_a[3].pk],
    }


def api_training(w):
    data = training_data(w) | {"org": "BRA", "attendee_ids": [w.members_a[3].pk]}
    return {k: v for k, v in data.items() if k != "attendees"}


CASES = [
    Case("index", lambda w: "/education/", EVERYONE),
    Case("branch A", lambda w: "/education/org/BRA/", A_READERS),
    Case("branch B", lambda w: "/education/org/BRB/", B_READERS),
    Case("training A (form)", lambda w: "/education/org/BRA/trainings/new/", A_MANAGERS),
    Case(
        "training A",
        lambda w: "/education/org/BRA/trainings/new/",
        A_MANAGERS,
        "post",
        training_data,
        ok=(302,),
    ),
    Case("import A (form)", lambda w: "/education/org/BRA/trainings/import/", A_MANAGERS),
    Case("import template", lambda w: "/education/org/BRA/trainings/import/?template=1", A_MANAGERS),
    Case("write note (form)", lambda w: "/education/notes/new/", MEMBERS),
    Case("note of member_a", lambda w: f"/education/notes/{note('A心得')(w)}/", A_READERS | {"member_a"}),
    Case("note B", lambda w: f"/education/notes/{note('B心得')(w)}/", B_READERS),
    Case(
        "comment on A",
        lambda w: f"/education/notes/{note('A心得')(w)}/",
        A_MANAGERS,
        "post",
        lambda w: {"comment": "写得好"},
        ok=(302,),
    ),
    Case("note file missing 404", lambda w: f"/education/notes/{note('A心得')(w)}/file/", frozenset()),
    Case(
        "record of member_a",
        lambda w: f"/education/member/{w.members_a[7].pk}/record/",
        A_READERS | {"member_a"},
    ),
    Case(
        "record xlsx",
        lambda w: f"/education/member/{w.members_a[7].pk}/record/?format=xlsx",
        A_READERS | {"member_a"},
    ),
    Case("record of B", lambda w: f"/education/member/{w.members_b[2].pk}/record/", B_READERS),
    Case(
        "api completion member_a",
        lambda w: f"/api/education/members/{w.members_a[7].pk}/completion",
        A_READERS | {"member_a"},
        api=True,
    ),
    Case(
        "api record member_a",
        lambda w: f"/api/education/members/{w.members_a[7].pk}/record",
        A_READERS | {"member_a"},
        api=True,
    ),
    Case("api branch A", lambda w: "/api/education/branches/BRA/completion", A_READERS, api=True),
    Case("api inactive A", lambda w: "/api/education/branches/BRA/inactive", A_READERS, api=True),
    Case("api trainings", lambda w: "/api/education/trainings", EVERYONE, api=True),
    Case(
        "api training A",
        lambda w: "/api/education/trainings",
        A_MANAGERS,
        "post",
        api_training,
        ok=(201,),
        api=True,
    ),
    Case("api notes", lambda w: "/api/education/notes", EVERYONE, api=True),
    Case(
        "api note A", lambda w: f"/api/education/notes/{note('A心得')(w)}", A_READERS | {"member_a"}, api=True
    ),
    Case(
        "api write note",
        lambda w: "/api/education/notes",
        MEMBERS,
        "post",
        lambda w: {"title": "心得", "body": "体会"},
        ok=(201,),
        api=True,
    ),
    Case(
        "api comment A",
        lambda w: f"/api/education/notes/{note('A心得')(w)}/comment",
        A_MANAGERS,
        "post",
        lambda w: {"comment": "好"},
        api=True,
    ),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)


@pytest.mark.django_db
def test_lists_hold_only_what_the_role_may_read(world, client_for):
    assert [n["title"] for n in client_for("member_a").get("/api/education/notes").json()["items"]] == [
        "A心得"
    ]
    assert [n["title"] for n in client_for("secretary_a").get("/api/education/notes").json()["items"]] == [
        "A心得"
    ]
    assert {n["title"] for n in client_for("office").get("/api/education/notes").json()["items"]} == {
        "A心得",
        "B心得",
    }
    assert client_for("instructor_a").get("/api/education/notes").json()["count"] == 0
    assert client_for("member_b").get("/api/education/trainings").json()["count"] == 0
    page = client_for("member_a").get(f"/members/{world.members_a[7].pk}/").content.decode()
    assert "组织生活记录" in page
    page = client_for("instructor_a").get(f"/members/{world.members_a[7].pk}/").content.decode()
    assert "组织生活记录" not in page
