"""A branch secretary on a phone (375 px) moves an applicant one step: the talk after the application."""

import datetime as dt

import pytest
from django.test import Client

from dangjian.recruitment.models import Applicant

SCREENSHOT = "/tmp/recruitment-step.png"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_secretary_records_the_talk_on_a_phone(world, live_server, page, make_applicant):
    today = dt.date.today()
    make_applicant(world.branch_a, name="周申请", steps=[("application", today - dt.timedelta(days=40))])
    login = Client()
    login.force_login(world.user("secretary_a"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 375, "height": 812})

    page.goto(f"{live_server.url}/recruitment/")
    row = page.locator("tbody tr", has_text="周申请")
    assert "已逾期" in row.inner_text()  # the one-month talk limit has run out
    row.get_by_role("link", name="周申请").click()
    page.select_option("#id_code", "talk")
    assert page.locator("#id_end_date").is_hidden()  # only the fields the step uses are shown
    assert page.locator("#id_date").is_visible()
    page.fill("#id_date", today.isoformat())
    page.get_by_role("button", name="登记").click()
    page.wait_for_selector(".messages, .message, [role=alert]", timeout=5000)
    assert "超时" in page.content()  # recorded late: kept, flagged
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1  # no sideways scrolling
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert Applicant.objects.get(name="周申请").steps.filter(code="talk").exists()
