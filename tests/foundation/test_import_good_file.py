"""A good file imports in one go; the same file twice changes nothing; a changed file updates."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from dangjian.accounts.access import access_for
from dangjian.members import importing
from dangjian.members.models import Member, Transfer

from .sheets import row, upload, valid_id, xlsx_bytes

pytestmark = pytest.mark.django_db


def _rows():
    return [
        row(姓名="王小明", 身份证号=valid_id(seq=11), 手机号="13912345678", 所在党小组代码="BRA-G1"),
        row(姓名="李红", 身份证号=valid_id(seq=22), 性别="女", 学历="大学本科", 状态="流动"),
        row(
            姓名="赵预备", 身份证号=valid_id("19990305", 33), 入党日期="2026-01-05", 转正日期="", 类别="预备"
        ),
    ]


def test_template_downloads_and_a_filled_copy_imports(world, client_for):
    client = client_for("secretary_a")
    response = client.get("/members/import/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    sheet = wb.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "姓名*" and "身份证号*" in headers and sheet.max_row == 1  # no example row to import
    assert "填写说明" in wb.sheetnames
    for r in _rows():
        sheet.append([r.get(h.rstrip("*"), "") for h in headers])
    buffer = BytesIO()
    wb.save(buffer)
    before = Member.objects.count()
    response = client.post("/members/import/", {"file": upload(buffer.getvalue())})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Member.objects.count() == before + 3
    wang = Member.objects.by_id_number(valid_id(seq=11)).get()
    assert wang.org == world.branch_a and wang.group == world.group_a1 and wang.phone == "13912345678"
    assert wang.gender == "M" and str(wang.birth_date) == "1980-01-01"  # filled from the ID number
    assert Member.objects.by_id_number(valid_id("19990305", 33)).get().category == "probationary"
    history = wang.history.get()
    assert history.history_user == world.user("secretary_a")


def test_same_file_twice_changes_nothing(world):
    content = xlsx_bytes(_rows())
    scope = access_for(world.user("secretary_a")).manageable_orgs()
    first = importing.import_members(BytesIO(content), scope)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    snapshot = list(Member.objects.order_by("pk").values())
    history_count = Member.history.count()
    second = importing.import_members(BytesIO(content), scope)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert list(Member.objects.order_by("pk").values()) == snapshot
    assert Member.history.count() == history_count


def test_changed_rows_update_and_moves_are_transfers(world):
    scope = access_for(world.user("office")).manageable_orgs()
    importing.import_members(BytesIO(xlsx_bytes(_rows())), scope)
    changed = _rows()
    changed[0]["工作单位及职务"] = "甲村村委会 主任"
    changed[1]["所在党支部代码"] = "BRB"
    result = importing.import_members(BytesIO(xlsx_bytes(changed)), scope)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert Member.objects.by_id_number(valid_id(seq=11)).get().work_unit == "甲村村委会 主任"
    li = Member.objects.by_id_number(valid_id(seq=22)).get()
    assert li.org == world.branch_b
    transfer = Transfer.objects.get(member=li)
    assert (transfer.from_org, transfer.to_org) == (world.branch_a, world.branch_b)
    assert li.history.count() == 2


def test_export_reimports_unchanged(world, client_for):
    """The full export of a manager is a valid import file for the same people."""
    client = client_for("secretary_a")
    exported = client.get("/members/", {"format": "xlsx", "full": "1"}).content
    scope = access_for(world.user("secretary_a")).manageable_orgs()
    result = importing.import_members(BytesIO(exported), scope)
    assert result.created == 0 and result.updated == 0
    assert result.unchanged == Member.objects.filter(org=world.branch_a).count()
