"""An inspector (a member appointed for the round) on a 375 px phone opens their branch from the home page,
records a 不符合 finding with a photo, and sees the 整改 it created."""

import pytest
from django.test import Client
from PIL import Image

from dangjian.supervision.rounds.models import Finding

from .rounds_helpers import make_round

SCREENSHOTS = ("/tmp/rounds-inspect.png", "/tmp/rounds-finding.png")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_inspector_records_a_finding_with_a_photo_on_a_phone(world, live_server, page, tmp_path):
    r = make_round(world)
    login = Client()
    login.force_login(world.user("member_a"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 375, "height": 800})
    photo = tmp_path / "现场.jpg"
    Image.new("RGB", (1200, 900), (180, 40, 40)).save(photo, "JPEG")

    page.goto(f"{live_server.url}/")
    page.locator("#home-inspections a").click()
    page.wait_for_url(f"**/supervision/rounds/{r.pk}/BRB/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    item = r.items.get(rule="theme_day")
    card = page.locator(f"#item-{item.pk}")
    page.screenshot(path=SCREENSHOTS[0])
    card.locator("summary", has_text="记录结果").click()
    card.get_by_role("radio", name="不符合", exact=True).check()
    card.locator("textarea[name=notes]").fill("主题党日照片与会议记录日期不符，疑似重复使用。")
    card.locator("input[type=file]").set_input_files(str(photo))
    card.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "已记录“主题党日”：不符合，已生成整改要求" in page.locator(".messages").inner_text()
    card = page.locator(f"#item-{item.pk}")
    assert card.locator("img.finding-photo").count() == 1
    assert card.locator("img.finding-photo").evaluate("i => i.naturalWidth") == 1200  # served, and an image
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    card.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS[1], full_page=False)
    finding = Finding.objects.get()
    assert finding.result == "nonconforming" and finding.rectification.status == "open"
    card.get_by_role("link", name="待整改").click()
    assert "主题党日照片与会议记录日期不符" in page.inner_text("dl.fields")
