"""On a phone, the activity form shows the 授课人 only for a 党课 and the 环节 only for a 主题党日."""

import pytest

from .test_browser import PHONE, _login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_form_switches_fields_with_the_kind_on_a_phone(world, live_server, browser):
    page = browser.new_page(viewport=PHONE)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/meetings/new/")
    speaker, parts = page.locator("#id_speaker"), page.locator("#id_parts")
    assert page.locator("#id_org").input_value() == str(world.branch_a.pk)

    page.select_option("#id_kind", "party_lecture")
    assert speaker.is_visible() and not parts.is_visible()
    page.screenshot(path="/tmp/meetings-form-lecture-phone.png", full_page=True)
    page.select_option("#id_kind", "theme_day")
    assert parts.is_visible() and not speaker.is_visible()
    page.select_option("#id_kind", "committee_meeting")
    assert not parts.is_visible() and not speaker.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.fill("#id_title", "")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "主题：此项必须填写。" in summary.inner_text()
    assert not speaker.is_visible()  # after the round trip the kind still decides
    page.screenshot(path="/tmp/meetings-form-errors-phone.png", full_page=True)
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_times_stay_whole_and_orgs_are_picked_by_name_on_a_phone(world, live_server, browser):
    from django.utils import timezone

    from .helpers import make_activity

    activity = make_activity(
        world.branch_a, "theme_day", start=timezone.now(), place="村党群服务中心二楼会议室" * 2
    )
    make_activity(world.group_a1, "group_meeting", start=timezone.now())
    page = browser.new_page(viewport=PHONE)
    _login(page, live_server.url, "office")
    for path, name in (
        (f"/meetings/{activity.pk}/", "detail"),
        (f"/meetings/{activity.pk}/qr/", "qr"),
        ("/meetings/calendar/", "calendar"),
    ):
        page.goto(f"{live_server.url}{path}")
        times = page.locator("time")
        assert times.count() > 0
        assert page.evaluate(
            "[...document.querySelectorAll('time')].every(t => t.getClientRects().length === 1)"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=f"/tmp/meetings-{name}-times-phone.png", full_page=True)
    assert "甲村党支部 · 第一党小组" in page.locator(".cal").inner_text()

    page.goto(f"{live_server.url}/meetings/")
    page.fill("#org", "乙企业")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert page.locator("#org").input_value() == "乙企业党支部"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path="/tmp/meetings-list-picker-phone.png", full_page=True)
