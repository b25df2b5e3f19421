"""A fresh production install: create-town, create-account, and the admin with masked members."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts.access import access_for
from dangjian.accounts.models import User
from dangjian.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def _create_account(monkeypatch, *args, password="Town-office-2026"):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create-account", *args, stdout=out)
    return out.getvalue()


def test_fresh_install_gets_a_town_and_an_office_login(monkeypatch, client):
    out = io.StringIO()
    call_command("create-town", "SDS", "中共神鼎山镇委员会", "--founded", "1950-10-01", stdout=out)
    assert "已新建镇党委“中共神鼎山镇委员会”" in out.getvalue()
    town = Organisation.objects.get(code="SDS", parent=None, kind="town")
    assert "党建办" in _create_account(monkeypatch, "bangongshi", "--kind", "office")
    user = User.objects.get(username="bangongshi")
    assert user.kind == User.Kind.OFFICE and user.scope_org == town
    assert access_for(user).can_manage_org(town)
    _create_account(monkeypatch, "shiwei", "--kind", "oversight", "--org", "SDS")
    assert access_for(User.objects.get(username="shiwei")).view == (town.path,)
    response = client.post("/login/", {"username": "bangongshi", "password": "Town-office-2026"})
    assert response.status_code == 302
    assert client.get(f"/orgs/new/?parent={town.code}").status_code == 200


def test_setup_commands_refuse_bad_input(monkeypatch):
    call_command("create-town", "SDS", "中共神鼎山镇委员会")
    with pytest.raises(CommandError, match="已存在"):
        call_command("create-town", "SDS", "又一个镇党委")
    with pytest.raises(CommandError, match="密码不符合要求"):
        _create_account(monkeypatch, "bangongshi", "--kind", "office", password="12345678")
    with pytest.raises(CommandError, match="组织代码“NOPE”不存在"):
        _create_account(monkeypatch, "bangongshi", "--kind", "office", "--org", "NOPE")
    _create_account(monkeypatch, "bangongshi", "--kind", "office")
    with pytest.raises(CommandError, match="已存在"):
        _create_account(monkeypatch, "bangongshi", "--kind", "oversight")
    assert User.objects.count() == 1


def test_admin_lists_the_foundation_models_with_masked_numbers(world, client):
    admin = User.objects.create_superuser("root", password="Root-pass-2026")
    client.force_login(admin)
    session = client.session  # the admin site asks for the second step (django-otp)
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=admin, name="t").persistent_id
    session.save()
    member = world.members_a[0]
    for url in ("/admin/accounts/user/", "/admin/orgs/organisation/", "/admin/orgs/position/"):
        assert client.get(url).status_code == 200, url
    page = client.get("/admin/members/member/").content.decode()
    assert member.masked_id_number in page and member.id_number not in page and member.phone not in page
    detail = client.get(f"/admin/members/member/{member.pk}/change/").content.decode()
    assert member.masked_phone in detail and member.id_number not in detail and member.phone not in detail
    assert client.post(f"/admin/members/member/{member.pk}/change/", {"name": "改名"}).status_code == 403
