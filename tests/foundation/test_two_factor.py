"""Two-factor authentication for office, oversight and admin accounts: enrolment with a QR code, login with
a code, recovery codes that work once, wrong codes counting toward the lockout, and the admin site."""

import base64
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import twofactor
from dangjian.accounts.models import User
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.OTP_REQUIRED_KINDS = ["admin", "office", "oversight"]


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift = drift
    return f"{totp.token():06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=True)


def log_in(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password, "next": "/members/"})


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_an_office_login_without_a_device_goes_to_enrolment_and_is_not_logged_in_yet(world, client):
    response = log_in(client, "office")
    assert response.status_code == 302 and response["Location"] == "/2fa/setup/"
    assert not logged_in(client)
    assert client.get("/members/").status_code == 302  # nothing reachable before the second step
    page = client.get("/2fa/setup/").content.decode()
    assert "启用两步验证" in page and "<svg" in page and "otp-key" in page


def test_enrolment_confirms_the_device_shows_recovery_codes_once_and_logs_in(world, client):
    log_in(client, "office")
    client.get("/2fa/setup/")
    device = TOTPDevice.objects.get(user=world.user("office"), confirmed=False)
    key = re.search(r'<code class="otp-key">([A-Z2-7 ]+)</code>', client.get("/2fa/setup/").content.decode())
    assert key and key.group(1).replace(" ", "") == base64.b32encode(device.bin_key).decode()
    wrong = client.post("/2fa/setup/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode() and not logged_in(client)
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait a second after a wrong code
    response = client.post("/2fa/setup/", {"code": code_for(device)})
    page = response.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", page)
    assert response.status_code == 200 and len(codes) == 10 and "只显示这一次" in page
    assert logged_in(client) and client.get("/members/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert codes[0] not in client.get("/2fa/setup/").content.decode()  # never shown again


def test_login_with_the_code_from_the_app(world, client):
    device = enrolled(world.user("office"))
    response = log_in(client, "office")
    assert response["Location"] == "/2fa/verify/" and not logged_in(client)
    assert "两步验证" in client.get("/2fa/verify/").content.decode()
    response = client.post("/2fa/verify/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert logged_in(client) and client.get("/members/").status_code == 200


def test_the_password_alone_cannot_replace_an_enrolled_authenticator(world, client):
    device = enrolled(world.user("office"))
    log_in(client, "office")
    response = client.get("/2fa/setup/")
    assert response.status_code == 302 and response["Location"] == "/2fa/verify/"
    client.post("/2fa/setup/", {"code": "123456"})
    assert not logged_in(client) and list(TOTPDevice.objects.filter(user=world.user("office"))) == [device]


def test_wrong_codes_count_toward_the_lockout(world, client, settings):
    enrolled(world.user("office"))
    log_in(client, "office")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/2fa/verify/", {"code": "12345"})
        assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    response = client.post("/2fa/verify/", {"code": "12345"})
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert log_in(client, "office").status_code == 429  # the password step is locked as well
    assert not logged_in(client)


def test_wrong_codes_on_the_admin_login_count_toward_the_lockout(world, client, settings):
    """The admin site's own login form (django-otp's) checked the code without telling the lockout."""
    admin = User.objects.create_superuser("root", password="Root-pass-2026")
    form = {"username": "root", "password": "Root-pass-2026", "otp_device": enrolled(admin).persistent_id}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {**form, "otp_token": "12345"})
    assert client.post("/admin/login/", {**form, "otp_token": "12345"}).status_code == 429
    assert log_in(client, "root", "Root-pass-2026").status_code == 429
    assert not logged_in(client)


def test_a_right_password_does_not_reset_the_failed_codes(world, client, settings):
    enrolled(world.user("office"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "office")
        client.post("/2fa/verify/", {"code": "12345"})
    log_in(client, "office")
    assert client.post("/2fa/verify/", {"code": "12345"}).status_code == 429


def test_a_recovery_code_works_once(world, client):
    user = world.user("oversight")
    enrolled(user)
    codes = twofactor.new_recovery_codes(user)
    log_in(client, "oversight")
    assert client.post("/2fa/verify/", {"code": codes[0].upper()}).status_code == 302
    assert logged_in(client)
    client.post("/logout/")
    log_in(client, "oversight")
    response = client.post("/2fa/verify/", {"code": codes[0]})
    assert response.status_code == 200 and not logged_in(client)
    StaticDevice.objects.get(user=user).throttle_reset()  # a second's wait after a wrong code
    assert client.post("/2fa/verify/", {"code": codes[1]}).status_code == 302


def test_members_log_in_with_the_password_alone(world, client):
    response = log_in(client, "secretary_a")
    assert response["Location"] == "/members/" and logged_in(client)
    assert client.get("/2fa/setup/").status_code == 403


def test_not_required_kinds_log_in_with_the_password_alone_until_they_enrol(world, client, settings):
    settings.OTP_REQUIRED_KINDS = ["admin"]
    assert log_in(client, "office")["Location"] == "/members/"
    client.post("/logout/")
    enrolled(world.user("office"))
    assert log_in(client, "office")["Location"] == "/2fa/verify/"


def test_a_session_without_the_second_step_is_ended(world, client):
    client.force_login(world.user("office"))  # e.g. a session from before the setting was turned on
    response = client.get("/members/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert not logged_in(client)
    client.force_login(world.user("office"))
    assert client.get("/api/members/").status_code == 401


def test_the_admin_site_refuses_a_session_without_otp(world, client, settings):
    settings.OTP_REQUIRED_KINDS = []  # even when no kind is required
    admin = User.objects.create_superuser("root", password="Root-pass-2026")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    device = enrolled(admin)
    client.post("/logout/")
    log_in(client, "root", "Root-pass-2026")
    client.post("/2fa/verify/", {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_asks_for_the_code_in_chinese(world, client):
    """django-otp's admin login form and its messages have no Chinese catalog of their own."""
    admin = User.objects.create_superuser("root", password="Root-pass-2026")
    device = enrolled(admin)
    form = {"username": "root", "password": "Root-pass-2026", "otp_device": device.persistent_id}
    page = client.get("/admin/login/").content.decode()
    assert "OTP" not in page and "验证码" in page
    without_code = client.post("/admin/login/", form).content.decode()
    wrong_code = client.post("/admin/login/", {**form, "otp_token": "000000"}).content.decode()
    assert "请输入验证器上显示的 6 位验证码" in without_code and "Please" not in without_code
    assert "验证码不正确" in wrong_code and "Invalid" not in wrong_code
    assert not logged_in(client)


def test_the_pages_fit_a_phone(world, client):
    log_in(client, "office")
    page = client.get("/2fa/setup/").content.decode()
    assert 'name="viewport"' in page and 'inputmode="numeric"' in page and "<script>" not in page


def test_the_demo_asks_only_admin_for_a_code_and_says_so(world, client, settings, capsys):
    from django.core.management import call_command

    from dangjian.demo.town import DEMO_PASSWORD

    settings.OTP_REQUIRED_KINDS = ["admin"]  # what `make run` sets for the demo
    office = User.objects.create_user(
        "dangjianban", password=DEMO_PASSWORD, kind="office", scope_org=world.town
    )
    User.objects.create_superuser("admin", password=DEMO_PASSWORD)
    call_command("demo-logins")
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("  ")}
    assert "须两步验证" in lines["admin"] and "须两步验证" not in lines["dangjianban"]
    response = client.post("/login/", {"username": office.username, "password": DEMO_PASSWORD})
    assert response["Location"] == "/" and logged_in(client)
