"""Building member spreadsheets for the import tests."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from dangjian.core import idcard
from dangjian.members.importing import HEADERS


def valid_id(birth: str = "19800101", seq: int = 1, area: str = "110101") -> str:
    first17 = f"{area}{birth}{seq:03d}"
    return first17 + idcard.check_char(first17)


def row(**values) -> dict:
    """One row with sensible defaults for the required columns."""
    base = {
        "姓名": "王小明",
        "身份证号": valid_id(),
        "入党日期": "2005-07-01",
        "转正日期": "2006-07-01",
        "类别": "正式党员",
        "所在党支部代码": "BRA",
    }
    base.update(values)
    return base


def xlsx_bytes(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
