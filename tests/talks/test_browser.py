"""On a phone (375 px wide) a secretary records a talk from the coverage page and sees coverage update."""

import pytest
from django.test import Client

from dangjian.talks.models import Talk

SCREENSHOTS = (
    "/tmp/talks-coverage-before-375.png",
    "/tmp/talks-form-375.png",
    "/tmp/talks-coverage-after-375.png",
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_secretary_records_a_talk_on_a_phone(world, live_server, page):
    login = Client()
    login.force_login(world.user("secretary_a"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 375, "height": 740})
    target = world.members_a[6]

    page.goto(f"{live_server.url}/talks/")
    page.get_by_role("link", name="覆盖情况").click()
    page.wait_for_url("**/talks/org/BRA/coverage/**")
    assert page.get_by_test_id("missing").inner_text() == "8"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[0], full_page=True)

    page.locator(f'tr[data-member="{target.pk}"]').get_by_role("link", name="记录谈话").click()
    page.wait_for_url("**/talks/org/BRA/new/**")
    assert page.get_by_label("谈话对象").input_value() == str(target.pk)
    page.get_by_label("电话").check()
    page.get_by_label("谈话主题及内容").fill("了解家庭困难，鼓励参加志愿服务")
    page.get_by_label("后续跟进事项").fill("协调解决孩子入学问题")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[1], full_page=True)
    page.get_by_role("button", name="保存").click()

    page.wait_for_url("**/talks/org/BRA/coverage/**")
    assert "已记录" in page.locator(".messages").inner_text()
    assert page.get_by_test_id("missing").inner_text() == "7"
    assert page.get_by_test_id("covered").inner_text() == "1"
    row = page.locator(f'tr[data-member="{target.pk}"]')
    assert "已谈" in row.inner_text()
    row.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS[2], full_page=True)

    talk = Talk.objects.get()
    assert (talk.initiator, talk.partner, talk.form) == (world.members_a[0], target, "phone")
    assert talk.created_by == world.user("secretary_a")
