"""On a phone (375 px wide) a secretary opens a 主题党日, records the dues of the members present, and a
member then sees their own history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from dangjian.dues.models import Payment, Profile
from dangjian.meetings.models import Attendance, AttendanceStatus
from tests.compliance.helpers import held

SCREENSHOTS = ("/tmp/dues-activity-375.png", "/tmp/dues-activity-after-375.png", "/tmp/dues-mine-375.png")


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_secretary_records_dues_at_a_theme_day_on_a_phone(world, live_server, page):
    today = dt.date.today()
    activity = held(world.branch_a, "theme_day", today, attended=False, title="七一主题党日")
    present = world.members_a[5:8]
    for m in present:
        Attendance.objects.create(activity=activity, member=m, status=AttendanceStatus.PRESENT)
        Profile.objects.create(member=m, year=today.year, category="employed", base=Decimal("3000"))
    page.set_viewport_size({"width": 375, "height": 740})
    _login(page, live_server, world.user("secretary_a"))

    page.goto(f"{live_server.url}/meetings/{activity.pk}/")
    page.get_by_role("link", name="交纳党费").click()
    page.wait_for_url(f"**/dues/activity/{activity.pk}/")
    rows = page.locator("[data-testid=present] tbody tr")
    assert rows.count() == 3
    page.get_by_label(f"{present[0].name}交纳").uncheck()  # paid elsewhere this month: not recorded here
    page.get_by_label("方式").select_option("cash")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[0], full_page=True)
    page.get_by_role("button", name="登记交纳").click()

    page.wait_for_url(f"**/dues/activity/{activity.pk}/")
    assert "已登记 2 名党员交纳党费，共 30.00 元" in page.locator(".messages").inner_text()
    assert page.locator(f'tr[data-member="{present[1].pk}"]').get_by_text("已交").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[1], full_page=True)
    assert sorted(Payment.objects.filter(activity=activity).values_list("member__name", flat=True)) == sorted(
        m.name for m in present[1:]
    )
    assert set(Payment.objects.values_list("recorded_by__username", flat=True)) == {"secretary_a"}

    _login(page, live_server, world.user("member_a"))  # members_a[7]
    page.goto(f"{live_server.url}/dues/")
    assert page.get_by_test_id("monthly").inner_text() == "15.00"
    assert "现金" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[2], full_page=True)
