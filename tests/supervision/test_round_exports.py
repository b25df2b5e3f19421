"""A round's exports: the findings sheet and the 督查情况报告 (.docx) with counts per item and per branch,
which LibreOffice opens and converts to PDF cleanly."""

import io
import shutil
import subprocess

import pytest
from docx import Document as Word
from openpyxl import load_workbook

from dangjian.core import xlsx
from dangjian.supervision.rounds.choices import Result

from .rounds_helpers import find, make_round, nonconforming

pytestmark = pytest.mark.django_db


def _round(world):
    nonconforming(world, "theme_day")
    find(world, "party_lecture", Result.PARTLY, notes="党课稿过于简略。")
    find(world, "committee_meeting", Result.CONFORMING, notes="")
    find(world, "theme_day", Result.CONFORMING, notes="", org=world.branch_a, user=world.user("office"))
    return make_round(world)


def test_the_findings_sheet_lists_every_finding(world, client_for):
    r = _round(world)
    response = client_for("office").get(f"/supervision/rounds/{r.pk}/findings.xlsx")
    assert response["Content-Type"] == xlsx.XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=xlsx.TITLE_ROWS + 2, values_only=True))
    assert len(rows) == 4
    by = {(row[1], row[2]): row for row in rows}
    assert by["BRB", "主题党日"][3] == "不符合" and by["BRB", "主题党日"][7] == "待整改"
    assert by["BRB", "主题党日"][6] == "甲7"  # the inspector, by name
    assert by["BRA", "主题党日"][3] == "符合"


def _report_text(content: bytes) -> str:
    word = Word(io.BytesIO(content))
    cells = [" ".join(c.text for c in row.cells) for t in word.tables for row in t.rows]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def test_the_report_counts_per_item_and_per_branch(world, client_for):
    r = _round(world)
    response = client_for("oversight").get(f"/supervision/rounds/{r.pk}/report.docx")
    assert response.status_code == 200
    text = _report_text(response.content)
    assert "督查情况报告" in text and "抽取党支部 2 个" in text and "已检查 2 个，共形成检查结果 4 项" in text
    assert "6 主题党日 1 0 1 2" in text  # seq, item, 符合, 基本符合, 不符合, 合计
    assert "乙企业党支部 1 1 1 3" in text and "甲村党支部 1 0 0 1" in text
    assert "待整改 1 条" in text and "乙企业党支部 主题党日 记录不全，缺少签到表。" in text


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="未安装 LibreOffice 或 poppler：apt-get install libreoffice-writer-nogui poppler-utils",
)
def test_libreoffice_opens_the_report(world, client_for, tmp_path):
    r = _round(world)
    path = tmp_path / "report.docx"
    path.write_bytes(client_for("office").get(f"/supervision/rounds/{r.pk}/report.docx").content)
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    command = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "督查情况报告" in text and "按检查项统计" in text and "按党支部统计" in text
    assert "乙企业党支部" in text
