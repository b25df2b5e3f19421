"""The one .xlsx writer (dangjian.core.xlsx.workbook_bytes), without HTTP."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dangjian.core import xlsx

HEADER_ROW = xlsx.TITLE_ROWS + 1


def _sheet(rows, headers=("甲", "乙", "丙"), **kwargs):
    return load_workbook(io.BytesIO(xlsx.workbook_bytes("测试表", list(headers), rows, **kwargs))).active


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "#N/A", '=HYPERLINK("x")'])
def test_text_that_looks_like_a_formula_stays_text(text):
    cell = _sheet([[text]])[f"A{HEADER_ROW + 1}"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_characters_xml_cannot_carry_are_dropped():
    sheet = _sheet([["甲\x1b乙", "\x00\x08\x0b\x0c\x13\x1f丙", "a\ud800b\uffff"]])
    assert [c.value for c in sheet[HEADER_ROW + 1]] == ["甲乙", "丙", "ab"]
    assert xlsx.xml_text("行1\n\t行2\r") == "行1\n\t行2\r"  # tab, line feed and carriage return are legal


def test_values_become_dates_numbers_and_chinese_text():
    aware = dt.datetime(2026, 1, 2, 1, 5, 30, 123456, tzinfo=dt.UTC)
    row = [dt.date(2026, 7, 1), aware, True, Decimal("1.5"), 3, None, "x" * 40000]
    sheet = _sheet([row], headers="ABCDEFG")
    date, when, yes, dec, num, empty, long = sheet[HEADER_ROW + 1]
    assert date.value == dt.datetime(2026, 7, 1) and date.number_format == 'yyyy"年"m"月"d"日"'
    assert when.value == dt.datetime(2026, 1, 2, 9, 5, 30)  # Asia/Shanghai
    assert when.number_format == 'yyyy"年"m"月"d"日" hh:mm'
    assert (yes.value, dec.value, num.value, empty.value) == ("是", 1.5, 3, None)
    assert len(long.value) == xlsx.MAX_CELL_TEXT


def test_title_rows_name_what_which_organisation_and_when():
    sheet = _sheet([], org="甲村党支部", period="2026年")
    assert sheet["A1"].value == "测试表" and sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert sheet["A2"].value.startswith("甲村党支部　2026年　导出时间：")
    assert [c.value for c in sheet[HEADER_ROW]] == ["甲", "乙", "丙"]
    assert "A1:C1" in sheet.merged_cells and "A2:C2" in sheet.merged_cells


def test_chinese_counts_double_in_column_widths():
    assert xlsx.text_width("党员名册") == 8 and xlsx.text_width("abcd") == 4
    assert xlsx.text_width("一\n一二三") == 6  # the widest line
    sheet = _sheet([["党员名册党员名册党员名册", "abcdefghijkl", "x"]])
    widths = [sheet.column_dimensions[c].width for c in "ABC"]
    assert widths[0] >= 24 + 2 and widths[1] >= 12 + 2 and widths[0] > widths[1] > widths[2]


def test_long_text_wraps_in_a_row_high_enough():
    long = "党员应当认真学习党的理论。" * 20
    sheet = _sheet([[long, "短"]])
    cell = sheet[f"A{HEADER_ROW + 1}"]
    assert sheet.column_dimensions["A"].width == xlsx.MAX_WIDTH and cell.alignment.wrap_text
    lines = -(-xlsx.text_width(long) // (xlsx.MAX_WIDTH - 1))
    assert sheet.row_dimensions[HEADER_ROW + 1].height == lines * xlsx.LINE_HEIGHT


def test_text_too_long_for_the_highest_row_gets_a_wider_column():
    sheet = _sheet([["党" * 1500]])
    assert sheet.column_dimensions["A"].width > xlsx.MAX_WIDTH
    assert sheet.row_dimensions[HEADER_ROW + 1].height <= xlsx.MAX_ROW_HEIGHT


def test_sheet_names_lose_the_characters_excel_refuses():
    content = xlsx.workbook_bytes("名单[2026]/一:二*?\\", ["甲"], [])
    assert load_workbook(io.BytesIO(content)).active.title == "名单2026一二"


def test_numbers_excel_cannot_hold_are_written_as_text():
    sheet = _sheet([[float("nan"), float("inf"), -float("inf")]])
    cells = sheet[HEADER_ROW + 1]
    assert [(c.value, c.data_type) for c in cells] == [("nan", "s"), ("inf", "s"), ("-inf", "s")]
