"""Every page and API call of 民主评议党员 × every role (tests/matrix.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.evaluations import services
from dangjian.evaluations.models import Campaign
from tests.matrix import Case, cases_for, check

from .helpers import full_ballot, hold_meeting, open_campaign, post_data

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
MANY = frozenset({"office", "oversight", "secretary_a", "organiser_b", "instructor_a"})
A_READERS = frozenset({"office", "oversight", "secretary_a", "instructor_a"})
A_MANAGERS = frozenset({"office", "secretary_a"})
A_VOTERS = frozenset({"secretary_a", "group_leader_a", "member_a"})  # full members of branch A with a login
BRANCH_MANAGERS = frozenset({"office", "secretary_a", "organiser_b"})
SELF = {"study": "学习", "duties": "履职", "shortcomings": "不足", "plans": "改进", "self_grade": "qualified"}


@pytest.fixture
def world(world):
    """Branch A with this year's campaign open (voting running) and last year's decided one."""
    a = world.members_a
    world.campaign = open_campaign(world, allow_public=True)
    for m in (a[0], a[4], a[7]):
        services.save_self_evaluation(world.campaign, m, {"study": "草稿"}, submit=False)
    services.save_self_evaluation(world.campaign, a[2], SELF, submit=True)

    today = timezone.localdate()
    past = services.create_campaign(
        world.branch_a,
        None,
        year=today.year - 1,
        self_opens_on=today - dt.timedelta(days=40),
        self_closes_on=today - dt.timedelta(days=30),
        vote_opens_on=today - dt.timedelta(days=1),
        vote_closes_on=today + dt.timedelta(days=1),
        meeting_date=today - dt.timedelta(days=1),
    )
    services.open_campaign(past)
    for voter in a[:5]:
        services.cast_ballot(
            past, full_ballot(past, "qualified", **{f"m{a[3].pk}": "unqualified"}), member=voter
        )
    services.close_vote(past)
    hold_meeting(past, days=-1)
    decision = services.decide(
        past, a[3], "unqualified", services.DecisionInput("unqualified", "长期不参加组织生活")
    )
    services.set_disposal(decision, "correct", None, "pending", "")
    world.past = Campaign.objects.get(pk=past.pk)
    world.draft = services.create_campaign(
        world.branch_a,
        None,
        year=today.year + 1,
        self_opens_on=today,
        self_closes_on=today,
        vote_opens_on=today,
        vote_closes_on=today,
    )
    return world


def api_ballot(w):
    return {"grades": [{"member_id": m, "grade": g} for m, (g, _) in full_ballot(w.campaign).items()]}


C = "/evaluations/{}/"
CASES = [
    Case("list", lambda w: "/evaluations/", EVERYONE),
    Case("new", lambda w: "/evaluations/new/", BRANCH_MANAGERS),
    Case("detail A", lambda w: C.format(w.campaign.pk), A_READERS | {"group_leader_a", "member_a"}),
    Case("edit A", lambda w: C.format(w.campaign.pk) + "edit/", A_MANAGERS),
    Case("close A", lambda w: C.format(w.campaign.pk) + "do/close/", A_MANAGERS, method="post", ok=(302,)),
    Case(
        "finalise past", lambda w: C.format(w.past.pk) + "do/finalise/", A_MANAGERS, method="post", ok=(302,)
    ),
    Case("codes A", lambda w: C.format(w.campaign.pk) + "codes/", A_MANAGERS),
    Case(
        "exclude in draft",
        lambda w: C.format(w.draft.pk) + f"exclude/{w.members_a[6].pk}/",
        A_MANAGERS,
        method="post",
        data=lambda w: {"reason": "受留党察看处分"},
        ok=(302,),
    ),
    Case(
        "codes A make",
        lambda w: C.format(w.campaign.pk) + "codes/",
        A_MANAGERS,
        method="post",
        data=lambda w: {"count": 2},
    ),
    Case("my self-evaluation", lambda w: C.format(w.campaign.pk) + "self/", A_VOTERS),
    Case(
        "my self-evaluation save",
        lambda w: C.format(w.campaign.pk) + "self/",
        A_VOTERS,
        method="post",
        data=lambda w: {"study": "改", "draft": "1"},
        ok=(302,),
    ),
    # before the 党员大会 a member may not read another member's self-evaluation
    Case(
        "other's self-evaluation", lambda w: C.format(w.campaign.pk) + f"self/{w.members_a[2].pk}/", A_READERS
    ),
    Case("vote page", lambda w: C.format(w.campaign.pk) + "vote/", A_VOTERS),
    Case(
        "vote",
        lambda w: C.format(w.campaign.pk) + "vote/",
        A_VOTERS,
        method="post",
        data=lambda w: post_data(w.campaign),
    ),
    Case("tally past", lambda w: C.format(w.past.pk) + "tally/", A_READERS),
    Case(
        "decide past",
        lambda w: C.format(w.past.pk) + f"decide/{w.members_a[5].pk}/",
        A_MANAGERS,
        method="post",
        data=lambda w: {"grade": "qualified"},
        ok=(302,),
    ),
    Case("disposal past", lambda w: C.format(w.past.pk) + f"disposal/{w.members_a[3].pk}/", A_MANAGERS),
    Case("unqualified list", lambda w: "/evaluations/unqualified/", MANY),
    Case("unqualified xlsx", lambda w: "/evaluations/unqualified/?format=xlsx", MANY),
    Case("register docx", lambda w: C.format(w.past.pk) + "export/register.docx", A_READERS),
    Case("self pdf", lambda w: C.format(w.past.pk) + "export/self.pdf", A_READERS),
    Case("assessment docx", lambda w: C.format(w.past.pk) + "export/assessment.docx", A_READERS),
    Case("excellent xlsx", lambda w: C.format(w.past.pk) + "export/excellent.xlsx", A_READERS),
    Case("unqualified docx", lambda w: C.format(w.past.pk) + "export/unqualified.docx", A_READERS),
    Case("api list", lambda w: "/api/evaluations/", EVERYONE, api=True),
    Case(
        "api detail",
        lambda w: f"/api/evaluations/{w.campaign.pk}",
        A_READERS | {"group_leader_a", "member_a"},
        api=True,
    ),
    Case("api self", lambda w: f"/api/evaluations/{w.campaign.pk}/self", A_VOTERS, api=True),
    Case(
        "api self save",
        lambda w: f"/api/evaluations/{w.campaign.pk}/self",
        A_VOTERS,
        api=True,
        method="post",
        data=lambda w: {"study": "改"},
    ),
    Case(
        "api ballot",
        lambda w: f"/api/evaluations/{w.campaign.pk}/ballot",
        A_VOTERS,
        api=True,
        method="post",
        data=api_ballot,
    ),
    Case("api tally", lambda w: f"/api/evaluations/{w.past.pk}/tally", A_READERS, api=True),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)


@pytest.mark.django_db
def test_members_see_nothing_of_who_voted_what(world, client_for):
    """Even the secretary and the office: pages show counts, never a ballot with a name."""
    client_for("member_a").post(f"/evaluations/{world.campaign.pk}/vote/", post_data(world.campaign, "basic"))
    for role in ("secretary_a", "office"):
        page = client_for(role).get(f"/evaluations/{world.campaign.pk}/").content.decode()
        assert "党员已投票" in page and "基本合格" not in page.split("参评名单")[0]
