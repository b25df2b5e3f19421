"""On a phone, the secretary removes a photo filed by mistake and enters where the paper record is kept."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dangjian.meetings import services
from dangjian.meetings.models import Record

from .helpers import make_activity
from .test_browser import PHONE, _login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_remove_a_wrong_photo_and_file_a_paper_record_on_a_phone(world, live_server, browser):
    activity = make_activity(world.branch_a, "committee_meeting", start=timezone.now())
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, "PNG")
    services.store_record(
        activity,
        "activity_photos",
        SimpleUploadedFile("别的活动.png", out.getvalue()),
        world.user("secretary_a"),
    )
    page = browser.new_page(viewport=PHONE)
    _login(page, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/meetings/{activity.pk}/")
    page.locator("details.remove summary").click()
    page.get_by_role("button", name="确认移除").click()
    page.wait_for_load_state()
    assert "不再计为该活动的记录" in page.locator(".messages").inner_text()
    assert "别的活动.png" in page.locator("ul.records.muted").inner_text()

    page.select_option("#id_kind", "minutes")
    page.fill("#id_reference", "党建档案柜2号 2025年第3卷")
    page.get_by_role("button", name="上传").click()
    page.wait_for_load_state()
    assert "已登记纸质存档位置。" in page.locator(".messages").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path="/tmp/meetings-records-phone.png", full_page=True)
    kept = Record.objects.kept().get()
    assert kept.reference == "党建档案柜2号 2025年第3卷"
    assert Record.objects.get(removed_at__isnull=False).removed_by == world.user("secretary_a")
