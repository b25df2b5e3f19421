"""Every page and API call of organisations, members and accounts, for every role."""

import pytest

from tests.matrix import Case, cases_for, check
from tests.world import ROLES

MANY = frozenset({"office", "oversight", "secretary_a", "organiser_b", "instructor_a"})
TOWN_READERS = frozenset({"office", "oversight"})
A_READERS = frozenset({"office", "oversight", "secretary_a", "instructor_a"})
A_MANAGERS = frozenset({"office", "secretary_a"})
B_MANAGERS = frozenset({"office", "organiser_b"})
EVERYONE = frozenset(ROLES)

CASES = [
    Case("home", lambda w: "/", EVERYONE),
    Case("org list", lambda w: "/orgs/", MANY),
    Case("org list xlsx", lambda w: "/orgs/?format=xlsx", MANY),
    Case("town detail", lambda w: "/orgs/TOWN/", TOWN_READERS),
    Case("branch A detail", lambda w: "/orgs/BRA/", A_READERS),
    Case("branch B detail", lambda w: "/orgs/BRB/", frozenset({"office", "oversight", "organiser_b"})),
    Case("branch A edit", lambda w: "/orgs/BRA/edit/", A_MANAGERS),
    Case("new org under A", lambda w: "/orgs/new/?parent=BRA", A_MANAGERS),
    Case("position add A", lambda w: "/orgs/BRA/positions/new/", A_MANAGERS),
    Case("position end A", lambda w: f"/orgs/positions/{w.branch_a.positions.first().pk}/end/", A_MANAGERS),
    # Members without a wider view are sent to their own record.
    Case("member list", lambda w: "/members/", MANY, denied=(302,)),
    Case("member list xlsx", lambda w: "/members/?format=xlsx", MANY, denied=(302,)),
    Case("member A detail", lambda w: f"/members/{w.members_a[2].pk}/", A_READERS),
    Case("own record", lambda w: f"/members/{w.members_a[7].pk}/", A_READERS | {"member_a"}),
    Case(
        "member B detail",
        lambda w: f"/members/{w.members_b[2].pk}/",
        frozenset({"office", "oversight", "organiser_b"}),
    ),
    Case("member A edit", lambda w: f"/members/{w.members_a[2].pk}/edit/", A_MANAGERS),
    Case("member B edit", lambda w: f"/members/{w.members_b[2].pk}/edit/", B_MANAGERS),
    Case("member A transfer", lambda w: f"/members/{w.members_a[2].pk}/transfer/", A_MANAGERS),
    Case("member new", lambda w: "/members/new/", frozenset({"office", "secretary_a", "organiser_b"})),
    Case("member import", lambda w: "/members/import/", frozenset({"office", "secretary_a", "organiser_b"})),
    Case(
        "import template",
        lambda w: "/members/import/template.xlsx",
        frozenset({"office", "secretary_a", "organiser_b"}),
    ),
    Case(
        "open account A",
        lambda w: f"/members/{w.members_a[3].pk}/account/",
        A_MANAGERS,
        method="post",
        ok=(302,),
    ),
    Case("password change", lambda w: "/password/", EVERYONE),
    Case("api me", lambda w: "/api/accounts/me", EVERYONE, api=True),
    Case("api orgs", lambda w: "/api/orgs/", EVERYONE, api=True),
    Case("api org A", lambda w: "/api/orgs/BRA", A_READERS, api=True),
    Case("api members", lambda w: "/api/members/", EVERYONE, api=True),
    Case("api member A", lambda w: f"/api/members/{w.members_a[2].pk}", A_READERS, api=True),
    Case(
        "api member B",
        lambda w: f"/api/members/{w.members_b[2].pk}",
        frozenset({"office", "oversight", "organiser_b"}),
        api=True,
    ),
    Case(
        "api own record",
        lambda w: f"/api/members/{w.members_b[3].pk}",
        frozenset({"office", "oversight", "organiser_b", "member_b"}),
        api=True,
    ),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)
