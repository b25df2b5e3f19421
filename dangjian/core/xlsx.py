"""Writing lists to .xlsx downloads."""

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# What a cell may not hold in an .xlsx or .docx (XML 1.0): C0 controls other than tab, LF and CR, lone
# surrogates and the two non-characters. Stored data can hold them (imports, old versions, the API).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A text beginning with one of these is a formula, or becomes one when edited, in Excel and LibreOffice.
# "#" too: "#N/A" and the like would be error values.
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r", "#")
# Wide and full-width characters (Unicode East_Asian_Width W and F), by block: enough to size a column.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00016fe0-\U0001b2ff"
    "\U0001f300-\U0001f64f\U0001f900-\U0001faff\U00020000-\U0003fffd]"
)
MAX_CELL_TEXT = 32767  # Excel's limit: a longer text makes the file "need repair"
TITLE_ROWS = 2  # the title and the line saying which organisation, which period, when: the header follows
MAX_WIDTH = 40  # a column wider than this wraps its text instead
LINE_HEIGHT = 15  # points, for 11 pt text
MAX_ROW_HEIGHT = 409  # points, Excel's highest row
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'


def xml_text(value: str) -> str:
    """`value` without the characters XML cannot carry (the one cleaning for .xlsx and .docx exports)."""
    return _ILLEGAL_XML.sub("", value)


def text_width(value: str) -> int:
    """The widest line of `value` in columns of a Latin digit: a Chinese (wide) character counts two."""
    return max(len(line) + len(_WIDE.findall(line)) for line in value.split("\n"))


