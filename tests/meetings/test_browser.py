"""A member signs in from the QR link on a phone, and the secretary's attendance page shows it."""

import pytest
from django.utils import timezone

from tests.world import PASSWORD

from .helpers import make_activity

PHONE = {"width": 375, "height": 740}


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_signs_in_on_phone_and_secretary_sees_it(world, live_server, browser):
    activity = make_activity(world.branch_a, "theme_day", start=timezone.now())
    member = world.members_a[7]

    secretary = browser.new_page(viewport=PHONE)
    _login(secretary, live_server.url, "secretary_a")
    secretary.goto(f"{live_server.url}/meetings/{activity.pk}/qr/")
    assert secretary.locator("#qr svg").count() == 1
    link = secretary.locator("#signin-link").get_attribute("href")
    secretary.screenshot(path="/tmp/meetings-qr-phone.png", full_page=True)

    phone = browser.new_page(viewport=PHONE)
    _login(phone, live_server.url, "member_a")
    phone.goto(link)
    phone.get_by_role("button", name="签到").click()
    phone.get_by_role("status").wait_for()
    assert "签到成功" in phone.get_by_role("status").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path="/tmp/meetings-signin-phone.png", full_page=True)
    phone.goto(link)  # a second scan changes nothing
    assert "已签到" in phone.get_by_role("status").inner_text()

    secretary.goto(f"{live_server.url}/meetings/{activity.pk}/attendance/")
    row = secretary.locator(f"#member-{member.pk}")
    assert row.locator("select").input_value() == "present"
    assert "扫码签到" in row.inner_text()
    assert secretary.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    secretary.screenshot(path="/tmp/meetings-attendance-phone.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_printed_code_signs_in_on_phone(world, live_server, browser):
    from dangjian.meetings import services

    activity = make_activity(world.branch_a, "theme_day", start=timezone.now())
    row = activity.attendance.get(member=world.members_a[3])
    row.status = "absent"
    row.save()
    services.save_minutes(activity, "<h2>议程</h2><ul><li>学习党章</li></ul>", world.user("secretary_a"))
    secretary = browser.new_page(viewport=PHONE)
    _login(secretary, live_server.url, "secretary_a")
    secretary.goto(f"{live_server.url}/meetings/{activity.pk}/qr/")
    secretary.get_by_role("link", name="打印签到码").click()
    secretary.wait_for_load_state()
    assert secretary.locator(".qr svg").count() == 1 and "此码只在签到时间内有效" in secretary.content()
    assert secretary.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    secretary.screenshot(path="/tmp/meetings-qr-print-phone.png", full_page=True)
    for path, name in ((f"/meetings/{activity.pk}/", "detail"), (f"/meetings/{activity.pk}/print/", "print")):
        secretary.goto(f"{live_server.url}{path}")
        assert secretary.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        secretary.screenshot(path=f"/tmp/meetings-{name}-phone.png", full_page=True)

    phone = browser.new_page(viewport=PHONE)
    _login(phone, live_server.url, "member_a")
    phone.goto(f"{live_server.url}/meetings/s/{services.printed_token(activity.pk)}/")
    phone.get_by_role("button", name="签到").click()
    phone.get_by_role("status").wait_for()
    assert "签到成功" in phone.get_by_role("status").inner_text()
