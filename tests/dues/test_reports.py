"""The branch's 党费交纳台帐 (.xlsx, .pdf) and the town's collection summary with its 上缴."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangjian.core import xlsx
from dangjian.dues import services
from dangjian.dues.models import Profile, Relief, Remittance
from dangjian.orgs.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world):
    a = world.members_a
    for m in a[:3]:
        Profile.objects.create(member=m, year=2025, category="employed", base=Decimal("4000"))  # 40.00
    Profile.objects.create(member=world.members_b[0], year=2025, category="farmer", fixed=Decimal("1"))
    services.record_payment(
        a[0], [dt.date(2025, 3, 1)], paid_on=dt.date(2025, 3, 8), method="cash", user=None
    )
    services.record_payment(
        a[1],
        [dt.date(2025, m, 1) for m in (1, 2, 3)],
        paid_on=dt.date(2025, 3, 8),
        method="transfer",
        user=None,
    )
    Relief.objects.create(
        member=a[2],
        kind="exempt",
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 1),
        reason="困难",
        decided_on=dt.date(2025, 2, 20),
        decision="支委会",
        approved_on=dt.date(2025, 2, 28),
        approver="镇党委",
    )
    Remittance.objects.create(
        org=world.branch_a,
        month=dt.date(2025, 3, 1),
        amount=Decimal("160"),
        remitted_on=dt.date(2025, 4, 10),
        to="镇党委",
    )


def test_the_month_ledger_lists_base_rate_due_paid_and_date(world, ledger, client_for):
    response = client_for("secretary_a").get("/dues/org/BRA/ledger.xlsx", {"year": 2025, "month": 3})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=xlsx.TITLE_ROWS + 2, values_only=True)}
    a = world.members_a
    assert rows[a[0].name][2:9] == (
        "在职",
        "4000.00",
        "1.0%",
        "40.00",
        "40.00",
        dt.datetime(2025, 3, 8),
        "3月",
    )
    assert rows[a[1].name][5:7] == ("40.00", "40.00")  # its January and February are in their own months
    assert rows[a[2].name][5] == "0.00" and "减免" in rows[a[2].name][9]
    assert rows["合计"][5:7] == ("80.00", "80.00")
    assert "2025年3月" in sheet["A2"].value
    year = client_for("secretary_a").get("/dues/org/BRA/ledger.xlsx", {"year": 2025}).content
    rows = {r[1]: r for r in load_workbook(io.BytesIO(year)).active.iter_rows(values_only=True)}
    assert rows[a[1].name][5:10] == ("480.00", "120.00", dt.datetime(2025, 3, 8), "1月、2月、3月", "含补交")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="未安装 poppler：apt-get install poppler-utils")
def test_the_year_ledger_as_pdf_has_the_chinese_text(world, ledger, client_for, tmp_path):
    response = client_for("secretary_a").get("/dues/org/BRA/ledger.pdf", {"year": 2025})
    assert response["Content-Type"] == "application/pdf"
    (tmp_path / "l.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "l.pdf"), "-"], capture_output=True, text=True).stdout
    assert "党费交纳台帐" in text and world.members_a[1].name in text and "None" not in text


def test_the_town_summary_by_branch_and_month_with_remittances_in_constant_queries(world, ledger):
    branches = Organisation.objects.filter(kind="branch")
    with CaptureQueriesContext(connection) as ctx:
        rows = {r.code: r for r in services.town_summary(branches, 2025)}
    assert len(ctx) == 5
    a = rows["BRA"]
    assert [c.paid for c in a.months[:4]] == [Decimal("40.00"), Decimal("40.00"), Decimal("80.00"), 0]
    assert a.months[2].due == Decimal("80.00")  # three members at 40.00, one exempt in March
    assert a.months[2].rate == 100.0 and a.months[3].rate == 0.0
    assert (a.remitted, a.remitted_on) == (Decimal("160.00"), dt.date(2025, 4, 10))
    assert rows["BRB"].months[0].due == Decimal("1.00") and rows["BRB"].total.paid == 0
