"""Accounts are deactivated and reactivated on the member page (audited); 出党/死亡 members lose their login;
position and account changes are shown on the org and member pages."""

import pytest

from dangjian.accounts.models import User
from dangjian.members.choices import Status

from .test_audit_history import _edit_member

pytestmark = pytest.mark.django_db


def _set_active(client, member, active: bool):
    return client.post(f"/members/{member.pk}/account/active/", {"active": "1" if active else "0"})


def test_manager_deactivates_and_reactivates_a_login_and_the_page_shows_it(world, client_for):
    member = world.members_a[7]
    client = client_for("secretary_a")
    assert _set_active(client, member, False).status_code == 302
    assert not User.objects.get(username="member_a").is_active
    assert client_for("member_a").get("/").status_code == 302  # logged out: the session no longer counts
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "（已停用）" in page and "启用账号" in page
    assert _set_active(client, member, True).status_code == 302
    assert User.objects.get(username="member_a").is_active
    account_history = client.get(f"/members/{member.pk}/").content.decode().split("登录账号变更记录")[1]
    assert "停用账号" in account_history and "启用账号" in account_history and "甲0" in account_history
    assert "有效：是 → 否" in account_history


def test_a_secretary_cannot_deactivate_a_login_beyond_their_scope(world, client_for):
    town_secretary = world.members_a[3]
    from dangjian.orgs.choices import PositionTitle
    from tests.factories import appoint

    appoint(town_secretary, world.town, PositionTitle.SECRETARY)
    User.objects.create_user("town_secretary", password="x-Secret-99", member=town_secretary)
    _set_active(client_for("secretary_a"), town_secretary, False)
    assert User.objects.get(username="town_secretary").is_active
    assert _set_active(client_for("secretary_a"), world.members_a[0], False).status_code == 302
    assert User.objects.get(username="secretary_a").is_active  # not one's own login either


@pytest.mark.parametrize("status", [Status.LEFT, Status.DECEASED])
def test_departed_members_lose_their_login_and_cannot_get_one(world, client_for, status):
    member = world.members_a[7]
    _edit_member(client_for("secretary_a"), member, status=status, org=member.org_id)
    account = User.objects.get(username="member_a")
    assert not account.is_active
    assert account.history.first().history_change_reason.endswith("自动停用账号")
    assert (
        client_for("anonymous")
        .post("/login/", {"username": "member_a", "password": "Secret-pass-1"})
        .status_code
        == 200
    )
    client = client_for("secretary_a")
    client.post(f"/members/{member.pk}/account/")
    _set_active(client, member, True)
    assert not User.objects.get(username="member_a").is_active
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "重置密码" not in page and "启用账号" not in page


def test_import_closes_logins_of_departed_members(world):
    from io import BytesIO

    from dangjian.accounts.access import access_for
    from dangjian.members import importing

    from .sheets import row, xlsx_bytes

    member = world.members_a[7]
    sheet = xlsx_bytes(
        [
            row(
                姓名=member.name,
                身份证号=member.id_number,
                入党日期=f"{member.joined_on}",
                转正日期=f"{member.confirmed_on}",
                状态="死亡",
                所在党小组代码="BRA-G2",
                手机号=member.phone,
            )
        ]
    )
    importing.import_members(BytesIO(sheet), access_for(world.user("secretary_a")).manageable_orgs())
    assert not User.objects.get(username="member_a").is_active


def test_position_changes_show_on_the_org_and_member_pages(world, client_for):
    client = client_for("secretary_a")
    member = world.members_a[5]
    response = client.post(
        "/orgs/BRA/positions/new/", {"title": "propaganda", "member": member.pk, "started_on": "2024-01-01"}
    )
    assert response.status_code == 302
    position = member.positions.get()
    client.post(f"/orgs/positions/{position.pk}/end/", {"ended_on": "2025-06-30"})
    org_page = client.get("/orgs/BRA/").content.decode().split("任职变更记录")[1]
    assert f"甲村党支部 宣传委员 {member.name}" in org_page
    assert "离任日期：（空） → 2025-06-30" in org_page
    member_page = client_for("oversight").get(f"/members/{member.pk}/").content.decode()
    assert "离任日期：（空） → 2025-06-30" in member_page.split("任职变更记录")[1]


def test_account_opening_and_reset_show_on_the_member_page(world, client_for):
    member = world.members_a[6]
    client = client_for("secretary_a")
    client.post(f"/members/{member.pk}/account/")
    client.post(f"/members/{member.pk}/account/")
    history = client.get(f"/members/{member.pk}/").content.decode().split("登录账号变更记录")[1]
    assert "开通账号" in history and "重置密码" in history
    assert member.phone not in history
