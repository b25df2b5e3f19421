"""Verdicts computed from the real records (meetings and talks), in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.compliance import services
from dangjian.compliance.engine import INCOMPLETE, MET, NOT_APPLICABLE, UNMET
from dangjian.talks.models import Talk
from dangjian.talks.services import coverage_for
from tests.factories import MemberFactory, OrgFactory

from .helpers import held, vote

pytestmark = pytest.mark.django_db
AFTER = dt.date(2026, 1, 10)
LECTURE = ["lecture_script", "lecture_record"]  # the 签到表 is the recorded attendance


def find(found, rule, period=None, org=None):
    hits = [
        v
        for v in found
        if v.rule == rule and (period is None or v.period == period) and (org is None or v.org == org)
    ]
    assert len(hits) == 1, [(v.rule, v.org, v.period) for v in hits]
    return hits[0]


def test_committee_meetings_with_a_month_missing(world):
    for m in range(1, 13):
        if m != 7:
            held(world.branch_a, "committee_meeting", dt.date(2025, m, 5))
    found = services.verdicts_for(world.branch_a, 2025, AFTER)
    months = [v for v in found if v.rule == "committee_meeting"]
    assert [v.period for v in months if v.status == UNMET] == ["2025-07"]
    assert find(found, "committee_meeting", "2025-07").reasons[-1].startswith("2025年7月已结束")


def test_minutes_written_in_the_page_count_as_the_meeting_record(world):
    held(world.branch_a, "committee_meeting", dt.date(2025, 3, 5))
    held(world.branch_a, "committee_meeting", dt.date(2025, 4, 5), minutes="")
    found = services.verdicts_for(world.branch_a, 2025, AFTER)
    assert find(found, "committee_meeting", "2025-03").missing_records == []
    assert find(found, "committee_meeting", "2025-04").missing_records == ["会议记录"]


def test_theme_day_without_dues_ledger(world):
    held(world.branch_b, "theme_day", dt.date(2025, 5, 8), records=["activity_register", "activity_photos"])
    v = find(services.verdicts_for(world.branch_b, 2025, AFTER), "theme_day", "2025-05")
    assert v.status == INCOMPLETE and v.missing_records == ["党费交纳台帐"]
    assert (v.counted, v.complete) == (1, 0)


def test_lecture_by_an_ordinary_member_is_not_counted(world):
    for m in (2, 5, 8):
        held(world.branch_a, "party_lecture", dt.date(2025, m, 1), speaker=world.members_a[0], allowed=True)
    held(world.branch_a, "party_lecture", dt.date(2025, 11, 1), speaker=world.members_a[6], allowed=False)
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "party_lecture")
    assert (v.status, v.counted, v.required) == (UNMET, 3, 4)
    assert world.members_a[6].name in v.not_counted[0].why[0]


def test_general_meeting_without_quorum_is_flagged(world):
    meeting = held(world.branch_a, "general_meeting", dt.date(2025, 2, 10))
    vote(meeting, eligible=8, present=4)
    ok = held(world.branch_a, "general_meeting", dt.date(2025, 5, 10))
    vote(ok, eligible=8, present=5)
    found = services.verdicts_for(world.branch_a, 2025, AFTER)
    assert any("表决无效" in w for w in find(found, "general_meeting", "2025-Q1").counted_activities[0].why)
    assert not any(
        "表决无效" in w for w in find(found, "general_meeting", "2025-Q2").counted_activities[0].why
    )
    assert find(found, "general_meeting", "2025-Q3").status == UNMET


def test_org_life_meeting_without_its_before_records(world):
    held(world.branch_a, "org_life_meeting", dt.date(2025, 12, 20), records=["comparison_speech"])
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "org_life_meeting")
    assert v.status == INCOMPLETE
    assert "会前·组织生活会方案" in v.missing_records and "会前·对照发言材料" not in v.missing_records
    assert "会后·意见清单的整改措施" in v.missing_records


def test_group_meetings_per_group_and_not_applicable_without_groups(world):
    held(world.group_a1, "group_meeting", dt.date(2025, 6, 3))
    found = services.verdicts_for(world.branch_a, 2025, AFTER)
    assert find(found, "group_meeting", "2025-06", org="BRA-G1").status == MET
    assert find(found, "group_meeting", "2025-06", org="BRA-G2").status == UNMET
    b = find(services.verdicts_for(world.branch_b, 2025, AFTER), "group_meeting")
    assert b.status == NOT_APPLICABLE
    assert (
        find(services.verdicts_for(world.branch_b, 2025, AFTER), "committee_meeting").status == NOT_APPLICABLE
    )


def test_branch_founded_mid_year(world):
    new = OrgFactory(code="NEW", name="新建党支部", parent=world.town, founded_on=dt.date(2025, 9, 15))
    for i in range(3):
        MemberFactory(org=new, name=f"新{i}")
    found = services.verdicts_for(new, 2025, AFTER)
    assert find(found, "party_lecture").required == 1  # Oct-Dec: ceil(4 * 3 / 12)
    assert find(found, "org_life_meeting").required == 1
    assert find(found, "theme_day", "2025-09").status == NOT_APPLICABLE
    assert find(found, "theme_day", "2025-10").status == UNMET


def test_heart_talk_from_the_talks_records(world):
    secretary = world.members_a[0]
    Talk.objects.bulk_create(
        [
            Talk(
                org=world.branch_a,
                initiator=secretary,
                partner=m,
                talked_on=dt.date(2025, 4, 1),
                topics="思想",
                pairing="x",
            )
            for m in world.members_a[1:5]
        ]
    )
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "heart_talk")
    assert v.status == UNMET
    same = coverage_for(world.branch_a, 2025, AFTER)  # the talks app's own answer, one branch at a time
    assert (v.required, v.counted) == (same.expected, same.covered) == (7, 4)
    assert world.members_a[6].name in v.reasons[-1]


def _count_queries(org, year=2025):
    with CaptureQueriesContext(connection) as ctx:
        services.matrix(org, year, AFTER)
    return len(ctx.captured_queries)


def test_matrix_queries_do_not_grow_with_branches(world):
    held(world.branch_a, "theme_day", dt.date(2025, 5, 8), records=["dues_ledger"])
    small = _count_queries(world.town)
    for i in range(6):
        branch = OrgFactory(code=f"X{i}", name=f"新增{i}党支部", parent=world.general)
        OrgFactory(code=f"X{i}-G", name="党小组", kind="group", parent=branch, category="")
        for j in range(3):
            MemberFactory(org=branch, name=f"新增{i}{j}")
        held(branch, "theme_day", dt.date(2025, 3, 8), records=["dues_ledger"])
        held(branch, "general_meeting", dt.date(2025, 3, 9))
    assert _count_queries(world.town) == small


def test_matrix_rolls_groups_up_and_filters(world):
    held(world.group_a1, "group_meeting", dt.date(2025, 6, 3))
    m = services.matrix(world.town, 2025, AFTER)
    rows = {r.code: r for r in m.rows}
    assert set(rows) == {"BRA", "BRB"}
    assert rows["BRA"].cells["group_meeting"].status == UNMET
    assert rows["BRA"].cells["group_meeting"].counted == 1
    assert rows["BRB"].cells["group_meeting"].status == NOT_APPLICABLE
    only_general = services.matrix(world.town, 2025, AFTER, general_id=world.general.pk)
    assert [r.code for r in only_general.rows] == ["BRA"]
    assert [r.code for r in services.matrix(world.town, 2025, AFTER, category="enterprise").rows] == ["BRB"]


def test_with_the_local_rule_a_year_of_lectures_none_by_the_secretary_is_unmet(world, settings):
    from dangjian.rulebook.rulebook import DEFAULT_FILE

    settings.RULES_FILES = [str(DEFAULT_FILE.parent / "examples" / "branch-secretary-lecture.toml")]
    instructor, secretary = world.members_b[4], world.members_a[0]
    lectures = [
        held(
            world.branch_a,
            "party_lecture",
            dt.date(2025, m, 1),
            speaker=instructor,
            allowed=True,
            records=LECTURE,
        )
        for m in (2, 5, 8, 11)
    ]
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "party_lecture")
    assert (v.status, v.counted) == (UNMET, 4)
    assert any("党支部书记每年至少讲1次党课" in r for r in v.reasons)
    lectures[-1].speaker = secretary
    lectures[-1].save(update_fields=["speaker"])
    assert find(services.verdicts_for(world.branch_a, 2025, AFTER), "party_lecture").status == MET
    # The matrix cell agrees with the verdict.
    row = next(r for r in services.matrix(world.town, 2025, AFTER).rows if r.code == "BRA")
    assert row.cells["party_lecture"].status == MET


def _campaign(org, status, **kw):
    from django.utils import timezone

    from dangjian.evaluations.models import Campaign

    campaign = Campaign.objects.create(
        org=org,
        year=2025,
        status=status,
        self_opens_on=dt.date(2025, 12, 1),
        self_closes_on=dt.date(2025, 12, 10),
        vote_opens_on=dt.date(2025, 12, 11),
        vote_closes_on=dt.date(2025, 12, 20),
        rules_version="1",
        **kw,
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        created_at=timezone.make_aware(dt.datetime(2025, 11, 20, 9))
    )
    return campaign


def test_member_evaluation_comes_from_the_evaluations_app(world):
    from dangjian.evaluations.models import Decision, SelfEvaluation

    before = find(services.verdicts_for(world.branch_a, 2025, AFTER), "member_evaluation")
    assert (before.status, before.counted) == (UNMET, 0)
    decided = _campaign(world.branch_a, "decided")
    SelfEvaluation.objects.create(
        campaign=decided, member=world.members_a[2], submitted_on=dt.date(2025, 12, 5)
    )
    Decision.objects.create(
        campaign=decided, member=world.members_a[2], grade="qualified", decided_on=dt.date(2025, 12, 28)
    )
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "member_evaluation")
    assert (v.status, v.counted, v.required) == (INCOMPLETE, 1, 1)
    assert v.missing_records == ["测评表"]  # no ballots were cast: held, records incomplete
    assert v.counted_activities[0].url == f"/evaluations/{decided.pk}/"
    # As of a day before the decision, it was not decided yet.
    earlier = find(services.verdicts_for(world.branch_a, 2025, dt.date(2025, 12, 27)), "member_evaluation")
    assert earlier.status == "in_progress" and earlier.counted == 0
    _campaign(world.branch_b, "open")
    running = find(services.verdicts_for(world.branch_b, 2025, AFTER), "member_evaluation")
    assert (running.status, running.counted) == (UNMET, 0)
    assert "尚未完成组织评定（进行中）" in running.not_counted[0].why[0]


def test_activities_entered_after_the_as_of_date_are_not_counted(world):
    from django.utils import timezone

    meeting = held(world.branch_b, "general_meeting", dt.date(2025, 3, 15))
    meeting.created_at = timezone.make_aware(dt.datetime(2025, 4, 20, 9))  # entered late
    meeting.save(update_fields=["created_at"])
    as_of_april = find(
        services.verdicts_for(world.branch_b, 2025, dt.date(2025, 4, 1)), "general_meeting", "2025-Q1"
    )
    assert (as_of_april.status, as_of_april.counted) == (UNMET, 0)
    later = find(
        services.verdicts_for(world.branch_b, 2025, dt.date(2025, 4, 20)), "general_meeting", "2025-Q1"
    )
    assert (later.status, later.counted) == (MET, 1)
