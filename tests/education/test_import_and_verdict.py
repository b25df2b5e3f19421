"""Importing trainings (all or nothing, every problem named) and the 党员教育 verdict computed from 学时."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from dangjian.compliance import services as compliance
from dangjian.education import verdicts
from dangjian.education.models import StudyNote, Training

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
URL = "/education/org/BRA/trainings/import/"


def sheet(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "主题", "形式", "学时", "组织单位", "参加党员"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("培训.xlsx", out.getvalue())


def test_a_good_file_imports_every_row(client_for):
    rows = [
        ["2026-03-01", "线上学习", "线上", 2, "镇党委", "甲1、甲2"],
        [dt.date(2026, 4, 1), "轮训", "外出培训", 8, "县委党校", "甲3"],
    ]
    response = client_for("secretary_a").post(URL, {"file": sheet(rows)})
    assert response.status_code == 302
    assert Training.objects.count() == 2
    assert sorted(m.name for m in Training.objects.get(topic="线上学习").attendees.all()) == ["甲1", "甲2"]


def test_a_bad_file_imports_nothing_and_names_every_problem(client_for):
    rows = [
        ["2026-03-01", "线上学习", "线上", 2, "镇党委", "甲1"],
        ["不是日期", "党课", "党课", "两", "镇党委", "乙1、无名"],
        ["2026-03-02", "", "讲座", 40, "镇党委", "甲2"],
        ["2026-03-03", "党课", "党课", 2, "镇党委", "甲2"],
    ]
    page = client_for("secretary_a").post(URL, {"file": sheet(rows)}).content.decode()
    assert Training.objects.count() == 0
    for problem in (
        "第3行「日期」",
        "第3行「学时」",
        "“乙1”不是本支部在册党员",
        "“无名”不是本支部在册党员",
        "第4行「主题」：必填",
        "应为集中学习、线上或外出培训",
    ):
        assert problem in page, problem
    page = (
        client_for("secretary_a")
        .post(URL, {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
        .content.decode()
    )
    assert "未导入" in page and Training.objects.count() == 0


def test_a_lecture_entered_by_hand_is_refused(client_for, world):
    data = {
        "held_on": "2026-03-01",
        "topic": "党课",
        "form": "lecture",
        "hours": "2",
        "organiser": "镇",
        "attendee_ids": [world.members_a[1].pk],
        "org": "BRA",
    }
    response = client_for("secretary_a").post(
        "/api/education/trainings", data, content_type="application/json"
    )
    assert response.status_code == 400
    assert "自动计入" in response.json()["problems"][0]


def _verdict(world, as_of):
    found = [v for v in compliance.verdicts_for(world.branch_a, YEAR, as_of) if v.rule == verdicts.RULE]
    assert len(found) == 1
    return found[0]


def test_the_verdict_is_computed_from_hours_not_unchecked(world):
    today = timezone.localdate()
    v = _verdict(world, today)
    assert v.status == "in_progress" and "尚未登记" not in " ".join(v.reasons)
    assert "在册党员9人，已达到年度学时要求0人" in " ".join(v.reasons)
    t = Training.objects.create(
        org=world.branch_a,
        topic="轮训",
        form="study",
        held_on=dt.date(YEAR, 1, 2),
        hours=Decimal(8),
        organiser="镇",
    )
    t.attendees.set(world.members_a)
    for _ in range(6):
        t2 = Training.objects.create(
            org=world.branch_a,
            topic="轮训",
            form="study",
            held_on=dt.date(YEAR, 1, 2),
            hours=Decimal(8),
            organiser="镇",
        )
        t2.attendees.set(world.members_a)
    StudyNote.objects.create(
        member=world.members_a[7], title="心得", body="体会", written_on=dt.date(YEAR, 1, 3)
    )
    assert (
        _verdict(world, today).status == "met"
    )  # 56 学时 each: the secretary's and the organiser's target too
    assert _verdict(world, dt.date(YEAR + 1, 1, 5)).status == "met"


def test_a_finished_year_short_of_hours_is_unmet():
    from dangjian.education import policy
    from dangjian.education.hours import Completion

    short = Completion(1, "甲", policy.current().member)
    status, reasons, missing = verdicts.decide([short], 1, 2025, dt.date(2026, 1, 5))
    assert status == "unmet" and "1人尚未达到，合计还差32学时" in " ".join(reasons)
    assert verdicts.decide([], 0, 2025, dt.date(2026, 1, 5))[0] == "incomplete"
