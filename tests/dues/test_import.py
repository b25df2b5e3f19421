"""Import of the branches' dues spreadsheets: all or nothing, every problem with its row and column."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from dangjian.dues.models import Entry, Payment, Profile

pytestmark = pytest.mark.django_db
HEADERS = ["姓名", "所属月份", "金额", "交纳日期", "方式", "说明"]


def _file(rows, headers=HEADERS):
    from io import BytesIO

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("党费.xlsx", buf.getvalue())


@pytest.fixture
def profiles(world):
    for m in world.members_a:
        Profile.objects.create(member=m, year=2025, category="employed", base=Decimal("3000"))


def _post(client_for, f):
    return client_for("secretary_a").post("/dues/org/BRA/import/", {"file": f}, follow=True).content.decode()


def test_a_clean_file_is_recorded_with_back_payment_marked(world, profiles, client_for):
    rows = [
        ["甲2", "2025-01", "15.00", "2025-03-10", "现金", ""],
        ["甲3", "2025-03", 15, "2025-03-10", "转账", "微信"],
    ]
    page = _post(client_for, _file(rows))
    assert "已导入 2 笔党费交纳记录" in page
    assert Payment.objects.filter(source="import").count() == 2
    assert Entry.objects.get(member=world.members_a[2]).back_payment


def test_a_bad_file_lists_every_problem_and_records_nothing(world, profiles, client_for):
    rows = [
        ["甲2", "2025-01", "15.00", "2025-03-10", "现金", ""],
        ["查无此人", "2025-13", "-1", "昨天", "支付宝", ""],
        ["甲3", "2025-02", "15.001", "2099-01-01", "现金", ""],
        ["甲2", "2025-01", "15.00", "2025-03-10", "现金", ""],
    ]
    page = _post(client_for, _file(rows))
    for problem in [
        "第3行「姓名」：本支部的在册党员中没有“查无此人”",
        "第3行「所属月份」：应为月份",
        "第3行「金额」：应为大于 0、最多两位小数的金额",
        "第3行「交纳日期」：应为日期",
        "第3行「方式」：应为 现金、转账 或 其他",
        "第4行「金额」",
        "第4行「交纳日期」：不能晚于今天",
        "第5行「所属月份」：与第2行是同一党员的同一月份",
    ]:
        assert problem in page, problem
    assert Payment.objects.count() == 0


def test_a_month_already_paid_refuses_the_whole_file(world, profiles, client_for):
    from dangjian.dues import services

    services.record_payment(
        world.members_a[3], [dt.date(2025, 2, 1)], paid_on=dt.date(2025, 2, 5), method="cash", user=None
    )
    rows = [
        ["甲2", "2025-01", "15", "2025-03-10", "现金", ""],
        ["甲3", "2025-02", "15", "2025-03-10", "现金", ""],
    ]
    page = _post(client_for, _file(rows))
    assert "第3行「所属月份」：甲3 2025年2月的党费已交清" in page
    assert Payment.objects.count() == 1


def test_not_a_spreadsheet_and_missing_columns(world, profiles, client_for):
    assert "不是有效的 .xlsx 文件" in _post(client_for, SimpleUploadedFile("a.xlsx", b"not a zip"))
    page = _post(client_for, _file([["甲2"]], headers=["姓名", "月份"]))
    assert "「所属月份」：缺少此列" in page and "「方式」：缺少此列" in page
    assert "文件只有表头" in _post(client_for, _file([]))
