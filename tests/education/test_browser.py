"""On a phone (375 px wide) a member writes a 学习心得 with a photo of a handwritten page; it is counted."""

import pytest
from django.test import Client
from PIL import Image

from dangjian.education.models import StudyNote

SCREENSHOTS = (
    "/tmp/education-index-375.png",
    "/tmp/education-note-form-375.png",
    "/tmp/education-note-375.png",
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_writes_a_study_note_on_a_phone(world, live_server, page, tmp_path):
    login = Client()
    login.force_login(world.user("member_a"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 375, "height": 740})
    photo = tmp_path / "手写心得.jpg"
    Image.new("RGB", (600, 800), "white").save(photo, "JPEG")

    page.goto(f"{live_server.url}/education/")
    assert "我的学习心得（0篇）" in page.inner_text("#my-notes")
    assert "/ 32 学时" in page.inner_text("#my-hours")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[0], full_page=True)

    page.get_by_role("link", name="写心得").click()
    page.wait_for_url("**/education/notes/new/")
    page.get_by_label("题目").fill("学习党章的体会")
    page.get_by_label("内容").fill("通过学习，我更加明确了党员的义务。\n要在村里带头做好志愿服务。")
    page.get_by_label("拍照或上传（可选）").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[1], full_page=True)
    page.get_by_role("button", name="提交").click()

    page.wait_for_url("**/education/notes/*/")
    assert "学习心得已提交" in page.locator(".messages").inner_text()
    assert "要在村里带头做好志愿服务" in page.inner_text("article")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS[2], full_page=True)

    note = StudyNote.objects.get()
    assert note.member == world.members_a[7] and note.content_type == "image/jpeg"
    page.goto(f"{live_server.url}/education/")
    assert "我的学习心得（1篇）" in page.inner_text("#my-notes")
