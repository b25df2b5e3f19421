"""Every page and API call of organisations, members and accounts, for every role."""

import pytest

from tests.matrix import Case, cases_for, check
from tests.world import ROLES

from .sheets import row, upload, valid_id, xlsx_bytes

MANY = frozenset({"office", "oversight", "secretary_a", "organiser_b", "instructor_a"})
TOWN_READERS = frozenset({"office", "oversight"})
A_READERS = frozenset({"office", "oversight", "secretary_a", "instructor_a"})
A_MANAGERS = frozenset({"office", "secretary_a"})
B_MANAGERS = frozenset({"office", "organiser_b"})
EVERYONE = frozenset(ROLES)
ANY_MANAGER = frozenset({"office", "secretary_a", "organiser_b"})


def _org_data(w, org, **changes):
    data = {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "category": org.category,
        "parent": org.parent_id or "",
        "founded_on": "2000-01-01",
    }
    return {**data, **changes}


def _member_data(m, **changes):
    data = {
        "name": m.name,
        "id_number": m.id_number,
        "gender": m.gender,
        "ethnicity": "汉族",
        "birth_date": m.birth_date,
        "phone": m.phone,
        "joined_on": m.joined_on,
        "confirmed_on": m.confirmed_on,
        "category": m.category,
        "status": m.status,
        "group": m.group_id or "",
    }
    return {**data, **changes}


def _new_member(org_id):
    return {
        "name": "新党员",
        "id_number": valid_id(seq=77),
        "birth_date": "1980-01-01",
        "gender": "M",
        "ethnicity": "汉族",
        "joined_on": "2005-07-01",
        "confirmed_on": "2006-07-01",
        "category": "full",
        "org": org_id,
    }


def _position(member):
    return {"title": "propaganda", "member": member.pk, "started_on": "2024-01-01"}


