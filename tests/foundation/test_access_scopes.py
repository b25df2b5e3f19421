"""access_for(user) for every role: which organisations and members it sees, and who sees full ID numbers."""

import pytest

from dangjian.accounts.access import access_for

pytestmark = pytest.mark.django_db

ALL = {"TOWN", "GEN", "BRA", "BRB", "BRA-G1", "BRA-G2"}
EXPECTED_ORGS = {
    "office": (ALL, ALL),
    "oversight": (ALL, set()),
    "secretary_a": ({"BRA", "BRA-G1", "BRA-G2"}, {"BRA", "BRA-G1", "BRA-G2"}),
    "organiser_b": ({"BRB"}, {"BRB"}),
    "instructor_a": ({"BRA", "BRA-G1", "BRA-G2"}, set()),
    "group_leader_a": (set(), set()),
    "member_a": (set(), set()),
    "member_b": (set(), set()),
}


@pytest.mark.parametrize("role", EXPECTED_ORGS)
def test_visible_and_manageable_orgs(world, role):
    access = access_for(world.user(role))
    visible, manageable = EXPECTED_ORGS[role]
    assert set(access.visible_orgs().values_list("code", flat=True)) == visible
    assert set(access.manageable_orgs().values_list("code", flat=True)) == manageable


def test_visible_members(world):
    a = {m.pk for m in world.members_a}
    b = {m.pk for m in world.members_b}
    expected = {
        "office": a | b,
        "oversight": a | b,
        "secretary_a": a,
        "organiser_b": b,
        "instructor_a": a | {world.members_b[4].pk},
        "group_leader_a": {world.members_a[4].pk},
        "member_a": {world.members_a[7].pk},
        "member_b": {world.members_b[3].pk},
    }
    for role, pks in expected.items():
        assert set(access_for(world.user(role)).visible_members().values_list("pk", flat=True)) == pks, role


def test_dual_org_makes_a_leading_cadre_visible_there(world):
    cadre = world.members_b[2]
    cadre.is_leading_cadre, cadre.dual_org = True, world.branch_a
    cadre.save()
    secretary = access_for(world.user("secretary_a"))
    assert secretary.visible_members().filter(pk=cadre.pk).exists()
    assert not secretary.can_manage_member(cadre) and not secretary.can_see_sensitive(cadre)


def test_roles_and_lecture(world):
    instructor = access_for(world.user("instructor_a"))
    assert instructor.lecture == {world.branch_a.pk} and not instructor.is_manager
    assert access_for(world.user("group_leader_a")).lead_groups == {world.group_a2.pk}
    assert access_for(world.user("secretary_a")).role_labels() == ["支部书记/组织委员", "党员"]


def test_ended_position_and_inactive_member_lose_access(world):
    position = world.branch_a.positions.get(member=world.members_a[0])
    position.ended_on = position.started_on
    position.save()
    assert not access_for(world.user("secretary_a").__class__.objects.get(username="secretary_a")).is_manager
    member = world.members_b[1]
    member.status = "left"
    member.save()
    organiser = world.user("organiser_b").__class__.objects.get(username="organiser_b")
    assert access_for(organiser).visible_members().count() == 0


SENSITIVE = {
    "office": True,
    "secretary_a": True,
    "oversight": False,
    "instructor_a": False,
    "group_leader_a": False,
    "member_a": False,
}


@pytest.mark.parametrize("role, full", SENSITIVE.items())
def test_detail_page_and_api_mask_for_non_managers(world, client_for, role, full):
    member = world.members_a[2]
    client = client_for(role)
    page = client.get(f"/members/{member.pk}/")
    api = client.get(f"/api/members/{member.pk}")
    if role in ("member_a", "group_leader_a"):  # another member of the branch (and group): not visible at all
        assert page.status_code == 404 and api.status_code == 404
        return
    html = page.content.decode()
    assert (member.id_number in html) is full and (member.masked_id_number in html) is not full
    assert (member.phone in html) is full
    data = api.json()
    assert data["id_number"] == (member.id_number if full else member.masked_id_number)
    assert data["phone"] == (member.phone if full else member.masked_phone)


def test_member_sees_own_full_numbers(world, client_for):
    me = world.members_a[7]
    html = client_for("member_a").get(f"/members/{me.pk}/").content.decode()
    assert me.id_number in html and me.phone in html
    assert client_for("member_a").get(f"/api/members/{me.pk}").json()["id_number"] == me.id_number


def test_list_pages_and_api_list_never_show_full_numbers(world, client_for):
    html = client_for("secretary_a").get("/members/").content.decode()
    for member in world.members_a:
        assert member.id_number not in html and member.masked_id_number in html
    rows = client_for("oversight").get("/api/members/", {"limit": 100}).json()["items"]
    assert len(rows) == 14 and all("*" in r["id_number"] for r in rows)


def test_an_instructor_of_600_branches_gets_pages_not_an_expression_tree_error(world, client_for):
    """SQLite refuses expression trees deeper than 1000: hundreds of scopes must not become one OR each."""
    from dangjian.orgs.choices import OrgKind, PositionTitle
    from dangjian.orgs.models import Organisation, Position

    branches = Organisation.objects.bulk_create(
        Organisation(code=f"MANY{n}", name=f"第{n}党支部", kind=OrgKind.BRANCH, parent=world.town)
        for n in range(600)
    )
    for branch in branches:
        branch.path = f"{world.town.path}{branch.pk}/"
    Organisation.objects.bulk_update(branches, ["path"])
    instructor = world.members_b[4]
    Position.objects.bulk_create(
        Position(member=instructor, org=b, title=PositionTitle.INSTRUCTOR, started_on=world.town.founded_on)
        for b in branches
    )
    access = access_for(world.user("instructor_a"))
    assert len(access.view) == 601
    assert access.visible_orgs().count() == 603  # BRA with its two groups, and the 600
    assert set(access.visible_members()) == set(world.members_a) | {instructor}
    client = client_for("instructor_a")
    for url in ("/members/", "/api/members/", "/orgs/", "/api/orgs/"):
        assert client.get(url).status_code == 200, url
