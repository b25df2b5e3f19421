"""Uploads: type by content, size limit, images re-encoded without EXIF, files served only with permission."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangjian.meetings import policy, services
from dangjian.meetings.models import Record

from .helpers import make_activity

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (30.0, 0.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_image_reencoded_without_exif():
    data = jpeg_with_exif()
    assert Image.open(io.BytesIO(data)).getexif()
    content, extension, mime = services.check_upload(data, "activity_photos")
    assert extension == "jpg" and mime == "image/jpeg"
    assert not Image.open(io.BytesIO(content)).getexif()


def test_pdf_accepted_for_documents_not_for_photos():
    assert services.check_upload(PDF, "lecture_script")[1] == "pdf"
    with pytest.raises(services.UploadRefused, match="只能上传JPG、PNG 图片"):
        services.check_upload(PDF, "activity_photos")


def test_type_read_from_content_not_name():
    with pytest.raises(services.UploadRefused, match="实际内容不是这些类型"):
        services.check_upload(b"MZ\x90\x00 this is an exe renamed to .pdf", "minutes")
    with pytest.raises(services.UploadRefused, match="实际内容不是这些类型"):
        services.check_upload("纯文本会议记录".encode(), "minutes")


def test_oversize_refused(monkeypatch):
    monkeypatch.setattr(policy, "UPLOAD_MAX_BYTES", 1024)
    with pytest.raises(services.UploadRefused, match="文件超过"):
        services.check_upload(PDF + b"0" * 2000, "minutes")


def test_unknown_kind_and_empty_refused():
    with pytest.raises(services.UploadRefused, match="不在规则文件"):
        services.check_upload(PDF, "no_such_kind")
    with pytest.raises(services.UploadRefused, match="空的"):
        services.check_upload(b"", "minutes")


@pytest.mark.django_db
def test_upload_page_and_permission_checked_download(world, client_for):
    a = make_activity(world.branch_a, "party_lecture", speaker=world.members_a[0])
    secretary = client_for("secretary_a")
    upload = SimpleUploadedFile("党课稿.pdf", PDF, content_type="application/pdf")
    response = secretary.post(f"/meetings/{a.pk}/records/", {"kind": "lecture_script", "file": upload})
    assert response.status_code == 302
    record = Record.objects.get(activity=a)
    assert (
        record.kind == "lecture_script" and record.original_name == "党课稿.pdf" and record.size == len(PDF)
    )
    assert {r.code: r.present for r in services.record_checklist(a)}["lecture_script"]
    download = secretary.get(f"/meetings/records/{record.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for("member_a").get(f"/meetings/records/{record.pk}/").status_code == 200
    assert client_for("member_b").get(f"/meetings/records/{record.pk}/").status_code == 404
    assert client_for("anonymous").get(f"/meetings/records/{record.pk}/").status_code == 302


@pytest.mark.django_db
def test_wrong_type_upload_refused_with_reason(world, client_for):
    a = make_activity(world.branch_a, "theme_day")
    upload = SimpleUploadedFile("photo.jpg", PDF, content_type="image/jpeg")
    response = client_for("secretary_a").post(
        f"/meetings/{a.pk}/records/", {"kind": "activity_photos", "file": upload}, follow=True
    )
    assert "上传未成功" in response.content.decode()
    assert not Record.objects.exists()
