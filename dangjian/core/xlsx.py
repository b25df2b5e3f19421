"""Writing lists to .xlsx downloads."""

from collections.abc import Iterable, Sequence
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def styled_template(title: str, headers: Sequence[str], notes: Sequence[str], example: Sequence) -> bytes:
    """An import template: bold headers on an empty data sheet, and a sheet of notes ending with an example.

    The example stays off the data sheet so that a template filled in below it never imports it by accident.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, _ in enumerate(headers):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = 16
    help_sheet = wb.create_sheet("填写说明")
    for line in notes:
        help_sheet.append([line])
    help_sheet.append([])
    help_sheet.append(["填写示例（请填在第一个工作表中）："])
    help_sheet.append(list(headers))
    help_sheet.append(list(example))
    help_sheet.column_dimensions["A"].width = 40
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def download(filename: str, content: bytes) -> HttpResponse:
    return attachment(HttpResponse(content, content_type=XLSX_TYPE), filename)
