"""Every page and API call of record review (会议记录审阅) × every role: the office reviews, 上级 reads,
branch A's leaders read their own reviews and send corrections; nobody else sees them."""

import pytest

from tests.matrix import Case, cases_for, check

from .review_helpers import review_in, reviewed_activity

READ = frozenset({"office", "oversight", "secretary_a"})
LISTS = frozenset({"office", "oversight", "secretary_a", "organiser_b"})
OFFICE = frozenset({"office"})
BRANCH_A = frozenset({"secretary_a"})


def opened(w):
    return review_in(w, "open")


def returned(w):
    return review_in(w, "returned")


CASES = [
    Case("review list", lambda w: "/supervision/reviews/", LISTS),
    Case("review list by state", lambda w: "/supervision/reviews/?state=returned", LISTS),
    Case("review detail", lambda w: f"/supervision/reviews/{opened(w).pk}/", READ),
    Case(
        "review start",
        lambda w: f"/supervision/reviews/start/{reviewed_activity(w).pk}/",
        OFFICE,
        method="post",
        data=lambda w: {"reason": "主动抽审"},
        ok=(302,),
    ),
    Case(
        "review decide",
        lambda w: f"/supervision/reviews/{opened(w).pk}/decide/",
        OFFICE,
        method="post",
        data=lambda w: {"decision": "pass"},
        ok=(302,),
    ),
    Case(
        "review resubmit",
        lambda w: f"/supervision/reviews/{returned(w).pk}/resubmit/",
        BRANCH_A,
        method="post",
        data=lambda w: {"note": "已补传签到表。"},
        ok=(302,),
    ),
    Case("api reviews", lambda w: "/api/supervision/reviews", LISTS, api=True),
    Case("api review queue", lambda w: "/api/supervision/reviews/queue", OFFICE, api=True),
    Case("api review", lambda w: f"/api/supervision/reviews/{opened(w).pk}", READ, api=True),
    Case(
        "api review start",
        lambda w: "/api/supervision/reviews",
        OFFICE,
        method="post",
        data=lambda w: {"activity_id": reviewed_activity(w).pk},
        api=True,
    ),
    Case(
        "api review decide",
        lambda w: f"/api/supervision/reviews/{opened(w).pk}/decide",
        OFFICE,
        method="post",
        data=lambda w: {"passed": True},
        api=True,
    ),
    Case(
        "api review resubmit",
        lambda w: f"/api/supervision/reviews/{returned(w).pk}/resubmit",
        BRANCH_A,
        method="post",
        data=lambda w: {"note": "已补传签到表。"},
        api=True,
    ),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)