CASES = [
    Case("home", lambda w: "/", EVERYONE),
    # the organisation filter's names: every login, its own scope only (tests/foundation/test_org_picker.py)
    Case("org options", lambda w: "/org-options/?q=村", EVERYONE),
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
    Case(
        "open account B",
        lambda w: f"/members/{w.members_b[2].pk}/account/",
        B_MANAGERS,
        method="post",
        ok=(302,),
    ),
    Case(
        "deactivate account A",
        lambda w: f"/members/{w.members_a[7].pk}/account/active/",
        A_MANAGERS,
        method="post",
        data=lambda w: {"active": "0"},
        ok=(302,),
    ),
    # Form submissions. A manager's POST naming another branch's id is refused by the form (200, shown
    # again with the error) -- see test_foreign_ids_in_posts_change_nothing below.
    Case(
        "branch A edit POST",
        lambda w: "/orgs/BRA/edit/",
        A_MANAGERS,
        "post",
        lambda w: _org_data(w, w.branch_a),
        (302,),
    ),
    Case(
        "branch B edit POST",
        lambda w: "/orgs/BRB/edit/",
        B_MANAGERS,
        "post",
        lambda w: _org_data(w, w.branch_b),
        (302,),
    ),
    Case(
        "new group under A POST",
        lambda w: "/orgs/new/?parent=BRA",
        A_MANAGERS,
        "post",
        lambda w: _org_data(w, w.group_a1, code="BRA-G3", name="第三党小组", parent=w.branch_a.pk),
        (302,),
    ),
    Case(
        "position add A POST",
        lambda w: "/orgs/BRA/positions/new/",
        A_MANAGERS,
        "post",
        lambda w: _position(w.members_a[5]),
        (302,),
    ),
    Case(
        "position end A POST",
        lambda w: f"/orgs/positions/{w.branch_a.positions.first().pk}/end/",
        A_MANAGERS,
        "post",
        lambda w: {"ended_on": "2025-12-31"},
        (302,),
    ),
    Case(
        "position end B POST",
        lambda w: f"/orgs/positions/{w.branch_b.positions.first().pk}/end/",
        B_MANAGERS,
        "post",
        lambda w: {"ended_on": "2025-12-31"},
        (302,),
    ),
    Case(
        "member A edit POST",
        lambda w: f"/members/{w.members_a[2].pk}/edit/",
        A_MANAGERS,
        "post",
        lambda w: _member_data(w.members_a[2], work_unit="甲村"),
        (302,),
    ),
    Case(
        "member B edit POST",
        lambda w: f"/members/{w.members_b[2].pk}/edit/",
        B_MANAGERS,
        "post",
        lambda w: _member_data(w.members_b[2], work_unit="乙厂"),
        (302,),
    ),
    Case(
        "member new in A POST",
        lambda w: "/members/new/",
        A_MANAGERS,
        "post",
        lambda w: _new_member(w.branch_a.pk),
        (302,),
        denied=(200, 403),
    ),
    Case(
        "member A transfer to B POST",
        lambda w: f"/members/{w.members_a[2].pk}/transfer/",
        frozenset({"office"}),
        "post",
        lambda w: {"to_org": w.branch_b.pk, "transferred_on": "2025-01-01"},
        (302,),
        denied=(200, 403, 404),
    ),
    Case(
        "member import POST",
        lambda w: "/members/import/",
        A_MANAGERS,
        "post",
        lambda w: {"file": upload(xlsx_bytes([row(身份证号=valid_id(seq=79))]))},
        (302,),
        denied=(200, 403),
    ),
    Case("member list full xlsx", lambda w: "/members/?format=xlsx&full=1", MANY, denied=(302,)),
    Case("password change", lambda w: "/password/", EVERYONE),
    Case("password changed", lambda w: "/password/done/", EVERYONE),
    Case(
        "password change POST",
        lambda w: "/password/",
        EVERYONE,
        "post",
        lambda w: {
            "old_password": "Secret-pass-1",
            "new_password1": "Neues-pass-42",
            "new_password2": "Neues-pass-42",
        },
        (302,),
    ),
    Case("2fa setup", lambda w: "/2fa/setup/", TOWN_READERS),
    Case("2fa setup POST", lambda w: "/2fa/setup/", TOWN_READERS, "post", lambda w: {"code": "000000"}),
    # The second login step belongs to a session that passed the password step only; a logged-in one is
    # sent back to the login page.
    Case("2fa verify", lambda w: "/2fa/verify/", frozenset(), denied=(302,)),
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


FOREIGN = [
    # (who, url, POST data naming something outside their scope, what must stay unchanged)
    (
        "secretary_a",
        "/members/new/",
        lambda w: _new_member(w.branch_b.pk),
        lambda w: w.branch_b.members.count(),
    ),
    (
        "secretary_a",
        lambda w: f"/members/{w.members_a[2].pk}/transfer/",
        lambda w: {"to_org": w.branch_b.pk, "transferred_on": "2025-01-01"},
        lambda w: w.branch_b.members.count(),
    ),
    (
        "secretary_a",
        "/orgs/BRA/positions/new/",
        lambda w: _position(w.members_b[2]),
        lambda w: w.members_b[2].positions.count(),
    ),
    (
        "secretary_a",
        "/orgs/BRA/edit/",
        lambda w: _org_data(w, w.branch_a, parent=w.town.pk),
        lambda w: type(w.branch_a).objects.get(pk=w.branch_a.pk).parent_id,
    ),
    (
        "secretary_a",
        "/orgs/new/?parent=BRA",
        lambda w: _org_data(w, w.group_a1, code="X-NEW", name="外党小组", parent=w.branch_b.pk),
        lambda w: w.branch_b.children.count(),
    ),
    (
        "organiser_b",
        lambda w: f"/members/{w.members_b[2].pk}/edit/",
        lambda w: _member_data(w.members_b[2], group=w.group_a1.pk),
        lambda w: type(w.members_b[2]).objects.get(pk=w.members_b[2].pk).group_id,
    ),
    (
        "organiser_b",
        "/members/import/",
        lambda w: {"file": upload(xlsx_bytes([row(身份证号=valid_id(seq=81))]))},
        lambda w: w.branch_a.members.count(),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role,url,data,unchanged", FOREIGN)
def test_foreign_ids_in_posts_change_nothing(role, url, data, unchanged, world, client_for):
    url = url(world) if callable(url) else url
    before = unchanged(world)
    response = client_for(role).post(url, data(world))
    assert response.status_code in (200, 403, 404), (url, response.status_code)
    assert unchanged(world) == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES])
def test_full_number_export_per_role(role, world, client_for):
    """full=1 gives full numbers only of the members the role runs; everyone else gets masked ones."""
    from io import BytesIO

    from openpyxl import load_workbook

    from dangjian.core import xlsx

    response = client_for(role).get("/members/", {"format": "xlsx", "full": "1"})
    if role not in MANY:
        assert response.status_code == 302
        return
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    rows = rows[xlsx.TITLE_ROWS + 1 :]
    managed = {
        "office": world.members_a + world.members_b,
        "secretary_a": world.members_a,
        "organiser_b": world.members_b,
    }.get(role, [])
    full = {r[1] for r in rows if "*" not in r[1]}
    assert full == {m.id_number for m in managed}
    assert rows
