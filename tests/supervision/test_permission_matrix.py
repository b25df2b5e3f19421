"""Every supervision page and API call × every role: the office and 上级 read the signals, only the office
dismisses; branches, instructors and members never see them (see tests/matrix.py)."""

import pytest

from tests.matrix import Case, cases_for, check

from .helpers import signal_of

TOWN = frozenset({"office", "oversight"})
OFFICE = frozenset({"office"})
REASON = {"reason": "已核实：两次活动确为联合召开。"}


def copied(w):
    return signal_of(w, "copied_minutes")


CASES = [
    Case("desk", lambda w: "/supervision/", TOWN),
    Case("desk filtered", lambda w: "/supervision/?kind=copied_minutes&org=BRB&period=2025", TOWN),
    Case("signal detail", lambda w: f"/supervision/{copied(w).pk}/", TOWN),
    Case(
        "dismiss",
        lambda w: f"/supervision/{copied(w).pk}/dismiss/",
        OFFICE,
        method="post",
        data=lambda w: REASON,
        ok=(302,),
    ),
    Case("api list", lambda w: "/api/supervision/signals", TOWN, api=True),
    Case("api detail", lambda w: f"/api/supervision/signals/{copied(w).pk}", TOWN, api=True),
    Case(
        "api dismiss",
        lambda w: f"/api/supervision/signals/{copied(w).pk}/dismiss",
        OFFICE,
        method="post",
        data=lambda w: REASON,
        api=True,
    ),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)
