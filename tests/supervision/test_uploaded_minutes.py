"""Minutes uploaded as .docx or .pdf: their text is extracted once and compared for copying like typed
minutes; a file that is not a document, or is broken, gives no text and no error."""

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from dangjian.meetings.services import store_record
from dangjian.supervision import services
from dangjian.supervision.models import Signal
from dangjian.supervision.review import RecordText
from dangjian.supervision.text import plain
from dangjian.supervision.uploaded import text_of

from .helpers import MINUTES, held

TEXT = plain(MINUTES)


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    for line in text.split("。"):
        if line:
            document.add_paragraph(line + "。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()


def test_text_of_a_docx_and_a_pdf():
    assert "".join(text_of(docx_bytes(TEXT), "记录.docx").split()) == "".join(TEXT.split())
    assert "集中学习党章有关党员义务的条款" in "".join(text_of(pdf_bytes(TEXT), "记录.pdf").split())
    assert text_of(b"PK\x03\x04broken", "坏.docx") == ""
    assert text_of(b"%PDF-1.7 broken", "坏.pdf") == ""
    assert text_of(b"\x89PNG\r\n", "图.png") == ""


@pytest.mark.django_db
@pytest.mark.parametrize("make,name", [(docx_bytes, "会议记录.docx"), (pdf_bytes, "会议记录.pdf")])
def test_a_copy_uploaded_as_a_file_is_found(world, make, name):
    held(world.branch_a, dt.date(2025, 3, 10), minutes=MINUTES, title="重温入党誓词")
    copy = held(world.branch_b, dt.date(2025, 4, 12))  # no typed minutes: only the file
    data = make(TEXT.replace("三月十日", "四月十二日"))
    store_record(copy, "minutes", SimpleUploadedFile(name, data), world.user("organiser_b"))
    services.compute()
    assert RecordText.objects.get(record__activity=copy).text
    signal = Signal.objects.get(kind="copied_minutes")
    assert signal.org == world.branch_b
    evidence = services.evidence(signal)
    assert any(shared for _, shared in evidence[1].runs)  # the file's text is shown with shared parts
    services.compute()
    assert RecordText.objects.count() == 1  # read once


@pytest.mark.django_db
def test_a_different_uploaded_text_is_not_a_copy(world):
    held(world.branch_a, dt.date(2025, 3, 10), minutes=MINUTES, title="重温入党誓词")
    other = held(world.branch_b, dt.date(2025, 4, 12))
    honest = (
        "四月十二日下午召开支部党员大会，讨论发展对象张某的入党申请，"
        "十二名党员举手表决全部同意，会后组织委员整理材料报镇党委审批。"
    )
    store_record(other, "minutes", SimpleUploadedFile("记录.docx", docx_bytes(honest)), None)
    services.compute()
    assert not Signal.objects.filter(kind="copied_minutes").exists()
