"""On a phone (375 px wide) a member opens the ballot, grades every member and submits."""

import pytest
from django.test import Client

from dangjian.evaluations import services
from dangjian.evaluations.models import Ballot, BallotGrade

from .helpers import open_campaign

SCREENSHOT = "/tmp/evaluations-ballot-375.png"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_grades_others_on_a_phone(world, live_server, page):
    campaign = open_campaign(world)
    login = Client()
    login.force_login(world.user("member_a"))
    session = login.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto(f"{live_server.url}/evaluations/{campaign.pk}/")
    page.get_by_role("link", name="去投票").click()
    page.wait_for_url(f"**/evaluations/{campaign.pk}/vote/")
    items = page.locator(".ballot-item")
    assert items.count() == 8
    # nothing overflows the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("button", name="提交测评票").click()  # empty: refused with the reason
    assert "未评定等次" in page.locator(".problems").inner_text()

    for i in range(8):
        label = "优秀" if i == 1 else "不合格" if i == 3 else "合格"
        items.nth(i).get_by_text(label, exact=True).click()
    items.nth(3).get_by_placeholder("意见建议（可不填）").fill("希望加强学习")
    assert page.locator("#progress").inner_text() == "已选 8 / 8 人"
    items.nth(3).scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT)
    page.get_by_role("button", name="提交测评票").click()
    page.get_by_role("heading", name="测评票已提交").wait_for()

    assert Ballot.objects.count() == 1 and not BallotGrade.objects.exists()  # sealed until the close
    services.close_vote(campaign)
    assert BallotGrade.objects.filter(grade="unqualified", comment="希望加强学习").count() == 1
    assert BallotGrade.objects.filter(grade="excellent").count() == 1
