"""The 党员大会 adopts the 组织评定 on real numbers; 限期改正 needs no approval; sanctions stay private."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document as Word

from dangjian.discipline.models import Sanction
from dangjian.evaluations import ruleset, services
from dangjian.evaluations.models import Campaign, Decision, Disposal
from dangjian.meetings.models import AgendaItem, Attendance

from .helpers import ADOPTED, full_ballot, hold_meeting, open_campaign

pytestmark = pytest.mark.django_db


def decided_all(world, campaign):
    for m in world.members_a[:8]:
        services.decide(campaign, m, "qualified", services.DecisionInput("qualified"))


def ready(world, absent: int = 0):
    campaign = open_campaign(world)
    for voter in world.members_a[:5]:
        services.cast_ballot(campaign, full_ballot(campaign), member=voter)
    services.close_vote(campaign)
    meeting = hold_meeting(campaign, days=-1, absent=absent)
    return campaign, meeting


def test_deciding_adds_no_empty_vote_to_the_general_meeting(world):
    campaign, meeting = ready(world)
    decided_all(world, campaign)
    assert not meeting.agenda.exists()  # main added an item with 应到 0, 实到 0: "表决无效"


def test_adoption_is_recorded_with_the_meetings_real_voters_and_attendance(world):
    campaign, meeting = ready(world, absent=3)  # of 9: 甲预备 (no vote) and two full members absent
    decided_all(world, campaign)
    item = services.finalise(campaign, votes_for=5, against=1)
    item.refresh_from_db()
    assert (item.eligible, item.present, item.votes_for, item.votes_against) == (8, 6, 5, 1)
    assert item.outcome.quorum_met and item.outcome.passed and not item.outcome.problems
    assert set(Decision.objects.values_list("agenda_item", flat=True)) == {item.pk}
    assert AgendaItem.objects.filter(activity=meeting).count() == 1


def test_a_member_under_probation_is_not_counted_among_the_voters(world):
    Sanction.objects.create(
        member=world.members_a[6],
        level="probation_1",
        decided_on=timezone.localdate() - dt.timedelta(days=30),
        decided_by="中共测试镇纪律检查委员会",
        facts="违反组织纪律",
    )
    campaign, meeting = ready(world)
    for m in world.members_a[:6] + [world.members_a[7]]:
        services.decide(campaign, m, "qualified", services.DecisionInput("qualified"))
    item = services.finalise(campaign, votes_for=7)
    assert (item.eligible, item.present) == (7, 7)


def test_adoption_refused_without_quorum_or_majority(world, client_for):
    campaign, meeting = ready(world)
    decided_all(world, campaign)
    Attendance.objects.filter(activity=meeting, member__in=world.members_a[:4]).update(status="absent")
    with pytest.raises(services.Refused, match="未超过应到会 8 名的半数"):
        services.finalise(campaign, votes_for=4)
    Attendance.objects.filter(activity=meeting).update(status="present")
    with pytest.raises(services.Refused, match="赞成 4 票，未超过"):
        services.finalise(campaign, votes_for=4, against=4)
    with pytest.raises(services.Refused, match="合计不能多于实到人数"):
        services.finalise(campaign, votes_for=8, against=2)
    assert not AgendaItem.objects.exists() and Campaign.objects.get().status == Campaign.Status.CLOSED
    # the page shows the real numbers and refuses a missing count in Chinese
    secretary = client_for("secretary_a")
    page = secretary.get(campaign.get_absolute_url()).content.decode()
    assert "应到会有表决权党员 <strong>8</strong> 名、实到 <strong>8</strong> 名" in page
    refused = secretary.post(f"/evaluations/{campaign.pk}/do/finalise/", {}, follow=True).content.decode()
    assert "请填写赞成票数" in refused and not AgendaItem.objects.exists()
    secretary.post(f"/evaluations/{campaign.pk}/do/finalise/", ADOPTED)
    assert Campaign.objects.get().status == Campaign.Status.DECIDED
    meeting_page = secretary.get(meeting.get_absolute_url()).content.decode()
    assert "表决无效" not in meeting_page and "年度民主评议党员组织评定" in meeting_page


def test_adoption_counts_left_empty_are_none_and_a_wrong_count_is_named(world, client_for):
    campaign, _ = ready(world)
    decided_all(world, campaign)
    secretary = client_for("secretary_a")
    url = f"/evaluations/{campaign.pk}/do/finalise/"
    wrong = secretary.post(url, {"votes_for": 8, "votes_against": "x"}, follow=True).content.decode()
    assert "反对：请填写整数" in wrong and "此项必须填写" not in wrong and not AgendaItem.objects.exists()
    secretary.post(url, {"votes_for": 8, "votes_against": "", "votes_abstain": ""})
    item = AgendaItem.objects.get()
    assert (item.votes_for, item.votes_against, item.votes_abstain) == (8, 0, 0)


def test_correcting_within_a_deadline_needs_no_approval(world, client_for):
    rules = ruleset.current()
    assert not rules.disposals["correct"].needs_approval
    assert rules.disposals["persuade"].needs_approval and rules.disposals["remove"].needs_approval
    assert (
        not rules.disposals["correct"].deadline_local
        and "第三十条" in rules.disposals["correct"].deadline_source
    )
    assert all(rules.disposals[c].deadline_local for c in ("persuade", "remove"))
    campaign, _ = ready(world)
    a = world.members_a
    decision = services.decide(campaign, a[3], "", services.DecisionInput("unqualified", "不履行义务"))
    with pytest.raises(services.Refused, match="不需报上级党组织批准"):
        services.set_disposal(decision, "correct", None, "pending", "", approved_on=timezone.localdate())
    services.set_disposal(decision, "correct", None, "pending", "")
    for m in a[:3] + a[4:8]:
        services.decide(campaign, m, "qualified", services.DecisionInput("qualified"))
    services.finalise(campaign, 8)
    office = client_for("office")
    listing = office.get("/evaluations/unqualified/").content.decode()
    assert "甲3" in listing and "不需报批" in listing and "待批准" not in listing
    page = client_for("secretary_a").get(f"/evaluations/{campaign.pk}/disposal/{a[3].pk}/").content.decode()
    assert "不需报批" in page and "本地做法" in page
    # a 劝其退党 still waits for approval
    services.set_disposal(Decision.objects.get(member=a[3]), "persuade", None, "pending", "")
    assert Disposal.objects.get().approval == "待批准"
    assert "待批准" in office.get("/evaluations/unqualified/").content.decode()


def test_the_roll_shows_a_sanction_only_to_discipline_readers(world, client_for):
    Sanction.objects.create(
        member=world.members_a[6],
        level="probation_1",
        decided_on=timezone.localdate() - dt.timedelta(days=30),
        decided_by="中共测试镇纪律检查委员会",
        facts="违反组织纪律",
    )
    campaign = open_campaign(world)
    assert "留党察看" in campaign.participants.get(member=world.members_a[6]).excluded_reason
    url, api = campaign.get_absolute_url(), f"/api/evaluations/{campaign.pk}"
    for role in ("member_a", "group_leader_a", "instructor_a"):
        client = client_for(role)
        page = client.get(url).content.decode()
        assert "甲6" in page and "留党察看" not in page.split("参评名单")[1].split("规则版本")[0], role
        roll = {p["name"]: p for p in client.get(api).json()["roll"]}
        assert roll["甲6"]["excluded_reason"] == "" and "预备党员" in roll["甲预备"]["excluded_reason"]
    word = Word(
        io.BytesIO(client_for("instructor_a").get(f"/evaluations/{campaign.pk}/export/register.docx").content)
    )
    assert "留党察看" not in "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    for role in ("secretary_a", "office", "oversight"):
        client = client_for(role)
        assert "留党察看" in client.get(url).content.decode().split("参评名单")[1], role
        roll = {p["name"]: p for p in client.get(api).json()["roll"]}
        assert "留党察看" in roll["甲6"]["excluded_reason"]


def test_migration_removes_the_empty_items_deciding_used_to_add(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "dangjian.evaluations.migrations.0007_adoption_vote_and_disposal_approval"
    )
    campaign, meeting = ready(world)
    decided_all(world, campaign)
    empty = AgendaItem.objects.create(activity=meeting, title="2026年度民主评议党员组织评定")
    real = AgendaItem.objects.create(activity=meeting, title="接收", eligible=8, present=8, votes_for=8)
    Decision.objects.update(agenda_item=empty)
    migration.drop_empty_adoption_items(apps, None)
    assert list(AgendaItem.objects.all()) == [real]
    assert Decision.objects.filter(agenda_item__isnull=True).count() == 8
