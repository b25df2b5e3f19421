"""Every 谈心谈话 page and API call × every role."""

import datetime as dt

import pytest

from dangjian.talks.models import Talk
from tests.matrix import Case, cases_for, check
from tests.world import ROLES

EVERYONE = frozenset(ROLES)
A_READERS = frozenset({"office", "oversight", "secretary_a", "instructor_a"})
B_READERS = frozenset({"office", "oversight", "organiser_b"})
A_MANAGERS = frozenset({"office", "secretary_a"})
A_MEMBERS = frozenset({"secretary_a", "group_leader_a", "member_a"})
# Both the group leader and member_a take part in the posted talk, so each of them may record it.
A_RECORDERS = frozenset({"office", "secretary_a", "group_leader_a", "member_a"})
B_MEMBERS = frozenset({"organiser_b", "member_b", "instructor_a"})  # the instructor belongs to branch B
YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


def talk(w, label: str) -> Talk:
    return Talk.objects.get(topics=label)


@pytest.fixture(autouse=True)
def talks(world, make_talk):
    a, b = world.members_a, world.members_b
    make_talk(world.branch_a, a[0], a[7], created_by=world.user("secretary_a"), topics="A书记与member_a")
    make_talk(world.branch_a, a[7], a[6], created_by=world.user("member_a"), topics="A member_a自录")
    make_talk(world.branch_a, a[2], a[3], topics="A他人")
    make_talk(world.branch_b, b[0], b[3], topics="B书记与member_b")


def page_data(w):
    return {
        "initiator": w.members_a[4].pk,
        "partner": w.members_a[7].pk,
        "talked_on": YESTERDAY,
        "form": "in_person",
        "topics": "谈思想",
    }


def api_data(w):
    return {
        "org": "BRA",
        "initiator_id": w.members_a[4].pk,
        "partner_id": w.members_a[7].pk,
        "talked_on": YESTERDAY,
        "topics": "谈思想",
    }


def edit_data(w):
    t = talk(w, "A书记与member_a")
    return {
        "initiator": t.initiator_id,
        "partner": t.partner_id,
        "talked_on": YESTERDAY,
        "form": "phone",
        "topics": "改过的内容",
    }


CASES = [
    Case("index", lambda w: "/talks/", EVERYONE),
    Case("index last year", lambda w: f"/talks/?year={dt.date.today().year - 1}", EVERYONE),
    Case("branch A list", lambda w: "/talks/org/BRA/", A_READERS),
    Case("branch A list by member", lambda w: f"/talks/org/BRA/?member={w.members_a[7].pk}", A_READERS),
    Case("branch A xlsx", lambda w: "/talks/org/BRA/?format=xlsx", A_READERS),
    Case("branch B list", lambda w: "/talks/org/BRB/", B_READERS),
    Case("branch A coverage", lambda w: "/talks/org/BRA/coverage/", A_READERS),
    Case("branch B coverage", lambda w: "/talks/org/BRB/coverage/", B_READERS),
    Case("group list 404", lambda w: "/talks/org/BRA-G1/", frozenset()),
    Case("record in A (form)", lambda w: "/talks/org/BRA/new/", A_MANAGERS | A_MEMBERS),
    Case("record in B (form)", lambda w: "/talks/org/BRB/new/", frozenset({"office"}) | B_MEMBERS),
    Case("record in A", lambda w: "/talks/org/BRA/new/", A_RECORDERS, "post", page_data, ok=(302,)),
    Case(
        "talk A with member_a", lambda w: f"/talks/{talk(w, 'A书记与member_a').pk}/", A_READERS | {"member_a"}
    ),
    Case("talk A others", lambda w: f"/talks/{talk(w, 'A他人').pk}/", A_READERS),
    Case("talk B", lambda w: f"/talks/{talk(w, 'B书记与member_b').pk}/", B_READERS | {"member_b"}),
    Case("edit talk A (form)", lambda w: f"/talks/{talk(w, 'A书记与member_a').pk}/edit/", A_MANAGERS),
    Case(
        "edit own entry (form)",
        lambda w: f"/talks/{talk(w, 'A member_a自录').pk}/edit/",
        A_MANAGERS | {"member_a"},
    ),
    Case(
        "edit talk A",
        lambda w: f"/talks/{talk(w, 'A书记与member_a').pk}/edit/",
        A_MANAGERS,
        method="post",
        data=edit_data,
        ok=(302,),
    ),
    Case("api list", lambda w: "/api/talks/", EVERYONE, api=True),
    Case(
        "api talk A with member_a",
        lambda w: f"/api/talks/{talk(w, 'A书记与member_a').pk}",
        A_READERS | {"member_a"},
        api=True,
    ),
    Case("api talk A others", lambda w: f"/api/talks/{talk(w, 'A他人').pk}", A_READERS, api=True),
    Case(
        "api talk B",
        lambda w: f"/api/talks/{talk(w, 'B书记与member_b').pk}",
        B_READERS | {"member_b"},
        api=True,
    ),
    Case("api coverage A", lambda w: "/api/talks/coverage/BRA", A_READERS, api=True),
    Case("api coverage B", lambda w: "/api/talks/coverage/BRB", B_READERS, api=True),
    Case("api record in A", lambda w: "/api/talks/", A_RECORDERS, "post", api_data, ok=(201,), api=True),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)
