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


# Reading: a streaming reader of sheets' values, several times faster than openpyxl's read-only mode,
# which matters for registers of thousands of rows. It understands what spreadsheet programs write:
# shared and inline strings, numbers, booleans, error values, and numbers in date formats as dates.
# It is bounded: the parts' unpacked sizes are checked before reading, and while streaming no row may be
# wider than the caller's template nor the sheet longer than settings.IMPORT_MAX_ROWS, so a crafted cell
# reference (AAAAAAA2) or a zip bomb is refused instead of filling the memory.

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DATE_FORMAT_IDS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_CELL_REF = r"([A-Z]+)(\d*)"
_INTEGER = r"\s*-?\d{1,30}\s*"  # read exactly: a float would change an 18-digit ID number
_LAST_SERIAL = 2958465  # Excel's last date, 9999-12-31


class NotASpreadsheet(ValueError):
    pass


class SheetRefused(ValueError):
    """The file is a workbook, but too large to read: the message says what to change, in Chinese."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


class BadCell:
    """A cell that holds no usable value: an Excel error (#N/A, #REF!...) or an impossible number."""

    __slots__ = ("problem", "shown")

    def __init__(self, shown: str, problem: str):
        self.shown, self.problem = shown, problem

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"BadCell({self.shown!r})"


def column_letter(index: int) -> str:
    """The letter of a 0-based column index (0 -> A, 26 -> AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def text_cell(value) -> str:
    """A cell as text; ValueError with a Chinese message for a cell that holds no text."""
    if isinstance(value, BadCell):
        raise ValueError(value.problem)
    if isinstance(value, bool):
        raise ValueError("单元格是逻辑值（TRUE/FALSE），这里应填写文字")
    if isinstance(value, list | dict):
        raise ValueError("应为文字")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def _date_styles(root) -> set[int]:
    import re

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


def _unescape(text: str) -> str:
    """Spreadsheet programs write characters XML cannot hold (control characters) as _xHHHH_."""
    if "_x" not in text:
        return text
    import re

    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _column_index(ref: str) -> int | None:
    """The 0-based column of a cell reference; None beyond XFD (a crafted reference)."""
    import re

    match = re.match(_CELL_REF, ref)
    if match is None:
        raise ValueError(f"bad cell reference {ref[:20]!r}")
    letters = match.group(1)
    if len(letters) > 3:
        return None
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _damaged():
    """What a damaged archive raises while opened or streamed: a bad CRC, a corrupt deflate stream, an
    unsupported compression method, an encrypted member, a truncated file, bad XML."""
    import zipfile
    import zlib

    from lxml import etree

    return (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        EOFError,
        KeyError,
        AttributeError,
        IndexError,
        ValueError,
        TypeError,
        etree.XMLSyntaxError,
        OSError,
    )


class Book:
    """An .xlsx workbook opened for reading: its sheets' names, and each sheet's rows on demand.

    `max_cells` bounds the distinct texts the workbook may hold (no more than the cells it may have)."""

    def __init__(self, file, max_cells: int):
        import zipfile

        from django.conf import settings
        from lxml import etree

        self.max_rows = settings.IMPORT_MAX_ROWS
        try:
            self.archive = zipfile.ZipFile(file)
            limit = settings.IMPORT_MAX_UNPACKED_MB * 1024 * 1024
            if any(info.file_size > limit for info in self.archive.infolist()):
                raise SheetRefused(
                    f"文件解压后超过 {settings.IMPORT_MAX_UNPACKED_MB} MB，不像是党员名册或活动记录表；"
                    "请使用模板填写，数据较多时分成几个文件分批导入。"
                )
            book = etree.fromstring(self.archive.read("xl/workbook.xml"))
            pr = book.find(f"{_NS}workbookPr")
            self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
            rels = etree.fromstring(self.archive.read("xl/_rels/workbook.xml.rels"))
            targets = {rel.get("Id"): rel.get("Target") for rel in rels}
            self.sheets: dict[str, str] = {}
            for sheet in book.iterfind(f"{_NS}sheets/{_NS}sheet"):
                target = targets[sheet.get(f"{_REL_NS}id")]
                self.sheets[sheet.get("name")] = (
                    target.lstrip("/") if target.startswith("/") else "xl/" + target
                )
            if not self.sheets:
                raise KeyError("no sheet")
            self.shared = []
            if "xl/sharedStrings.xml" in self.archive.namelist():
                for _, si in etree.iterparse(self.archive.open("xl/sharedStrings.xml"), tag=f"{_NS}si"):
                    if len(self.shared) >= max_cells:
                        raise SheetRefused(
                            f"文件中的文字超过 {max_cells} 项，超出了表格的行数上限；请分成几个文件分批导入。"
                        )
                    self.shared.append(_unescape("".join(t.text or "" for t in si.iter(f"{_NS}t"))))
                    si.clear()
            try:
                self.dates = _date_styles(etree.fromstring(self.archive.read("xl/styles.xml")))
            except KeyError:
                self.dates = set()
        except _damaged() as exc:
            if isinstance(exc, SheetRefused):
                raise
            raise NotASpreadsheet(str(exc)) from exc

    @property
    def names(self) -> list[str]:
        return list(self.sheets)

    def rows(self, sheet: int | str, max_columns: int):
        """Yield (row number, tuple of values) for each row of a sheet (by position or name) that has a
        value; raise SheetRefused for a value beyond `max_columns` or more than the rows allowed."""
        from lxml import etree

        damaged = _damaged()
        try:
            path = list(self.sheets.values())[sheet] if isinstance(sheet, int) else self.sheets[sheet]
            stream = self.archive.open(path)
        except damaged as exc:
            raise NotASpreadsheet(str(exc)) from exc
        count = 0
        number = 0
        try:
            for _, row in etree.iterparse(stream, tag=f"{_NS}row"):
                number = int(row.get("r")) if row.get("r") else number + 1  # "r" is optional: the next row
                values = self._values(row, number, max_columns)
                row.clear()
                if values:
                    count += 1
                    if count > self.max_rows + 1:  # the header row and the data rows allowed
                        message = f"表格的数据超过 {self.max_rows} 行（不含表头），请分成几个文件分批导入。"
                        raise SheetRefused(message, number)
                    yield number, tuple(values.get(i) for i in range(max(values) + 1))
        except SheetRefused:
            raise
        except damaged as exc:
            raise NotASpreadsheet(str(exc)) from exc

    def _values(self, row, number: int, max_columns: int) -> dict[int, object]:
        values: dict[int, object] = {}
        col = -1
        for c in row.iterchildren(f"{_NS}c"):
            ref = c.get("r")
            col = _column_index(ref) if ref else col + 1  # "r" is optional: the next column
            value = self._value(c)
            if value is None or value == "":
                continue
            if col is None or col >= max_columns:
                raise SheetRefused(
                    f"{(ref or column_letter(col))[:20]} 单元格有内容，但模板只有 {max_columns} 列"
                    f"（A 到 {column_letter(max_columns - 1)} 列）；请删除模板以外的列后重新上传。",
                    number,
                )
            values[col] = value
        return values

    def _value(self, c):
        import datetime as dt
        import math
        import re

        kind = c.get("t")
        if kind == "inlineStr":
            return _unescape("".join(t.text or "" for t in c.iter(f"{_NS}t")))
        v = c.findtext(f"{_NS}v")
        if v is None:
            return None
        if kind == "s":
            return self.shared[int(v) if v.strip().isdigit() else len(self.shared)]  # IndexError: damaged
        if kind == "b":
            return v.strip() in ("1", "true")
        if kind == "e":
            return BadCell(v, f"单元格是 Excel 错误值 {v[:20]}（多为公式出错），请改为填写内容本身")
        if kind == "str":
            return _unescape(v)
        try:
            number = int(v) if re.fullmatch(_INTEGER, v) else float(v)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            return BadCell(v[:20], f"单元格的数值 {v[:20]} 无效，请重新填写")
        if c.get("s") and int(c.get("s")) in self.dates:
            epoch = dt.datetime(1904, 1, 1) if self.date1904 else dt.datetime(1899, 12, 30)
            if 0 <= number <= _LAST_SERIAL:
                try:
                    return epoch + dt.timedelta(days=number)
                except OverflowError:
                    pass
            return BadCell(v[:20], f"日期超出范围（Excel 日期序号 {v[:20]}），请填写如 2020-07-01 的日期")
        if isinstance(number, float) and number.is_integer() and abs(number) < 2**53:
            return int(number)
        return number


def open_book(file, max_cells: int) -> Book:
    """Raises NotASpreadsheet when the file is not an .xlsx workbook, SheetRefused when it is too large."""
    return Book(file, max_cells)


def read_sheet(file, max_columns: int):
    """Yield (row number, tuple of values) for each row of the first sheet; see Book.rows."""
    from django.conf import settings

    return open_book(file, settings.IMPORT_MAX_ROWS * max_columns).rows(0, max_columns)
