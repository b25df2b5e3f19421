"""Record review on a 375 px phone: the secretary opens the records sent back from the home page and
sends the correction; the office reads what changed and passes it."""

import pytest
from django.test import Client

from dangjian.meetings.services import save_minutes

from .helpers import MINUTES
from .review_helpers import FIX, review_in

SCREENSHOTS = ("/tmp/review-branch.png", "/tmp/review-office.png", "/tmp/review-list.png")


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_correction_goes_back_and_is_passed_on_a_phone(world, live_server, page):
    review = review_in(world, "returned")
    page.set_viewport_size({"width": 375, "height": 800})

    login(page, live_server, world.user("secretary_a"))
    page.goto(f"{live_server.url}/")
    page.locator("#home-reviews-returned a").click()
    page.wait_for_url(f"**/supervision/reviews/{review.pk}/")
    assert FIX in page.inner_text(".steps")
    save_minutes(
        review.activity, MINUTES + "<p>王强：调解邻里纠纷要有人牵头。</p>", world.user("secretary_a")
    )
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[0], full_page=True)
    page.fill("#note", "已补充发言要点。")
    page.get_by_role("button", name="提交补正").click()
    assert "已提交补正" in page.locator(".messages").inner_text()
    assert page.inner_text("#review-state") == "已补正待复审"

    login(page, live_server, world.user("office"))
    page.goto(f"{live_server.url}/supervision/reviews/{review.pk}/")
    assert page.inner_text("#since-return .diff ins").startswith("王强：调解邻里纠纷要有人牵头。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[1], full_page=True)
    page.get_by_role("button", name="通过").click()
    assert page.inner_text("#review-state") == "通过"
    page.goto(f"{live_server.url}/supervision/reviews/")
    assert page.locator("#reviews tbody tr[data-state=passed]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[2], full_page=True)
