"""Records filed by mistake are removed, not deleted (kept with who and when, no longer counted); a paper
record's 纸质存档位置 is entered in the page; any activity files photos as 活动剪影."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dangjian.compliance import facts
from dangjian.meetings import services
from dangjian.meetings.models import Record, Status

from .helpers import make_activity

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "JPEG")
    return out.getvalue()


def _held_lecture(w):
    return make_activity(
        w.branch_a,
        "party_lecture",
        start=timezone.now() - dt.timedelta(days=2),
        status=Status.HELD,
        speaker=w.members_a[0],
    )


def _upload(client, activity, kind="lecture_script", data=PDF, name="党课稿.pdf"):
    upload = SimpleUploadedFile(name, data)
    return client.post(f"/meetings/{activity.pk}/records/", {"kind": kind, "file": upload}, follow=True)


def _present(activity) -> dict[str, bool]:
    return {r.code: r.present for r in services.record_checklist(activity)}


def test_a_removed_record_is_kept_with_who_and_when_and_no_longer_counts(world, client_for):
    lecture = _held_lecture(world)
    secretary = client_for("secretary_a")
    _upload(secretary, lecture)
    record = Record.objects.get()
    today = timezone.localdate()
    assert _present(lecture)["lecture_script"]
    row = (lecture.org_id, lecture.pk, "lecture_script")
    assert row in set(facts.record_rows(world.town, today.year, today))

    page = secretary.post(f"/meetings/records/{record.pk}/remove/", follow=True).content.decode()
    record.refresh_from_db()
    assert record.removed_by == world.user("secretary_a") and record.removed_at is not None
    assert "已移除“党课稿：党课稿.pdf”，它不再计为该活动的记录。" in page
    removed = page[page.index("已移除（不计为记录）") :]
    assert "党课稿.pdf" in removed and "移除 <time>" in removed and str(world.user("secretary_a")) in removed
    assert not _present(lecture)["lecture_script"]
    assert row not in set(facts.record_rows(world.town, today.year, today))
    # and not twice
    again = secretary.post(f"/meetings/records/{record.pk}/remove/", follow=True).content.decode()
    assert "该记录已于" in again and "移除" in again


def test_a_removed_file_is_opened_only_by_who_manages_the_activity(world, client_for):
    lecture = _held_lecture(world)
    _upload(client_for("secretary_a"), lecture)
    record = Record.objects.get()
    assert client_for("member_a").get(f"/meetings/records/{record.pk}/").status_code == 200
    services.remove_record(record, world.user("secretary_a"))
    assert client_for("member_a").get(f"/meetings/records/{record.pk}/").status_code == 404
    assert client_for("secretary_a").get(f"/meetings/records/{record.pk}/").status_code == 200
    page = client_for("member_a").get(f"/meetings/{lecture.pk}/").content.decode()
    assert "已移除（不计为记录）" in page and f"/meetings/records/{record.pk}/" not in page
    assert "确认移除" not in page  # a member removes nothing


def test_paper_archive_location_is_entered_in_the_page(world, client_for):
    lecture = _held_lecture(world)
    secretary = client_for("secretary_a")
    page = secretary.get(f"/meetings/{lecture.pk}/").content.decode()
    assert 'name="reference"' in page and "纸质存档位置" in page
    response = secretary.post(
        f"/meetings/{lecture.pk}/records/",
        {"kind": "lecture_record", "reference": "党建档案柜2号 2025年第3卷"},
        follow=True,
    )
    assert "已登记纸质存档位置。" in response.content.decode()
    record = Record.objects.get()
    assert record.reference == "党建档案柜2号 2025年第3卷" and not record.file
    assert {r.code: r.how for r in services.record_checklist(lecture)}["lecture_record"] == "纸质存档"


@pytest.mark.parametrize(
    "data,problem",
    [
        ({}, "请选择要上传的文件，或填写纸质存档位置。"),
        ({"reference": "   "}, "请选择要上传的文件，或填写纸质存档位置。"),
        ({"reference": "长" * 201}, "最多写 200 个字"),
        (
            {"reference": "档案柜", "file": SimpleUploadedFile("a.pdf", PDF)},
            "上传文件和纸质存档位置请只填一项",
        ),
    ],
)
def test_a_record_needs_a_file_or_a_place_not_both(world, client_for, data, problem):
    lecture = _held_lecture(world)
    response = client_for("secretary_a").post(
        f"/meetings/{lecture.pk}/records/", {"kind": "lecture_record", **data}, follow=True
    )
    assert problem in response.content.decode() and "记录未保存" in response.content.decode()
    assert not Record.objects.exists()


@pytest.mark.parametrize("kind", ["committee_meeting", "general_meeting", "party_lecture", "group_meeting"])
def test_every_kind_files_photos(world, client_for, kind):
    activity = make_activity(world.group_a1 if kind == "group_meeting" else world.branch_a, kind)
    secretary = client_for("secretary_a")
    page = secretary.get(f"/meetings/{activity.pk}/").content.decode()
    assert '<option value="activity_photos">活动剪影</option>' in page
    page = _upload(secretary, activity, "activity_photos", _jpeg(), "合影.jpg").content.decode()
    assert "记录已上传。" in page and Record.objects.get().kind == "activity_photos"
