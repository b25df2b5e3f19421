"""Every change to an organisation, member, position or account is kept with who, when and what."""

import pytest

from dangjian.accounts.models import User

pytestmark = pytest.mark.django_db


def _edit_member(client, member, **changes):
    data = {
        "name": member.name,
        "id_number": member.id_number,
        "gender": member.gender,
        "ethnicity": "汉族",
        "birth_date": member.birth_date,
        "phone": member.phone,
        "joined_on": member.joined_on,
        "confirmed_on": member.confirmed_on,
        "category": member.category,
        "status": member.status,
        "work_unit": member.work_unit,
        "group": member.group_id or "",
    }
    data.update(changes)
    response = client.post(f"/members/{member.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_member_page_shows_who_changed_what(world, client_for):
    member = world.members_a[2]
    _edit_member(client_for("secretary_a"), member, work_unit="甲村村委会", phone="13700000001")
    html = client_for("secretary_a").get(f"/members/{member.pk}/").content.decode()
    assert "甲0" in html.split("变更记录")[1]  # the secretary's name as the author
    assert "工作单位及职务：（空） → 甲村村委会" in html
    assert "手机号：" in html and "13700000001" in html


def test_sensitive_values_in_history_are_masked_for_readers(world, client_for):
    member = world.members_a[2]
    old_phone = member.phone
    _edit_member(client_for("secretary_a"), member, phone="13700000001")
    html = client_for("oversight").get(f"/members/{member.pk}/").content.decode()
    assert "13700000001" not in html and old_phone not in html
    assert "137****0001" in html


def test_org_page_shows_changes(world, client_for):
    client = client_for("office")
    data = {
        "code": "BRB",
        "name": "乙企业党支部（新）",
        "kind": "branch",
        "category": "enterprise",
        "parent": world.town.pk,
        "founded_on": "2000-01-01",
    }
    assert client.post("/orgs/BRB/edit/", data).status_code == 302
    html = client.get("/orgs/BRB/").content.decode()
    assert "名称：乙企业党支部 → 乙企业党支部（新）" in html
    assert "office" in html.split("变更记录")[1]


def test_positions_and_accounts_keep_history(world, client_for):
    client = client_for("secretary_a")
    response = client.post(
        "/orgs/BRA/positions/new/",
        {"title": "propaganda", "member": world.members_a[3].pk, "started_on": "2024-01-01"},
    )
    assert response.status_code == 302
    position = world.branch_a.positions.get(title="propaganda")
    assert position.history.get().history_user == world.user("secretary_a")
    client.post(f"/members/{world.members_a[3].pk}/account/")
    account = User.objects.get(member=world.members_a[3])
    assert account.history.get().history_user == world.user("secretary_a")
    assert "password" not in {f.name for f in account.history.model._meta.fields}


def test_logins_write_no_history_row(world, client):
    from tests.world import PASSWORD

    account = world.user("secretary_a")
    before = account.history.count()
    for _ in range(3):
        assert client.post("/login/", {"username": "secretary_a", "password": PASSWORD}).status_code == 302
        client.logout()
    account.refresh_from_db()
    assert account.last_login is not None
    assert account.history.count() == before


def test_history_shows_local_time_in_chinese_and_no_empty_changes(world, client_for):
    import datetime as dt

    import time_machine

    member = world.members_a[2]
    with time_machine.travel(dt.datetime(2026, 12, 3, 6, 5, tzinfo=dt.UTC), tick=False):
        _edit_member(client_for("secretary_a"), member, work_unit="甲村村委会")
    member.refresh_from_db()
    member.save()  # a save that changes nothing recorded, as older logins did to accounts
    account = world.user("member_a")
    account.save()
    html = client_for("secretary_a").get(f"/members/{member.pk}/").content.decode()
    assert "2026年12月3日 14:05" in html  # 06:05 UTC is 14:05 in Asia/Shanghai
    assert "工作单位及职务：（空） → 甲村村委会" in html
    assert "无字段变化" not in html
    html = client_for("secretary_a").get(f"/members/{account.member_id}/").content.decode()
    assert "无字段变化" not in html
