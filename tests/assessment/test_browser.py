"""The office reads the town table (desktop, with its charts drawn) and opens a branch's sheet; the branch's
secretary reads the same sheet on a 375 px phone and follows an evidence link to the verdict."""

import pytest
from django.test import Client

from .helpers import LAST_YEAR, theme_days

SCREENSHOTS = ("/tmp/assessment-table.png", "/tmp/assessment-sheet.png")


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_town_table_and_a_branch_sheet_with_evidence_links(world, live_server, page):
    theme_days(world.branch_a, range(1, 10))
    _login(page, live_server, world.user("office"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/assessment/?year={LAST_YEAR}")
    assert page.locator("#town-table tbody tr").count() == 2
    page.wait_for_selector("#chart-distribution canvas")
    page.wait_for_selector("#chart-areas canvas")
    page.screenshot(path=SCREENSHOTS[0], full_page=True)
    page.select_option("#f-category", "village")
    page.get_by_role("button", name="查看").click()
    assert page.locator("#town-table tbody tr").count() == 1
    page.locator("#town-table a", has_text="甲村党支部").click()
    page.wait_for_url(f"**/assessment/org/BRA/{LAST_YEAR}/")
    assert "7.5 分" in page.inner_text("#line-theme_day")

    page.context.clear_cookies()
    _login(page, live_server, world.user("secretary_a"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/assessment/mine/")
    page.goto(f"{live_server.url}/assessment/org/BRA/{LAST_YEAR}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[1], full_page=True)
    page.locator("#line-theme_day .evidence a").first.click()
    page.wait_for_url("**/compliance/org/BRA/theme_day/**")
    assert "主题党日" in page.inner_text("h1")
