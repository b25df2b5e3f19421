"""The office, on a 375 px phone, opens the signals desk, reads a copied-minutes signal side by side and
dismisses it with a reason."""

import pytest
from django.test import Client

from .helpers import signals_world

SCREENSHOTS = ("/tmp/supervision-desk.png", "/tmp/supervision-detail.png")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_reads_and_dismisses_a_signal_on_a_phone(world, live_server, page):
    signals_world(world)
    login = Client()
    login.force_login(world.user("office"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto(f"{live_server.url}/supervision/")
    assert page.locator("#signals tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    page.screenshot(path=SCREENSHOTS[0], full_page=True)

    page.locator(".kind-counts a[data-kind=copied_minutes]").click()
    assert page.locator("#signals tbody tr").count() == 1
    page.locator("#signals a.signal-summary").click()
    page.wait_for_url("**/supervision/*/")
    assert page.locator(".evidence section").count() == 2
    assert page.locator(".evidence mark").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[1], full_page=True)

    page.fill("#reason", "已核实：乙支部参加了甲支部的联合学习。")
    page.get_by_role("button", name="排除").click()
    assert "已排除该信号" in page.locator(".messages").inner_text()
    assert "已核实：乙支部参加了甲支部的联合学习。" in page.inner_text("dl.fields")
    page.goto(f"{live_server.url}/supervision/")
    assert page.locator("#signals tbody tr").count() == 1
