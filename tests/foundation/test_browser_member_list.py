"""A branch secretary logs in through the form on a phone and opens the member list (headless Chromium)."""

import pytest

from tests.world import PASSWORD

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_secretary_logs_in_on_a_phone_and_sees_their_branch(world, live_server, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/members/")
    page.wait_for_url("**/login/**")
    page.fill("#id_username", world.members_a[0].phone)  # by phone number
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/members/")
    assert page.locator("h1").inner_text() == "党员名册"
    rows = page.locator("table.list tbody tr")
    assert rows.count() == len(world.members_a)
    text = page.locator("table.list").inner_text()
    for member in world.members_a:
        assert member.name in text and member.masked_id_number in text and member.id_number not in text
    for member in world.members_b:
        assert member.name not in text
    # Stacked rows on a phone: each value carries its label, and nothing scrolls sideways.
    assert rows.first.locator("td[data-label=身份证号]").is_visible()
    _no_sideways_scroll(page)
    page.screenshot(path="/tmp/foundation-members-phone.png", full_page=True)

    page.click(f"text={world.members_a[2].name}")
    page.wait_for_url(f"**/members/{world.members_a[2].pk}/")
    assert world.members_a[2].id_number in page.content()  # the secretary runs this member's branch
    _no_sideways_scroll(page)
    page.screenshot(path="/tmp/foundation-member-phone.png", full_page=True)

    page.goto(f"{live_server.url}/orgs/BRA/")
    _no_sideways_scroll(page)
    page.screenshot(path="/tmp/foundation-org-phone.png", full_page=True)

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/members/{world.members_a[2].pk}/")
    page.screenshot(path="/tmp/foundation-member-desktop.png", full_page=True)
    page.goto(f"{live_server.url}/orgs/BRA/")
    page.screenshot(path="/tmp/foundation-org-desktop.png", full_page=True)