def _cell_value(value):
    """A value as the sheet holds it: dates as dates (local time), else text or a number."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # to the second: Excel keeps milliseconds only
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # Excel has no NaN or infinity
    if isinstance(value, dt.date | int | float | Decimal):
        return value
    return xml_text(str(value))[:MAX_CELL_TEXT]


def _shown_width(value) -> int:
    if isinstance(value, dt.datetime):
        return text_width("2000年12月31日 00:00")
    if isinstance(value, dt.date):
        return text_width("2000年12月31日")
    if isinstance(value, str):
        return text_width(value)
    return len(str(value)) if value is not None else 0


def _lines(value, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` wide."""
    if not isinstance(value, str) or (2 * len(value) < width - 1 and "\n" not in value):
        return 1
    return sum(max(1, -(-text_width(line) // max(1, int(width) - 1))) for line in value.split("\n"))


def workbook_bytes(
    title: str, headers: Sequence[str], rows: Iterable[Sequence], *, org: str = "", period: str = ""
) -> bytes:
    """The one writer of every .xlsx export: a title row and a line naming the organisation, the period and
    the export time; a frozen header; columns as wide as their Chinese text; dates as dates; A4 landscape,
    fitted to the page width, the title and header repeated on every page. No cell is a formula."""
    now = timezone.localtime()
    stamp = f"导出时间：{now.year}年{now.month}月{now.day}日 {now:%H:%M}"
    title, org, period = (xml_text(str(t)) for t in (title, org, period))
    subtitle = "　".join(part for part in (org, period, stamp) if part)
    headers = [_cell_value(h) or "" for h in headers]
    body = [[_cell_value(v) for v in row] for row in rows]
    widths = _widths(headers, body, title, subtitle)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[][:*?/\\]", "", title)[:31] or "Sheet1")
    _page_setup(ws, widths)
    # Spreadsheet programs do not grow a row for wrapped text on opening: say how high each one is.
    tall = set()
    for number, row in enumerate((headers, *body), TITLE_ROWS + 1):
        lines = max((_lines(v, widths[i]) for i, v in enumerate(row)), default=1)
        if lines > 1:
            ws.row_dimensions[number].height = min(LINE_HEIGHT * lines, MAX_ROW_HEIGHT)
            tall.add(number)
    styles = _Styles(ws)
    ws.append([styles.cell(title, styles.title)])
    ws.append([styles.cell(subtitle, styles.subtitle)])
    ws.append([styles.cell(h, styles.header) for h in headers])
    for number, row in enumerate(body, TITLE_ROWS + 2):
        ws.append([styles.cell(v, wrap=number in tall) for v in row])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _widths(headers: list, body: list[list], title: str, subtitle: str) -> list[int]:
    columns = max([len(headers), *(len(r) for r in body)])
    # A long header wraps onto two lines rather than widen its column (e.g. 双重组织生活组织代码).
    widths = [w if w <= 12 else -(-w // 2) + 1 for w in map(_shown_width, headers)] + [0] * columns
    for row in body:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _shown_width(value))
    widths = [min(w + 2, MAX_WIDTH) for w in widths[:columns]]
    # A text too long for the highest row a spreadsheet allows gets a wider column (up to Excel's widest).
    for row in body:
        for i, value in enumerate(row):
            while _lines(value, widths[i]) * LINE_HEIGHT > MAX_ROW_HEIGHT and widths[i] < 255:
                widths[i] = min(255, widths[i] + 10)
    # Merged cells do not grow: widen the columns until both title lines fit (the title is 14 pt, not 11).
    missing = max(text_width(title) * 14 // 11 + 2, text_width(subtitle) + 2) - sum(widths)
    if missing > 0:
        widths = [w + -(-missing // columns) for w in widths]
    return widths


def _page_setup(ws, widths: list[int]) -> None:
    """Column widths, the frozen header and printing: A4 landscape, one page wide, titles on every page."""
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[1].height = 24
    ws.freeze_panes = f"A{TITLE_ROWS + 2}"
    ws.print_title_rows = f"1:{TITLE_ROWS + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    last = get_column_letter(len(widths))
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")


class _Styles:
    """The few cell styles of an export, built once per workbook: styling each cell anew is slow."""

    def __init__(self, ws):
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        wrap = Alignment(vertical="top", wrap_text=True)
        self.ws = ws
        self.title = self._style(font=Font(bold=True, size=14), alignment=centre)
        self.subtitle = self._style(alignment=centre)
        self.header = self._style(
            font=Font(bold=True), alignment=centre, fill=PatternFill("solid", fgColor="E8E8E8")
        )
        self.text = self._style(alignment=wrap)
        # quotePrefix: a text that looks like a formula stays text when someone edits the cell.
        self.quoted = self._style(alignment=wrap, quotePrefix=True)
        self.date = self._style(alignment=wrap, number_format=DATE_FORMAT)
        self.datetime = self._style(alignment=wrap, number_format=DATETIME_FORMAT)

    def _style(self, **attrs) -> StyleArray:
        cell = Cell(self.ws)
        for name, value in attrs.items():
            setattr(cell, name, value)
        return cell._style

    def cell(self, value, style: StyleArray | None = None, wrap: bool = False):
        """A cell for `value`, or the plain value where no style is needed (much faster to write)."""
        if style is None:
            if isinstance(value, dt.datetime):
                style = self.datetime
            elif isinstance(value, dt.date):
                style = self.date
            elif isinstance(value, str) and value.startswith(_FORMULA_LEAD):
                style = self.quoted
            elif wrap:
                style = self.text
            else:
                return value
        cell = Cell(self.ws, row=1, column=1, value=value, style_array=style)  # placed by append()
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text: never a formula ("=…") or an error value ("#N/A")
        return cell


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
_CELL_REF = re.compile(r"([A-Z]+)(\d*)")
_INTEGER = re.compile(r"\s*-?\d{1,30}\s*")  # read exactly: a float would change an 18-digit ID number
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
    match = _CELL_REF.match(ref)
    if match is None:
        raise ValueError(f"bad cell reference {ref[:20]!r}")
    return _letters_index(match.group(1))


@functools.lru_cache(maxsize=256)  # a sheet repeats the same few column letters on every row
def _letters_index(letters: str) -> int | None:
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
        kind = c.get("t")
        if kind == "inlineStr":
            return _unescape("".join(t.text or "" for t in c.iter(f"{_NS}t")))
        v = c.findtext(f"{_NS}v")
        if kind in (None, "n") and not (v or "").strip() and c.find(f"{_NS}f") is not None:
            return BadCell("", "单元格是公式且没有计算结果，请改为填写内容本身")
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
            number = int(v) if _INTEGER.fullmatch(v) else float(v)
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
