"""A bad file is refused whole, with every problem named by row and column in Chinese; nothing is written."""

import base64
import struct
import zipfile
from io import BytesIO

import pytest

from dangjian.accounts.access import access_for
from dangjian.members import importing
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation

from .sheets import row, upload, valid_id, xlsx_bytes

pytestmark = pytest.mark.django_db

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _problems(world, content: bytes, role: str = "secretary_a") -> list[str]:
    before = (Member.objects.count(), Member.history.count())
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_members(BytesIO(content), access_for(world.user(role)).manageable_orgs())
    assert (Member.objects.count(), Member.history.count()) == before
    return [str(p) for p in refused.value.problems]


@pytest.mark.parametrize("content", ["name,id\n张三,1\n".encode(), PNG, b""], ids=["text", "png", "empty"])
def test_not_a_spreadsheet(world, content):
    assert _problems(world, content) == [
        "文件：文件不是有效的 Excel（.xlsx）表格，请使用模板填写后另存为 .xlsx 再上传。"
    ]


def _damaged(how: str) -> bytes:
    """A good workbook whose sheet member is damaged in the zip container (local and central headers)."""
    content = xlsx_bytes([row(身份证号=valid_id(seq=n)) for n in range(1, 40)])
    info = zipfile.ZipFile(BytesIO(content)).getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(content)
    local = info.header_offset
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(info.filename)] != info.filename.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    if how == "deflate":
        start = local + 30 + sum(struct.unpack("<HH", data[local + 26 : local + 30]))
        data[start + 5 : start + 40] = bytes(b ^ 0x5A for b in data[start + 5 : start + 40])
    elif how == "method":
        data[local + 8 : local + 10] = data[central + 10 : central + 12] = struct.pack("<H", 99)
    elif how == "crc":
        data[local + 14 : local + 18] = data[central + 16 : central + 20] = b"\x00\x00\x00\x00"
    elif how == "encrypted":
        data[local + 6] |= 1
        data[central + 8] |= 1
    return bytes(data)


@pytest.mark.parametrize("how", ["deflate", "method", "crc", "encrypted"])
def test_damaged_workbook_is_refused_not_a_500(world, client_for, how):
    content = _damaged(how)
    assert _problems(world, content) == [
        "文件：文件不是有效的 Excel（.xlsx）表格，请使用模板填写后另存为 .xlsx 再上传。"
    ]
    response = client_for("secretary_a").post("/members/import/", {"file": upload(content)})
    assert response.status_code == 200 and "文件不是有效的 Excel（.xlsx）表格" in response.content.decode()


def test_missing_required_column(world):
    headers = [h for h in importing.HEADERS if h != "入党日期"]
    assert _problems(world, xlsx_bytes([row()], headers)) == ["第1行「入党日期」：缺少必填列，请使用模板"]


def test_every_problem_in_every_row_is_listed(world):
    Organisation.objects.create(code="ELSEWHERE", name="外镇党支部", kind="branch")
    other_scope_id = world.members_b[0].id_number
    bad_checksum = valid_id(seq=5)[:-1] + ("0" if valid_id(seq=5)[-1] != "0" else "1")
    rows = [
        row(身份证号=valid_id(seq=1)),  # row 2: good
        row(身份证号=bad_checksum),  # row 3
        row(身份证号=valid_id(seq=1)),  # row 4: same ID as row 2
        row(身份证号=other_scope_id),  # row 5: registered in branch B, outside a secretary of A's scope
        row(身份证号=valid_id(seq=7), 所在党支部代码="NOPE"),  # row 6
        row(身份证号=valid_id(seq=9), 所在党支部代码="BRB"),  # row 7: outside scope
        row(身份证号=valid_id(seq=11), 入党日期="2005-13-45"),  # row 8
        row(身份证号=valid_id(seq=13), 姓名=""),  # row 9
        row(身份证号=valid_id(seq=15), 入党日期="去年"),  # row 10
        row(身份证号=valid_id("20100101", 17)),  # row 11: joined at 15
    ]
    problems = _problems(world, xlsx_bytes(rows))
    assert problems == [
        "第3行「身份证号」：身份证号校验位不正确，请核对",
        "第4行「身份证号」：与第2行重复",
        "第6行「所在党支部代码」：组织代码“NOPE”不存在",
        "第7行「所在党支部代码」：“乙企业党支部”不在您负责的组织内",
        "第8行「入党日期」：不存在这一天，请核对日期",
        "第9行「姓名」：必填，不能为空",
        "第10行「入党日期」：日期格式应为 2020-07-01",
        "第11行「入党日期」：入党时应年满十八周岁，请核对入党日期或出生日期",
        "第5行「身份证号」：该身份证号已在其他组织登记，不在您负责的组织内，请联系镇党建办办理组织关系转接",
    ]


def test_missing_required_cells_and_bad_choices(world):
    rows = [row(身份证号="", 类别="党员", 性别="未知", 党员领导干部="也许")]
    assert _problems(world, xlsx_bytes(rows)) == [
        "第2行「身份证号」：必填，不能为空",
        "第2行「性别」：应为以下之一：男、女",
        "第2行「类别」：应为以下之一：正式党员、预备党员",
        "第2行「党员领导干部」：应填“是”或“否”",
    ]


def test_header_only_file(world):
    assert _problems(world, xlsx_bytes([])) == ["文件：表格中没有党员数据。"]


def test_page_lists_every_problem_and_writes_nothing(world, client_for):
    content = xlsx_bytes(
        [row(身份证号=valid_id(seq=1)), row(身份证号=valid_id(seq=1), 所在党支部代码="NOPE")]
    )
    before = Member.objects.count()
    response = client_for("secretary_a").post("/members/import/", {"file": upload(content)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "文件未导入，发现 2 处问题" in page  # the second row is a duplicate even with another problem
    assert "组织代码“NOPE”不存在" in page and "<td>3</td><td>所在党支部代码</td>" in page
    assert "<td>3</td><td>身份证号</td><td>与第2行重复</td>" in page
    assert Member.objects.count() == before


def test_page_refuses_a_png(world, client_for):
    response = client_for("secretary_a").post("/members/import/", {"file": upload(PNG, "照片.xlsx")})
    assert "文件不是有效的 Excel（.xlsx）表格" in response.content.decode()
