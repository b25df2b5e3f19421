"""The whole campaign through the pages: open, self-evaluate, vote, close, tally, decide, dispose, file."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document as Word
from openpyxl import load_workbook

from dangjian.core import xlsx
from dangjian.evaluations import services
from dangjian.evaluations.models import Ballot, BallotGrade, Campaign, Decision, VoterRight
from dangjian.notifications.models import Notification
from tests.factories import MemberFactory, UserFactory

from .helpers import ADOPTED, full_ballot, hold_meeting, open_campaign, post_data, settings_form

pytestmark = pytest.mark.django_db


def test_secretary_creates_and_opens_a_campaign_with_exclusions_shown(world, client_for):
    client = client_for("secretary_a")
    today = timezone.localdate()
    response = client.post(
        "/evaluations/new/",
        {
            "org": world.branch_a.pk,
            "year": today.year,
            "self_opens_on": today,
            "self_closes_on": today + dt.timedelta(days=7),
            "vote_opens_on": today + dt.timedelta(days=3),
            "vote_closes_on": today + dt.timedelta(days=9),
            "meeting_date": today + dt.timedelta(days=10),
            "meeting_title": "年度民主评议党员大会",
        },
    )
    campaign = Campaign.objects.get(org=world.branch_a)
    assert response.status_code == 302 and response["Location"] == f"/evaluations/{campaign.pk}/"
    assert campaign.participants.filter(graded=True).count() == 8
    probationary = campaign.participants.get(member__name="甲预备")
    assert (
        not probationary.graded and probationary.writes_self and "不评定等次" in probationary.excluded_reason
    )
    # 预备党员 rate the others in the 民主测评 (not graded themselves)
    assert campaign.voter_rights.count() == 9
    assert campaign.voter_rights.filter(member__name="甲预备").exists()

    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "不评定等次" in page and "开始评议" in page

    assert client.post(f"/evaluations/{campaign.pk}/do/open/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert Notification.objects.filter(key=f"evaluation-{campaign.pk}-open").count() == 9  # incl. 预备党员

    # the same branch-year again is refused with a clear message
    again = client.post(
        "/evaluations/new/",
        {
            "org": world.branch_a.pk,
            "year": today.year,
            "self_opens_on": today,
            "self_closes_on": today,
            "vote_opens_on": today,
            "vote_closes_on": today,
        },
    )
    assert "已有" in again.content.decode() and Campaign.objects.count() == 1


def test_bad_campaign_dates_are_refused(world, client_for):
    today = timezone.localdate()
    response = client_for("secretary_a").post(
        "/evaluations/new/",
        {
            "org": world.branch_a.pk,
            "year": today.year,
            "self_opens_on": today,
            "self_closes_on": today - dt.timedelta(days=1),
            "vote_opens_on": today,
            "vote_closes_on": today - dt.timedelta(days=3),
        },
    )
    text = response.content.decode()
    assert (
        response.status_code == 200
        and "自评截止日期不能早于开始日期" in text
        and "测评截止日期不能早于开始日期" in text
    )
    assert not Campaign.objects.exists()


def test_a_secretary_cannot_open_a_campaign_for_another_branch(world, client_for):
    today = timezone.localdate()
    client_for("secretary_a").post(
        "/evaluations/new/",
        {
            "org": world.branch_b.pk,
            "year": today.year,
            "self_opens_on": today,
            "self_closes_on": today,
            "vote_opens_on": today,
            "vote_closes_on": today,
        },
    )
    assert not Campaign.objects.exists()


def test_self_evaluation_draft_then_submit_and_secretary_sees_who_has_not(world, client_for):
    campaign = open_campaign(world)
    member = client_for("member_a")
    url = f"/evaluations/{campaign.pk}/self/"
    assert member.post(url, {"study": "认真学习", "draft": "1"}).status_code == 302
    record = campaign.self_evaluations.get(member=world.members_a[7])
    assert record.study == "认真学习" and not record.submitted

    incomplete = member.post(url, {"study": "认真学习", "submit": "1"})
    assert "请填写" in incomplete.content.decode() and "先保存草稿" in incomplete.content.decode()
    record.refresh_from_db()
    assert not record.submitted

    full = {
        "study": "认真学习",
        "duties": "按时参加组织生活",
        "shortcomings": "学习不够深入",
        "plans": "加强学习",
        "self_grade": "qualified",
        "submit": "1",
    }
    assert member.post(url, full).status_code == 302
    record.refresh_from_db()
    assert record.submitted and record.submitted_on == timezone.localdate()
    assert (
        "不能再修改" in member.post(url, {**full, "study": "改"}, follow=True).content.decode()
        or record.study == "认真学习"
    )
    record.refresh_from_db()
    assert record.study == "认真学习"

    page = client_for("secretary_a").get(campaign.get_absolute_url()).content.decode()
    pending = page.split("尚未提交自评")[1].split("已提交自评")[0]
    assert "甲0" in pending and "甲预备" in pending and "甲7" not in pending


def test_self_evaluation_outside_its_window_is_refused(world):
    campaign = open_campaign(world)
    campaign.self_closes_on = timezone.localdate() - dt.timedelta(days=1)
    campaign.save()
    with pytest.raises(services.Refused, match="当前不在自评时间内"):
        services.save_self_evaluation(campaign, world.members_a[7], {"study": "x"}, submit=False)


def test_members_vote_once_and_refusals_are_clear(world, client_for):
    mobile = MemberFactory(org=world.branch_a, name="甲流动", status="mobile")
    campaign = open_campaign(world)
    url = f"/evaluations/{campaign.pk}/vote/"
    member = client_for("member_a")
    page = member.get(url).content.decode()
    assert "甲0" in page and "甲7" in page and "甲预备" not in page  # the ballot includes the voter themself

    incomplete = member.post(url, {f"grade_{world.members_a[0].pk}": "excellent"})
    assert incomplete.status_code == 400 and "未评定等次" in incomplete.content.decode()
    assert not Ballot.objects.exists()

    bad = post_data(campaign)
    bad[f"grade_{world.members_a[1].pk}"] = "perfect"
    assert "等次只能是" in member.post(url, bad).content.decode()

    assert member.post(url, post_data(campaign)).status_code == 200
    assert Ballot.objects.count() == 1 and not BallotGrade.objects.exists()  # sealed until the close
    assert VoterRight.objects.get(campaign=campaign, member=world.members_a[7]).has_voted

    second = member.post(url, post_data(campaign, "excellent"))
    assert second.status_code == 400 and "已经投过票" in second.content.decode()
    assert Ballot.objects.count() == 1

    with pytest.raises(services.Refused, match="不在本次民主测评的投票人名单中"):
        services.cast_ballot(
            campaign,
            {m: ("qualified", "") for m in [p.pk for p in world.members_a[:8]]},
            member=mobile,
        )
    # a 流动党员 evaluated elsewhere has no ballot here: the page answers 403
    c = Client()
    c.force_login(UserFactory(member=mobile))
    assert c.get(url).status_code == 403


def test_ballot_after_close_is_refused_and_results_show_only_after_close(world, client_for):
    campaign = open_campaign(world)
    secretary = client_for("secretary_a")
    tally_url = f"/evaluations/{campaign.pk}/tally/"
    assert secretary.get(tally_url).status_code == 302  # not yet
    assert client_for("secretary_a").get(f"/api/evaluations/{campaign.pk}/tally").status_code == 400
    services.cast_ballot(
        campaign,
        {
            m: ("qualified", "")
            for m in campaign.participants.filter(graded=True).values_list("member_id", flat=True)
        },
        member=world.members_a[0],
    )
    secretary.post(f"/evaluations/{campaign.pk}/do/close/")
    campaign.refresh_from_db()
    late = client_for("member_a").post(f"/evaluations/{campaign.pk}/vote/", post_data(campaign))
    assert late.status_code == 400 and "已经结束" in late.content.decode()
    page = secretary.get(tally_url).content.decode()
    assert "收回党员测评票 1 张" in page and "票数过少（少于 5 张）" in page  # counts withheld
    assert "票数过少，不显示分项票数" in page and "<strong>1</strong> 票" not in page


def test_ballots_after_the_last_day_are_refused_without_a_close(world):
    campaign = open_campaign(world)
    Campaign.objects.filter(pk=campaign.pk).update(vote_closes_on=timezone.localdate() - dt.timedelta(days=1))
    campaign.refresh_from_db()
    assert campaign.vote_is_closed
    with pytest.raises(services.Refused, match="已经结束"):
        services.cast_ballot(campaign, {}, member=world.members_a[0])


def embedded_fonts(pdf: bytes, tmp_path) -> str:
    if not shutil.which("pdffonts"):
        pytest.skip("未安装 poppler-utils（pdffonts），无法检查 PDF 字体")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def _vote_all(campaign, world):
    """8 voters: 甲3 gets 不合格 from 4, 甲1 and 甲2 and 甲5 get 优秀 from 6 each."""
    a = world.members_a
    for i, voter in enumerate(a[:8]):
        grades = {m.pk: ("qualified", "") for m in a[:8]}
        grades[a[3].pk] = ("unqualified", "组织观念淡薄") if i < 4 else ("basic", "")
        for star in (a[1], a[2], a[5]):
            grades[star.pk] = ("excellent", "") if i < 6 else ("qualified", "")
        services.cast_ballot(campaign, grades, member=voter)


def test_tally_decisions_cap_disposal_and_documents(world, client_for, tmp_path):
    campaign = open_campaign(world)
    a = world.members_a
    services.save_self_evaluation(
        campaign,
        a[7],
        {
            "study": "学习党章",
            "duties": "带头致富",
            "shortcomings": "理论学习不够",
            "plans": "坚持学习",
            "self_grade": "qualified",
        },
        submit=True,
    )
    _vote_all(campaign, world)
    secretary = client_for("secretary_a")
    secretary.post(f"/evaluations/{campaign.pk}/do/close/")
    campaign.refresh_from_db()
    meeting = hold_meeting(campaign)

    result = services.tally_for(campaign)
    by_id = {r.member_id: r for r in result.members}
    assert result.ballots == 8 and not result.small_group
    assert by_id[a[3].pk].counts["unqualified"] == 4 and by_id[a[3].pk].proposed == "unqualified"
    assert by_id[a[3].pk].comments == ["组织观念淡薄"] * 4
    # cap: 8 graded × 1/3 → 2 优秀; three were proposed by the votes, one is capped
    assert result.excellent_limit == 2
    assert sorted(r.capped for r in result.members if r.member_id in (a[1].pk, a[2].pk, a[5].pk)) == [
        False,
        False,
        True,
    ]

    page = secretary.get(f"/evaluations/{campaign.pk}/tally/").content.decode()
    assert "优秀名额上限：2 名" in page and "受优秀比例限制" in page

    def decide(m, grade, reason=""):
        return secretary.post(
            f"/evaluations/{campaign.pk}/decide/{m.pk}/", {"grade": grade, "reason": reason}, follow=True
        )

    assert "请填写评定理由" in decide(a[3], "unqualified").content.decode()
    r = decide(a[3], "unqualified", "经教育帮助仍不履行党员义务")
    assert r.redirect_chain[-1][0] == f"/evaluations/{campaign.pk}/disposal/{a[3].pk}/"
    decide(a[1], "excellent", "带头作用突出")
    decide(a[2], "excellent", "带头作用突出")
    over = decide(a[5], "excellent", "表现突出")
    assert "不能超过 2 名" in over.content.decode()
    assert not Decision.objects.filter(member=a[5]).exists()

    early = secretary.post(f"/evaluations/{campaign.pk}/do/finalise/", ADOPTED, follow=True).content.decode()
    assert "未评定等次" in early

    bad = secretary.post(
        f"/evaluations/{campaign.pk}/disposal/{a[3].pk}/", {"measure": "shoot", "follow_up": "pending"}
    )
    assert bad.status_code == 200 and not Decision.objects.get(member=a[3]).__dict__.get("disposal")
    secretary.post(
        f"/evaluations/{campaign.pk}/disposal/{a[3].pk}/",
        {"measure": "correct", "follow_up": "pending", "notes": "党小组长结对帮扶"},
    )
    disposal = Decision.objects.get(member=a[3]).disposal
    assert disposal.deadline == meeting.date.replace(year=meeting.date.year + 1)
    decision = Decision.objects.get(member=a[3])
    assert decision.decided_on == meeting.date and decision.agenda_item is None  # linked when adopted
    for m in (a[0], a[4], a[5], a[6], a[7]):
        decide(m, "qualified", "表现良好")
    assert (
        "已完成组织评定"
        in secretary.post(f"/evaluations/{campaign.pk}/do/finalise/", ADOPTED, follow=True).content.decode()
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DECIDED

    # the town office sees the unqualified member and the measure
    office_list = client_for("office").get("/evaluations/unqualified/").content.decode()
    assert "甲3" in office_list and "限期改正" in office_list
    wb = load_workbook(io.BytesIO(client_for("office").get("/evaluations/unqualified/?format=xlsx").content))
    row = xlsx.TITLE_ROWS + 2  # the first after the header
    assert [c.value for c in wb.active[row]][2:5] == ["甲3", "经教育帮助仍不履行党员义务", "限期改正"]

    # the documents
    base = f"/evaluations/{campaign.pk}/export"
    register = Word(io.BytesIO(secretary.get(f"{base}/register.docx").content))
    cells = [c.text for row in register.tables[0].rows for c in row.cells]
    assert (
        "甲3" in cells
        and "不合格" in cells
        and "不参评" in cells
        and campaign.participants.get(member=a[8]).excluded_reason in cells
    )
    selfs = Word(io.BytesIO(secretary.get(f"{base}/self.docx").content))
    assert "学习党章" in [c.text for t in selfs.tables for row in t.rows for c in row.cells]
    excellent = load_workbook(io.BytesIO(secretary.get(f"{base}/excellent.xlsx").content)).active
    names = [r[1] for r in excellent.iter_rows(min_row=xlsx.TITLE_ROWS + 2, values_only=True)]
    assert sorted(names) == ["甲1", "甲2"]
    unq = Word(io.BytesIO(secretary.get(f"{base}/unqualified.docx").content))
    assert "限期改正" in [c.text for row in unq.tables[0].rows for c in row.cells]
    for doc in ("register", "self", "assessment"):
        pdf = secretary.get(f"{base}/{doc}.pdf")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert "Noto-Sans-CJK-SC" in embedded_fonts(pdf.content, tmp_path)  # the Chinese font is embedded
        (tmp_path / f"{doc}.pdf").write_bytes(pdf.content)  # pdftoppm -png these to look at them
    assert secretary.get(f"{base}/excellent.pdf").status_code == 404
    assert secretary.get(f"{base}/nothing.docx").status_code == 404


def test_public_representatives_vote_with_one_time_codes(world, client_for, client):
    campaign = open_campaign(world, allow_public=True)
    secretary = client_for("secretary_a")
    made = secretary.post(f"/evaluations/{campaign.pk}/codes/", {"count": 3})
    codes = [card["code"] for card in made.context["cards"]]
    assert len(codes) == 3 and len(set(codes)) == 3
    sheet = made.content.decode()
    assert sheet.count("<svg") == 3 and codes[0] in sheet and "只显示这一次" in sheet
    assert made["Cache-Control"] == "no-store"
    # shown once: afterwards the page shows counts only, and the database holds only hashes
    later = secretary.get(f"/evaluations/{campaign.pk}/codes/").content.decode()
    assert codes[0] not in later and "已生成测评码 3 个" in later
    stored = list(campaign.voter_rights.filter(member__isnull=True).values_list("code_hash", flat=True))
    assert len(stored) == 3 and not set(codes) & set(stored) and all(len(h) == 64 for h in stored)

    assert (
        client.post("/evaluations/code/", {"code": codes[0].lower()})["Location"]
        == f"/evaluations/code/{codes[0]}/"
    )
    page = client.get(f"/evaluations/code/{codes[0]}/").content.decode()
    assert "群众代表身份" in page and "含本人" not in page
    assert client.post(f"/evaluations/code/{codes[0]}/", post_data(campaign)).status_code == 200
    assert Ballot.objects.get().kind == "public"
    assert "已经投过票" in client.get(f"/evaluations/code/{codes[0]}/").content.decode()
    assert client.post(f"/evaluations/code/{codes[0]}/", post_data(campaign)).status_code == 200
    assert Ballot.objects.count() == 1
    wrong = client.post("/evaluations/code/", {"code": "NOPE2345"})
    assert wrong.status_code == 404 and "测评码无效" in wrong.content.decode()
    with pytest.raises(services.Refused, match="已经投过票"):
        services.cast_ballot(campaign, full_ballot(campaign), code=codes[0])


def test_codes_are_capped_at_the_number_of_representatives(world, client_for):
    """Stuffing: no more codes than 群众代表 the secretary set, counted over every request."""
    campaign = open_campaign(world, allow_public=True)  # 10 群众代表
    secretary = client_for("secretary_a")
    assert len(secretary.post(f"/evaluations/{campaign.pk}/codes/", {"count": 8}).context["cards"]) == 8
    over = secretary.post(f"/evaluations/{campaign.pk}/codes/", {"count": 3}, follow=True).content.decode()
    assert "群众代表人数为 10 名，已生成 8 个测评码，还能生成 2 个" in over
    assert len(services.issue_codes(campaign, 2)) == 2
    with pytest.raises(services.Refused, match="还能生成 0 个"):
        services.issue_codes(campaign, 1)
    assert campaign.voter_rights.filter(member__isnull=True).count() == 10
    # the number cannot drop below the codes already made
    form = secretary.post(
        f"/evaluations/{campaign.pk}/edit/",
        {**settings_form(campaign), "allow_public": "on", "public_count": 5},
    )
    assert "不能少于此数" in form.content.decode()


def test_codes_stop_working_when_the_public_option_is_turned_off(world, client_for, client):
    campaign = open_campaign(world, allow_public=True)
    code = services.issue_codes(campaign, 1)[0]
    client_for("secretary_a").post(f"/evaluations/{campaign.pk}/edit/", settings_form(campaign))
    campaign.refresh_from_db()
    assert not campaign.allow_public
    refused = client.post(f"/evaluations/code/{code}/", post_data(campaign))
    assert refused.status_code == 400 and "取消群众代表" in refused.content.decode()
    with pytest.raises(services.Refused, match="测评码不能使用"):
        services.cast_ballot(campaign, full_ballot(campaign), code=code)
    assert not Ballot.objects.exists()


def test_representatives_ballots_cannot_make_a_member_unqualified(world):
    """20 codes all saying 不合格 do not outweigh the members: counted and proposed apart."""
    campaign = open_campaign(world, allow_public=True)
    Campaign.objects.filter(pk=campaign.pk).update(public_count=20)
    campaign.refresh_from_db()
    target = world.members_a[3].pk
    for code in services.issue_codes(campaign, 20):
        services.cast_ballot(campaign, full_ballot(campaign, **{f"m{target}": "unqualified"}), code=code)
    for voter in world.members_a[:5]:
        services.cast_ballot(campaign, full_ballot(campaign), member=voter)
    services.close_vote(campaign)
    row = next(r for r in services.tally_for(campaign).members if r.member_id == target)
    assert row.public_counts["unqualified"] == 20 and row.counts["unqualified"] == 0
    assert row.proposed == "qualified"


def test_codes_need_the_setting(world, client_for):
    campaign = open_campaign(world, allow_public=False)
    r = client_for("secretary_a").post(f"/evaluations/{campaign.pk}/codes/", {"count": 3}, follow=True)
    assert "未设置群众代表参加民主测评" in r.content.decode()
    assert not campaign.voter_rights.filter(member__isnull=True).exists()


def test_self_evaluations_of_others_hidden_from_members_until_the_meeting(world, client_for):
    campaign = open_campaign(world, meeting_in_days=3)
    services.save_self_evaluation(
        campaign,
        world.members_a[0],
        {"study": "学", "duties": "做", "shortcomings": "缺", "plans": "改", "self_grade": "qualified"},
        submit=True,
    )
    url = f"/evaluations/{campaign.pk}/self/{world.members_a[0].pk}/"
    assert client_for("member_a").get(url).status_code == 403
    assert client_for("secretary_a").get(url).status_code == 200
    Campaign.objects.filter(pk=campaign.pk).update(meeting_date=timezone.localdate())
    assert client_for("member_a").get(url).status_code == 200
    assert client_for("member_b").get(url).status_code == 404


def test_secretary_returns_a_submitted_self_evaluation_for_changes(world, client_for):
    campaign = open_campaign(world)
    body = {"study": "学", "duties": "做", "shortcomings": "缺", "plans": "改", "self_grade": "qualified"}
    services.save_self_evaluation(campaign, world.members_a[7], body, submit=True)
    url = f"/evaluations/{campaign.pk}/self/{world.members_a[7].pk}/"
    assert client_for("member_a").post(url).status_code == 403  # only the branch's managers
    client_for("secretary_a").post(url)
    record = campaign.self_evaluations.get(member=world.members_a[7])
    assert not record.submitted
    services.save_self_evaluation(campaign, world.members_a[7], {**body, "study": "再学"}, submit=True)
    Campaign.objects.filter(pk=campaign.pk).update(self_closes_on=timezone.localdate() - dt.timedelta(days=1))
    late = client_for("secretary_a").post(url, follow=True)
    assert "已截止" in late.content.decode()
    record.refresh_from_db()
    assert record.submitted and record.study == "再学"
