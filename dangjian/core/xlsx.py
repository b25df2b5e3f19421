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


# Reading: a streaming reader of the first sheet's values, several times faster than openpyxl's
# read-only mode, which matters for registers of thousands of rows. It understands what spreadsheet
# programs write: shared and inline strings, numbers, booleans, and numbers in date formats as dates.

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DATE_FORMAT_IDS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}


class NotASpreadsheet(ValueError):
    pass


def _date_styles(archive) -> set[int]:
    import re

    from lxml import etree

    try:
        root = etree.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    custom = set()
    for fmt in root.iter(f"{_NS}numFmt"):
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt.get("formatCode", "")).lower()
        if any(ch in code for ch in "ymd") or ("h" in code and "s" in code):
            custom.add(int(fmt.get("numFmtId")))
    xfs = root.find(f"{_NS}cellXfs")
    if xfs is None:
        return set()
    return {
        i
        for i, xf in enumerate(xfs.findall(f"{_NS}xf"))
        if int(xf.get("numFmtId", 0)) in _DATE_FORMAT_IDS | custom
    }


def _first_sheet(archive) -> tuple[str, bool]:
    from lxml import etree

    book = etree.fromstring(archive.read("xl/workbook.xml"))
    pr = book.find(f"{_NS}workbookPr")
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    sheet = book.find(f"{_NS}sheets/{_NS}sheet")
    rel_id = sheet.get(f"{_REL_NS}id")
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target")
            return (target.lstrip("/") if target.startswith("/") else "xl/" + target), date1904
    raise KeyError(rel_id)


def _column_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if ch.isdigit():
            break
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_sheet(file):
    """Yield (row number, tuple of values) for each row of the first sheet.

    Raises NotASpreadsheet when the file is not an .xlsx workbook."""
    import datetime as dt
    import zipfile
    import zlib

    from lxml import etree

    # What a damaged archive raises while opened or streamed: a bad CRC, a corrupt deflate stream, an
    # unsupported compression method, an encrypted member, a truncated file, bad XML.
    damaged = (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        EOFError,
        KeyError,
        AttributeError,
        IndexError,
        ValueError,
        etree.XMLSyntaxError,
        OSError,
    )

    try:
        archive = zipfile.ZipFile(file)
        path, date1904 = _first_sheet(archive)
        shared = []
        if "xl/sharedStrings.xml" in archive.namelist():
            for _, si in etree.iterparse(archive.open("xl/sharedStrings.xml"), tag=f"{_NS}si"):
                shared.append("".join(t.text or "" for t in si.iter(f"{_NS}t")))
                si.clear()
        dates = _date_styles(archive)
        sheet = archive.open(path)
    except damaged as exc:
        raise NotASpreadsheet(str(exc)) from exc
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)

    def rows():
        try:
            for _, row in etree.iterparse(sheet, tag=f"{_NS}row"):
                values: dict[int, object] = {}
                for i, c in enumerate(row.iterchildren(f"{_NS}c")):
                    ref = c.get("r")
                    col = _column_index(ref) if ref else i
                    kind = c.get("t")
                    if kind == "inlineStr":
                        values[col] = "".join(t.text or "" for t in c.iter(f"{_NS}t"))
                        continue
                    v = c.findtext(f"{_NS}v")
                    if v is None:
                        continue
                    if kind == "s":
                        values[col] = shared[int(v)]
                    elif kind == "b":
                        values[col] = v == "1"
                    elif kind in ("str", "e"):
                        values[col] = v
                    else:
                        number = float(v)
                        if c.get("s") and int(c.get("s")) in dates:
                            values[col] = epoch + dt.timedelta(days=number)
                        else:
                            values[col] = int(number) if number.is_integer() else number
                number = int(row.get("r")) if row.get("r") else None
                row.clear()
                if values:
                    yield number, tuple(values.get(i) for i in range(max(values) + 1))
        except damaged as exc:
            raise NotASpreadsheet(str(exc)) from exc

    return rows()
