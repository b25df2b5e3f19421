"""On a phone (375 px): the home pages of the 书记, the member and the town office say what to do and lead
there; the navigation folds behind a menu button and every item can be reached without scrolling sideways."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import Rectification
from tests.compliance.helpers import held
from tests.meetings.helpers import make_activity
from tests.world import PASSWORD

PHONE = {"width": 375, "height": 740}
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(browser, base, username, viewport=PHONE):
    page = browser.new_page(viewport=viewport)
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_secretary_home_on_a_phone(world, live_server, browser):
    meeting = make_activity(world.branch_a, start=timezone.now() + dt.timedelta(days=2), title="本周主题党日")
    services.ask_leave(meeting, world.members_a[7], "外出务工")
    life = held(world.branch_a, "org_life_meeting", timezone.localdate() - dt.timedelta(days=40))
    Rectification.objects.create(
        activity=life,
        content="健全学习制度",
        owner=world.members_a[3],
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    page = login(browser, live_server.url, "secretary_a")
    assert page.locator("#compliance-todo").is_visible()
    assert "剩余" in page.locator("#compliance-todo .todo-due").inner_text()
    assert "本周主题党日" in page.locator("#home-week").inner_text()
    assert "已逾期" in page.locator("#home-rectifications").inner_text()
    leaves = page.locator("#home-leaves")
    assert world.members_a[7].name in leaves.inner_text()
    assert fits(page)
    page.screenshot(path="/tmp/home-secretary-phone.png", full_page=True)
    leaves.get_by_role("link", name="去审批 →").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/attendance/")


def test_member_home_on_a_phone(world, live_server, browser):
    make_activity(world.branch_a, title="正在开的会")  # sign-in open
    coming = make_activity(world.branch_a, start=timezone.now() + dt.timedelta(days=3), title="下周主题党日")
    page = login(browser, live_server.url, "member_a")
    assert "正在开的会" in page.locator("#home-signin").inner_text()
    item = page.locator("#home-coming li", has_text="下周主题党日")
    assert fits(page)
    page.screenshot(path="/tmp/home-member-phone.png", full_page=True)
    item.get_by_role("link", name="不能参加？请假 →").click()
    page.wait_for_url(f"**/meetings/{coming.pk}/")
    page.fill("textarea[name=reason], input[name=reason]", "出差")
    page.get_by_role("button", name="请假").click()
    page.goto(f"{live_server.url}/")
    assert "请假待审批" in page.locator("#home-coming li", has_text="下周主题党日").inner_text()


def test_office_home_on_a_phone(world, live_server, browser):
    page = login(browser, live_server.url, "office")
    summary = page.locator("#town-summary")
    assert "全镇概况" in summary.inner_text() and "本期尚未完成的支部" in summary.inner_text()
    assert fits(page)
    page.screenshot(path="/tmp/home-office-phone.png", full_page=True)
    summary.locator("#summary-most-overdue a, details a").first.click()
    page.wait_for_url("**/compliance/org/**")


def test_phone_nav_opens_and_every_item_is_reachable(world, live_server, browser):
    page = login(browser, live_server.url, "office")
    nav = page.locator("#mainnav-items a")
    labels = nav.all_inner_texts()
    assert len(labels) >= 5 and "通知" in labels
    toggle = page.get_by_role("button", name="☰ 菜单")
    assert toggle.is_visible() and not nav.first.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    for i in range(nav.count()):
        box = nav.nth(i).bounding_box()
        assert nav.nth(i).is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            labels[i]
        )
    assert fits(page)
    page.screenshot(path="/tmp/home-nav-open-phone.png", full_page=True)
    page.locator("#mainnav-items a", has_text="通知").click()
    page.wait_for_url("**/notifications/")
    assert "通知" in page.get_by_role("button", name="☰ 菜单").inner_text()  # names the current page
    # on a desktop the items are shown as they are, without the button
    desk = login(browser, live_server.url, "office", viewport={"width": 1280, "height": 800})
    assert not desk.get_by_role("button", name="☰ 菜单").is_visible()
    assert all(desk.locator("#mainnav-items a").nth(i).is_visible() for i in range(len(labels)))
