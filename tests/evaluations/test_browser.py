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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_secretary_completes_the_evaluation_by_the_meetings_vote_on_a_phone(world, live_server, page):
    from dangjian.evaluations import services
    from dangjian.evaluations.models import Campaign

    from .helpers import full_ballot, hold_meeting

    campaign = open_campaign(world)
    for voter in world.members_a[:5]:
        services.cast_ballot(campaign, full_ballot(campaign), member=voter)
    services.close_vote(campaign)
    meeting = hold_meeting(campaign, days=-1, absent=1)  # 甲预备 absent: 8 of 8 voters present
    for m in world.members_a[:8]:
        services.decide(campaign, m, "qualified", services.DecisionInput("qualified"))
    login = Client()
    login.force_login(world.user("secretary_a"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/evaluations/{campaign.pk}/")
    card = page.locator(".card", has_text="完成评定：党员大会表决")
    assert "应到会有表决权党员 8 名、实到 8 名" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    card.get_by_label("赞成").fill("8")
    card.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/evaluations-adoption-375.png")
    card.get_by_role("button", name="完成评定").click()
    assert "已完成组织评定" in page.locator("body").inner_text()
    assert Campaign.objects.get().status == Campaign.Status.DECIDED
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    votes = page.locator("section", has_text="议题与表决")
    assert "组织评定" in votes.inner_text() and "8 / 8" in votes.inner_text()
    assert "未达法定人数" not in votes.inner_text()
    votes.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/meetings-adoption-375.png")
