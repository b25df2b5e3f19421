"""Building member spreadsheets for the import tests."""

import re
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

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


# Workbooks written by hand, for cells that spreadsheet libraries will not write: crafted references,
# error values, impossible date serials, rows and cells without their optional "r" attribute.


class Date(str):
    """A number, as written, in a date-formatted cell (an Excel date serial)."""


class Number(str):
    """A number, as written, in a number cell."""


class Error(str):
    """An Excel error value such as #N/A."""


class Formula(str):
    """A formula without a computed value, as openpyxl writes a text beginning with "="."""


def _xml_text(text: str) -> str:
    """Text as spreadsheet programs write it: what XML cannot hold (control characters) as _xHHHH_."""
    return escape(
        re.sub(
            r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]",
            lambda m: f"_x{ord(m.group()):04X}_",
            text,
        )
    )


def cells(number: int | None, values, refs: bool = True) -> str:
    """One <row> of values (columns from A), or of (reference, value) pairs; no "r" when refs=False."""
    out = []
    for i, item in enumerate(values):
        ref, value = item if isinstance(item, tuple) else (f"{get_column_letter(i + 1)}{number}", item)
        r = f' r="{ref}"' if refs else ""
        if value is None or value == "":
            out.append("" if refs else "<c/>")  # without references, an empty cell keeps the place
            continue
        if isinstance(value, bool):
            out.append(f'<c{r} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, Date):
            out.append(f'<c{r} s="1"><v>{value}</v></c>')
        elif isinstance(value, Number):
            out.append(f"<c{r}><v>{value}</v></c>")
        elif isinstance(value, Formula):
            out.append(f"<c{r}><f>{escape(value)}</f><v></v></c>")
        elif isinstance(value, Error):
            out.append(f'<c{r} t="e"><v>{escape(value)}</v></c>')
        elif isinstance(value, int | float):
            out.append(f"<c{r}><v>{value!r}</v></c>")
        else:
            out.append(
                f'<c{r} t="inlineStr"><is><t xml:space="preserve">{_xml_text(str(value))}</t></is></c>'
            )
    row_ref = f' r="{number}"' if refs and number else ""
    return f"<row{row_ref}>{''.join(out)}</row>"


def raw_xlsx(*sheets: tuple[str, list[str]]) -> bytes:
    """A workbook of (sheet name, list of <row> XML); cell style 1 is a date format."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            + "".join(
                f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (name, _) in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" Type="{rel}/worksheet"/>'
                for i in range(1, len(sheets) + 1)
            )
            + "</Relationships>",
        )
        z.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{main}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
            "</styleSheet>",
        )
        for i, (_, rows) in enumerate(sheets, start=1):
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<worksheet xmlns="{main}"><sheetData>{"".join(rows)}</sheetData></worksheet>',
            )
    return buffer.getvalue()


def member_sheet(*rows: dict, headers: list[str] = HEADERS, refs: bool = True) -> bytes:
    """A hand-written member register: the header row, then one row per dict (header -> value)."""
    lines = [cells(1, headers, refs)]
    lines += [cells(n, [r.get(h, "") for h in headers], refs) for n, r in enumerate(rows, start=2)]
    return raw_xlsx(("党员名册", lines))
