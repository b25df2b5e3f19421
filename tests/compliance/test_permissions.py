"""Every compliance page and API call × every role: office the town, secretaries their branch."""

import pytest

from tests.matrix import Case, cases_for, check

TOWN = frozenset({"office", "oversight"})
# Readers of branch A: the town, its secretary, and its 党建指导员 (who reads the branches they guide).
A_READERS = frozenset({"office", "oversight", "secretary_a", "instructor_a"})
B_READERS = frozenset({"office", "oversight", "organiser_b"})
ANY_VIEW = frozenset({"office", "oversight", "secretary_a", "organiser_b", "instructor_a"})

CASES = [
    Case("dashboard", lambda w: "/compliance/?year=2025", ANY_VIEW),
    Case("dashboard town", lambda w: "/compliance/?org=TOWN&year=2025", TOWN),
    Case("dashboard xlsx", lambda w: "/compliance/?org=TOWN&year=2025&format=xlsx", TOWN),
    Case("dashboard matrix page", lambda w: "/compliance/?org=TOWN&page=2&part=matrix&q=党支部", TOWN),
    Case(
        "my branch",
        lambda w: "/compliance/mine/",
        frozenset({"office", "secretary_a", "organiser_b"}),
        ok=(302,),
    ),
    Case("branch A page", lambda w: "/compliance/org/BRA/?year=2025", A_READERS),
    Case("branch B page", lambda w: "/compliance/org/BRB/?year=2025", B_READERS),
    Case("branch A verdict", lambda w: "/compliance/org/BRA/theme_day/?period=2025-Q1", A_READERS),
    Case("api branch A", lambda w: "/api/compliance/orgs/BRA?year=2025", A_READERS, api=True),
    Case("api branch B", lambda w: "/api/compliance/orgs/BRB?year=2025", B_READERS, api=True),
    Case("api matrix town", lambda w: "/api/compliance/matrix/TOWN?year=2025", TOWN, api=True),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)
