"""Forms only offer, and only accept, choices inside the user's scope; account resets cannot escalate."""

import pytest

from dangjian.accounts.models import User
from dangjian.members.models import Member, Transfer
from dangjian.orgs.models import Organisation
from tests.factories import appoint

pytestmark = pytest.mark.django_db


def test_org_edit_cannot_move_out_of_scope_but_can_save_in_place(world, client_for):
    client = client_for("secretary_a")
    data = {
        "code": "BRA",
        "name": "甲村党支部（改）",
        "kind": "branch",
        "category": "village",
        "parent": world.general.pk,
        "founded_on": "2000-01-01",
    }
    response = client.post("/orgs/BRA/edit/", data)
    assert response.status_code == 302
    assert Organisation.objects.get(code="BRA").name == "甲村党支部（改）"
    response = client.post("/orgs/BRA/edit/", {**data, "parent": world.town.pk})
    assert response.status_code == 200 and "不在可选范围内" in response.content.decode()
    assert Organisation.objects.get(code="BRA").parent == world.general


def test_new_org_only_under_managed_orgs(world, client_for):
    client = client_for("secretary_a")
    data = {
        "code": "BRA-G3",
        "name": "第三党小组",
        "kind": "group",
        "category": "",
        "founded_on": "2020-01-01",
    }
    assert client.post("/orgs/new/?parent=BRA", {**data, "parent": world.branch_a.pk}).status_code == 302
    assert (
        client.post("/orgs/new/?parent=BRA", {**data, "code": "X2", "parent": world.branch_b.pk}).status_code
        == 200
    )
    assert client.get("/orgs/new/?parent=BRB").status_code == 404
    assert not Organisation.objects.filter(code="X2").exists()


def test_member_edit_offers_only_own_orgs(world, client_for):
    client = client_for("secretary_a")
    page = client.get("/members/new/").content.decode()
    assert "甲村党支部" in page and "乙企业党支部</option>" not in page.split('name="dual_org"')[0]
    data = {
        "name": "新人",
        "id_number": "110101198001010010",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": "1980-01-01",
        "joined_on": "2005-07-01",
        "confirmed_on": "2006-07-01",
        "category": "full",
        "org": world.branch_b.pk,
    }
    response = client.post("/members/new/", data)
    assert response.status_code == 200 and not Member.objects.by_id_number("110101198001010010").exists()
    response = client.post("/members/new/", {**data, "org": world.branch_a.pk, "group": world.group_a1.pk})
    assert response.status_code == 302
    assert Member.objects.by_id_number("110101198001010010").get().org == world.branch_a


def test_member_edit_cannot_move_branch_or_pick_a_foreign_group(world, client_for):
    member = world.members_b[2]
    client = client_for("organiser_b")
    data = {
        "name": member.name,
        "id_number": member.id_number,
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": member.birth_date,
        "joined_on": member.joined_on,
        "confirmed_on": member.confirmed_on,
        "category": "full",
        "status": "normal",
        "org": world.branch_a.pk,
        "group": world.group_a1.pk,
    }
    response = client.post(f"/members/{member.pk}/edit/", data)
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.org == world.branch_b and member.group is None


def test_transfer_targets_are_in_scope(world, client_for):
    member = world.members_a[2]
    response = client_for("secretary_a").post(
        f"/members/{member.pk}/transfer/", {"to_org": world.branch_b.pk, "transferred_on": "2024-01-01"}
    )
    assert response.status_code == 200 and not Transfer.objects.exists()
    response = client_for("office").post(
        f"/members/{member.pk}/transfer/", {"to_org": world.branch_b.pk, "transferred_on": "2024-01-01"}
    )
    assert response.status_code == 302 and Transfer.objects.get().to_org == world.branch_b


def test_branch_secretary_cannot_take_over_a_wider_account(world, client_for):
    """The town secretary is a member of branch A: A's secretary must not reset that login."""
    boss = world.members_a[3]
    appoint(boss, world.town, "secretary")
    boss_user = User.objects.create_user("boss", password="Old-pass-123", member=boss)
    response = client_for("secretary_a").post(f"/members/{boss.pk}/account/")
    assert response.status_code == 302
    boss_user.refresh_from_db()
    assert boss_user.check_password("Old-pass-123")
    client_for("office").post(f"/members/{boss.pk}/account/")
    boss_user.refresh_from_db()
    assert not boss_user.check_password("Old-pass-123")


def test_office_account_linked_to_a_member_is_not_reset_by_a_branch(world, client_for):
    staff = User.objects.create_user(
        "staff",
        password="Old-pass-123",
        member=world.members_a[5],
        kind=User.Kind.OFFICE,
        scope_org=world.town,
    )
    client_for("secretary_a").post(f"/members/{world.members_a[5].pk}/account/")
    staff.refresh_from_db()
    assert staff.check_password("Old-pass-123")


def test_opening_an_account_shows_the_password_once(world, client_for):
    member = world.members_a[2]
    response = client_for("secretary_a").post(f"/members/{member.pk}/account/", follow=True)
    text = response.content.decode()
    assert "初始密码 Dj-" in text
    user = User.objects.get(member=member)
    password = text.split("初始密码 ")[1].split("。")[0]
    assert user.check_password(password) and user.kind == User.Kind.MEMBER


def test_other_branch_ids_answer_404(world, client_for):
    client = client_for("secretary_a")
    other = world.members_b[2]
    for url in (
        f"/members/{other.pk}/",
        f"/members/{other.pk}/edit/",
        f"/members/{other.pk}/transfer/",
        "/orgs/BRB/",
        "/orgs/BRB/edit/",
        f"/api/members/{other.pk}",
        "/api/orgs/BRB",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/members/{other.pk}/account/").status_code == 404
    position = world.branch_b.positions.first()
    assert client.get(f"/orgs/positions/{position.pk}/end/").status_code == 404


def test_refusals_are_in_chinese(world, client_for):
    assert "页面不存在" in client_for("secretary_a").get("/orgs/BRB/").content.decode()
    assert "无权操作" in client_for("instructor_a").get("/members/new/").content.decode()
