"""Under the Content-Security-Policy the main pages load as several roles with no violation reaching the
console, and their scripts still work: the dashboard draws its charts, QR sign-in records the member, the
minutes editor formats, the ballot counts, confirmations ask, and the API docs render."""

import pytest
from django.test import Client
from django.utils import timezone

from tests.evaluations.helpers import open_campaign
from tests.meetings.helpers import make_activity

PHONE = {"width": 375, "height": 740}
MISSING = "Failed to load resource"  # said without its address: the response listener names the address
FAVICON = "/favicon.ico"  # the browser asks for it by itself; the site has none
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def open_as(browser, live_server, world, role, viewport=PHONE):
    """A page logged in as `role` that records console errors, page errors and CSP violations."""
    login = Client()
    login.force_login(world.user(role))
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.add_init_script(WATCH)
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda m: m.type == "error" and not m.text.startswith(MISSING) and page.problems.append(m.text),
    )
    page.on(
        "response", lambda r: r.status >= 400 and not r.url.endswith(FAVICON) and page.problems.append(r.url)
    )
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status < 400, (url, response.status)
    policy = response.headers.get("content-security-policy", "")
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    violations = page.evaluate("window.__violations")
    assert violations == [] and page.problems == [], (url, violations, page.problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_pages_run_under_the_policy_for_each_role(world, live_server, browser):
    base = live_server.url
    activity = make_activity(world.branch_a, "theme_day", start=timezone.now())
    campaign = open_campaign(world)
    common = ["/", "/meetings/", f"/meetings/{activity.pk}/", "/talks/", "/evaluations/", "/password/"]
    pages = {
        "office": [*common, "/members/", "/orgs/", "/discipline/", "/compliance/?org=TOWN", "/2fa/setup/"],
        "secretary_a": [
            *common,
            "/members/",
            f"/meetings/{activity.pk}/qr/",
            f"/meetings/{activity.pk}/qr/print/",
            f"/meetings/{activity.pk}/print/",
            f"/meetings/{activity.pk}/minutes/",
            f"/evaluations/{campaign.pk}/",
            "/meetings/calendar/",
        ],
        "member_a": [*common, f"/evaluations/{campaign.pk}/vote/", "/api/docs"],
    }
    for role, urls in pages.items():
        page = open_as(browser, live_server, world, role)
        for url in urls:
            visit(page, base + url)
        page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scripts_still_work_under_the_policy(world, live_server, browser):
    base = live_server.url
    activity = make_activity(world.branch_a, "theme_day", start=timezone.now())
    campaign = open_campaign(world)

    office = open_as(browser, live_server, world, "office", {"width": 1280, "height": 900})
    visit(office, f"{base}/compliance/?org=TOWN")
    office.wait_for_selector("#chart-rules canvas")  # ECharts from our static files drew the chart

    secretary = open_as(browser, live_server, world, "secretary_a")
    visit(secretary, f"{base}/meetings/{activity.pk}/qr/")
    link = secretary.locator("#signin-link").get_attribute("href")
    visit(secretary, f"{base}/meetings/{activity.pk}/minutes/")
    secretary.locator("#editor").fill("会议记录正文")
    secretary.locator("#editor").select_text()
    secretary.get_by_role("button", name="加粗").click()
    secretary.get_by_role("button", name="保存").click()
    secretary.wait_for_load_state()
    activity.refresh_from_db()
    assert "<b>会议记录正文</b>" in activity.minutes or "<strong>会议记录正文</strong>" in activity.minutes
    visit(secretary, f"{base}/evaluations/{campaign.pk}/")
    asked = []
    secretary.on("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    secretary.get_by_role("button", name="结束测评").click()
    assert asked == ["结束后不能再投票，确定结束民主测评？"]
    campaign.refresh_from_db()
    assert campaign.status == "open"  # dismissed: the form was not sent

    member = open_as(browser, live_server, world, "member_a")
    visit(member, link)
    member.get_by_role("button", name="签到").click()
    member.get_by_role("status").wait_for()
    assert "签到成功" in member.get_by_role("status").inner_text()
    visit(member, f"{base}/evaluations/{campaign.pk}/vote/")
    member.locator(".ballot-item").first.get_by_text("合格", exact=True).click()
    assert member.locator("#progress").inner_text() == "已选 1 / 8 人"
    visit(member, f"{base}/api/docs")
    member.wait_for_selector(".swagger-ui .opblock")  # Swagger UI, self-hosted, rendered the operations
    for page in (office, secretary, member):
        assert page.evaluate("window.__violations") == [] and page.problems == []
