"""通报: the workflow refuses out-of-order steps, only a 镇党委 leader approves, 文号 numbered at 印发,
销号 only after every named branch answered; the .docx opens in LibreOffice; 问责 forms are data."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document as Word

from dangjian.accounts.access import access_for
from dangjian.accounts.models import User
from dangjian.assessment import notices
from dangjian.assessment.models import Notice
from dangjian.notifications.models import Delivery
from dangjian.orgs.choices import PositionTitle
from tests.factories import MemberFactory, appoint

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def leader(world):
    member = MemberFactory(org=world.branch_b, name="镇书记")
    appoint(member, world.town, PositionTitle.SECRETARY)
    return User.objects.create_user("town_leader", password="x-Secret-1", member=member)


def _draft(world):
    named = [(world.branch_b, "2025年4—9月主题党日会议记录雷同，流于形式。", "/supervision/1/")]
    return notices.draft(
        2026,
        "criticism",
        "关于乙企业党支部组织生活流于形式的通报",
        "经督查，发现以下问题。",
        "对照问题逐项整改。",
        TODAY + dt.timedelta(days=30),
        False,
        named,
        world.user("office"),
    )


def test_the_workflow_runs_in_order_and_refuses_steps_out_of_order(world, leader):
    office, office_access = world.user("office"), access_for(world.user("office"))
    notice = _draft(world)
    with pytest.raises(ValidationError, match="当前为“草稿”，不能印发；下一步应为“提交审核”"):
        notices.advance(notice, "publish", office, office_access, TODAY)
    notices.advance(notice, "submit", office, office_access, TODAY)
    with pytest.raises(PermissionDenied):
        notices.advance(notice, "approve", office, office_access, TODAY)  # the office does not approve
    notices.advance(notice, "approve", leader, access_for(leader), TODAY)
    with pytest.raises(ValidationError, match="不能销号；下一步应为“印发”"):
        notices.advance(notice, "close", office, office_access, TODAY)
    notice = notices.advance(notice, "publish", office, office_access, TODAY)
    assert notices.number_label(notice) == "鼎党建通〔2026〕1号"
    to = set(
        Delivery.objects.filter(key=f"assessment:notice:{notice.pk}").values_list("recipient_id", flat=True)
    )
    assert to == {world.members_b[0].pk, world.members_b[1].pk}
    with pytest.raises(ValidationError, match="尚未答复整改情况"):
        notices.advance(notice, "close", office, office_access, TODAY)
    entry = notice.branches.get()
    with pytest.raises(ValidationError, match="整改措施"):
        notices.respond(entry, " ")
    notices.respond(entry, "已重新组织学习，会议记录由专人整理。")
    notice = notices.advance(notice, "close", office, office_access, TODAY)
    assert notice.status == Notice.Status.CLOSED
    with pytest.raises(ValidationError, match="流程已结束"):
        notices.advance(notice, "close", office, office_access, TODAY)


def test_a_criticism_needs_facts_a_requirement_and_a_deadline(world):
    with pytest.raises(ValidationError, match="整改要求和整改期限"):
        notices.draft(
            2026,
            "criticism",
            "标题",
            "正文",
            "",
            None,
            False,
            [(world.branch_b, "事实", "")],
            world.user("office"),
        )
    with pytest.raises(ValidationError, match="至少点名"):
        notices.draft(2026, "commendation", "标题", "正文", "", None, False, [], world.user("office"))


@pytest.mark.skipif(not shutil.which("soffice"), reason="未安装 LibreOffice")
def test_the_docx_has_the_official_parts_and_libreoffice_opens_it(world, leader, tmp_path):
    office = world.user("office")
    notice = _draft(world)
    for action, user in (("submit", office), ("approve", leader), ("publish", office)):
        notice = notices.advance(notice, action, user, access_for(user), TODAY)
    content = notices.docx(notice)
    text = [p.text for p in Word(io.BytesIO(content)).paragraphs]
    assert "鼎党建通〔2026〕1号" in text and "乙企业党支部：" in text and "中共神鼎山镇委员会" in text
    assert any("会议记录雷同" in t for t in text)
    (tmp_path / "notice.docx").write_bytes(content)
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "notice.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "notice.pdf").stat().st_size > 1000


def test_accountability_forms_are_data_and_the_person_must_belong_to_the_branch(world):
    office = world.user("office")
    assert [f["name"] for f in notices.forms().values()] == [
        "谈话提醒",
        "约谈",
        "批评教育",
        "责令检查",
        "通报",
        "诫勉",
    ]
    with pytest.raises(ValidationError, match="问责方式应为"):
        notices.record_accountability(
            world.branch_b, world.members_b[0], "fine", "事由", TODAY, "镇党委", office
        )
    with pytest.raises(ValidationError, match="不是乙企业党支部的党员"):
        notices.record_accountability(
            world.branch_b, world.members_a[0], "interview", "事由", TODAY, "镇党委", office
        )
    record = notices.record_accountability(
        world.branch_b, world.members_b[0], "interview", "组织生活流于形式", TODAY, "镇党委", office
    )
    assert record.pk


def test_accountability_over_the_api_for_the_office_only(world, client_for):
    office = client_for("office")
    body = {
        "org_code": "BRB",
        "member_id": world.members_b[0].pk,
        "form": "interview",
        "reason": "组织生活流于形式",
        "decided_on": "2026-01-05",
        "decided_by": "镇党委",
    }
    created = office.post("/api/assessment/accountability", body, content_type="application/json")
    assert created.status_code == 200 and created.json()["form_name"] == "约谈"
    wrong = office.post(
        "/api/assessment/accountability",
        {**body, "member_id": world.members_a[0].pk},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "不是乙企业党支部的党员" in wrong.json()["detail"]
    listed = office.get("/api/assessment/accountability").json()["items"]
    assert [(r["org_code"], r["member_name"], r["reason"]) for r in listed] == [
        ("BRB", world.members_b[0].name, "组织生活流于形式")
    ]
    for role in ("oversight", "organiser_b", "member_b"):
        assert client_for(role).get("/api/assessment/accountability").status_code == 403
