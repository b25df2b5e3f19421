"""Log in by username or by the member's phone number; repeated failures lock out; passwords are checked."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_login_by_username(world, client):
    response = _login(client, "secretary_a")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_by_phone(world, client):
    response = _login(client, world.members_a[0].phone)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.user("secretary_a").pk


def test_wrong_password_says_so_in_chinese(world, client):
    response = _login(client, "secretary_a", "wrong")
    assert response.status_code == 200 and "手机号/用户名或密码不正确" in response.content.decode()
    assert _login(client, "13000000000", "wrong").status_code == 200  # unknown phone


def test_lockout_after_repeated_failures(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "secretary_a", "wrong").status_code == 200
    response = _login(client, "secretary_a", "wrong")
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert _login(client, "secretary_a").status_code == 429  # even the right password, until the cool-off


def test_inactive_account_cannot_log_in(world, client):
    user = world.user("member_a")
    user.is_active = False
    user.save()
    assert _login(client, "member_a").status_code == 200


@pytest.mark.parametrize("password", ["short1", "12345678901", "password123", "secretary_a1"])
def test_weak_passwords_are_refused(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, world.user("secretary_a"))


def test_password_change_uses_the_validators(world, client_for):
    response = client_for("member_a").post(
        "/password/", {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200 and "这个密码太常见了" in response.content.decode()


def test_failures_for_one_account_do_not_lock_another_from_the_same_address(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _login(client, "nobody", "wrong")
    assert _login(client, "nobody", "wrong").status_code == 429
    assert _login(client, "secretary_a").status_code == 302  # same REMOTE_ADDR, other account


def test_phone_and_username_failures_add_up_and_no_phone_is_stored(world, client, settings):
    from axes.models import AccessAttempt, AccessLog

    phone = world.members_a[0].phone
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, phone if attempt % 2 else "secretary_a", "wrong").status_code == 200
    assert _login(client, phone, "wrong").status_code == 429
    assert _login(client, "secretary_a").status_code == 429
    _login(client, "13000000000", "wrong")  # an unknown phone number
    stored = list(AccessAttempt.objects.values_list("username", flat=True))
    stored += list(AccessLog.objects.values_list("username", flat=True))
    assert stored and not any(name and name[:1] == "1" and name.isdigit() for name in stored)


def test_failures_during_a_lockout_do_not_extend_it(world, client, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "secretary_a", "wrong")
    first = AccessAttempt.objects.get(username="secretary_a").attempt_time
    _login(client, "secretary_a", "wrong")
    assert AccessAttempt.objects.get(username="secretary_a").attempt_time == first


@pytest.mark.parametrize("url", ["/password/", "/password/done/"])
def test_password_pages_use_the_site_layout(world, client_for, url):
    response = client_for("member_a").get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "base.html" in [t.name for t in response.templates]
    assert "党组织生活管理平台" in page and "Django" not in page
