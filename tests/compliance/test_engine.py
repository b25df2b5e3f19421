"""The engine over plain facts: each 附件1 rule with its boundaries, without a database."""

import datetime as dt
import itertools

import pytest

from dangjian.compliance.engine import (
    IN_PROGRESS,
    INCOMPLETE,
    MET,
    NOT_APPLICABLE,
    UNMET,
    ActivityFact,
    OrgFacts,
    TalkCoverage,
    evaluate,
    forecasts,
    summarise,
    verdicts,
)
from dangjian.compliance.periods import Period
from dangjian.rulebook.rulebook import DEFAULT_FILE, parse

BOOK = parse([DEFAULT_FILE])
SECRETARY_LECTURE = DEFAULT_FILE.parent / "examples" / "branch-secretary-lecture.toml"
YEAR_END = dt.date(2025, 12, 31)
AFTER = dt.date(2026, 2, 1)
BRANCH = OrgFacts(1, "BRA", "甲村党支部", "branch", has_committee=True, group_count=2)
SMALL = OrgFacts(2, "BRB", "乙企业党支部", "branch", has_committee=False, group_count=0)
GROUP = OrgFacts(3, "BRA-G1", "第一党小组", "group", parent_id=1)
_ids = itertools.count(1)


def act(kind, day, org=BRANCH, records=None, **kw):
    item = BOOK.item(kind)
    all_records = {c for s in item.stages for c in s.records} | set(item.records)
    return ActivityFact(
        next(_ids), org.id, kind, day, records=frozenset(all_records if records is None else records), **kw
    )


def find(found, rule, period=None, org="BRA"):
    hits = [v for v in found if v.rule == rule and v.org == org and (period is None or v.period == period)]
    assert len(hits) == 1, [(v.rule, v.org, v.period) for v in hits]
    return hits[0]


def run(records, as_of=AFTER, orgs=(BRANCH,), talks=(), year=2025, **kw):
    return verdicts(list(orgs), BOOK, records, as_of, year=year, talks=talks, **kw)


def test_a_quarter_without_general_meeting_is_unmet_and_says_so():
    records = [act("general_meeting", dt.date(2025, m, 10)) for m in (2, 8, 11)]
    found = run(records)
    assert [find(found, "general_meeting", f"2025-Q{q}").status for q in (1, 2, 3, 4)] == [
        MET,
        UNMET,
        MET,
        MET,
    ]
    q2 = find(found, "general_meeting", "2025-Q2")
    assert (q2.required, q2.counted) == (1, 0)
    assert any("2025年第2季度已结束，尚差1次" in r for r in q2.reasons)
    assert "第十一条" in q2.source and q2.rules_version == BOOK.version


def test_eleven_committee_meetings_with_one_month_missing():
    records = [act("committee_meeting", dt.date(2025, m, 5)) for m in range(1, 13) if m != 7]
    found = [v for v in run(records) if v.rule == "committee_meeting"]
    assert len(found) == 12
    assert [v.period for v in found if v.status == UNMET] == ["2025-07"]
    assert sum(v.counted for v in found) == 11


def test_two_meetings_in_one_month_do_not_make_up_for_a_missing_month():
    records = [act("committee_meeting", dt.date(2025, 6, d)) for d in (3, 20)]
    records += [act("committee_meeting", dt.date(2025, m, 5)) for m in range(1, 13) if m not in (6, 7)]
    found = run(records)
    assert find(found, "committee_meeting", "2025-06").counted == 2
    assert find(found, "committee_meeting", "2025-07").status == UNMET


def test_committee_meeting_is_not_applicable_without_a_committee():
    v = find(run([], orgs=(SMALL,)), "committee_meeting", org="BRB")
    assert v.status == NOT_APPLICABLE and "未设支部委员会" in v.reasons[0]


def test_four_lectures_one_by_an_ordinary_member_leave_the_year_unmet():
    records = [
        act("party_lecture", dt.date(2025, m, 1), speaker="书记甲", speaker_allowed=True) for m in (3, 6, 9)
    ]
    records.append(act("party_lecture", dt.date(2025, 12, 1), speaker="普通党员乙", speaker_allowed=False))
    v = find(run(records), "party_lecture", "2025")
    assert (v.status, v.required, v.counted) == (UNMET, 4, 3)
    assert len(v.not_counted) == 1 and not v.not_counted[0].counted
    assert "主讲人普通党员乙不是书记或党建指导员" in v.not_counted[0].why[0]
    assert any("另有1次不计入" in r for r in v.reasons)


def test_four_lectures_by_secretary_or_instructor_meet_the_year():
    records = [act("party_lecture", dt.date(2025, m, 1), speaker_allowed=True) for m in (3, 6, 9)]
    records.append(
        act(
            "party_lecture",
            dt.date(2025, 12, 1),
            speaker_allowed=True,
            speaker_titles=frozenset({"secretary"}),
        )
    )
    assert find(run(records), "party_lecture", "2025").status == MET


def test_lectures_all_by_instructors_meet_the_notice():
    """The notice asks for 4 党课 by a 党组织书记 or 党建指导员; none need be by the branch's own 书记."""
    records = [act("party_lecture", dt.date(2025, m, 1), speaker_allowed=True) for m in (3, 6, 9, 12)]
    v = find(run(records), "party_lecture", "2025")
    assert (v.status, v.counted, v.required) == (MET, 4, 4)
    assert BOOK.item("party_lecture").given_by is None
    assert "第十六条" not in v.source and "党组织书记或党建指导员" in v.source


def test_a_local_rule_wants_one_lecture_by_the_branch_secretary():
    """The example local rule file brings back "the 支部书记 gives at least one 党课 a year"."""
    local = parse([DEFAULT_FILE, SECRETARY_LECTURE])
    records = [act("party_lecture", dt.date(2025, m, 1), speaker_allowed=True) for m in (3, 6, 9, 12)]
    v = find(verdicts([BRANCH], local, records, AFTER, year=2025), "party_lecture", "2025")
    assert (v.status, v.counted, v.required) == (UNMET, 4, 4)
    assert local.item("party_lecture").local and "本地规则" in local.item("party_lecture").given_by.source
    assert any("党支部书记每年至少讲1次党课" in r and "主讲的有0次" in r for r in v.reasons)
    assert "书记" in v.shortfall and not any("尚差0次" in r for r in v.reasons)
    grouped = {(BRANCH.id, "party_lecture"): records}
    brief = evaluate([BRANCH], local, grouped, {}, AFTER, year=2025, rules=["party_lecture"], brief=True)
    assert [x.status for x in brief] == [UNMET]  # the matrix cell agrees
    running = find(
        verdicts([BRANCH], local, records, dt.date(2025, 12, 10), year=2025), "party_lecture", "2025"
    )
    assert running.status == IN_PROGRESS
    assert running.forecast == "本年度书记还需讲党课1次，剩余22天"


def test_forecasts_use_the_rules_verb():
    found = run([], as_of=dt.date(2025, 3, 20))
    assert find(found, "party_lecture").forecast == "本年度还需讲党课4次，剩余287天"
    assert find(found, "theme_day", "2025-03").forecast == "本月还需开展主题党日1次，剩余12天"


def test_lecture_without_its_records_counts_but_lists_them_by_name():
    records = [act("party_lecture", dt.date(2025, m, 1), speaker_allowed=True) for m in (3, 6, 9)]
    records.append(
        act(
            "party_lecture",
            dt.date(2025, 12, 1),
            records={"lecture_script"},
            speaker_allowed=True,
            speaker_titles=frozenset({"secretary"}),
        )
    )
    v = find(run(records), "party_lecture", "2025")
    assert (v.status, v.counted, v.complete) == (INCOMPLETE, 4, 3)
    assert v.missing_records == ["签到表", "党课记录"]


def test_theme_day_without_dues_ledger_is_held_with_the_ledger_missing():
    records = [
        act("theme_day", dt.date(2025, 4, 1), records={"minutes", "activity_register", "activity_photos"})
    ]
    v = find(run(records), "theme_day", "2025-04")
    assert v.status == INCOMPLETE and v.status_label == "已开展·记录不全"
    assert v.missing_records == ["党费交纳台帐"]
    assert v.counted_activities[0].missing_records == ["党费交纳台帐"]
    assert any("党费交纳台帐" in r for r in v.reasons)


def test_org_life_meeting_without_its_before_records_names_them_by_stage():
    item = BOOK.item("org_life_meeting")
    during_after = {c for s in item.stages if s.code != "before" for c in s.records}
    v = find(run([act("org_life_meeting", dt.date(2025, 12, 20), records=during_after)]), "org_life_meeting")
    assert v.status == INCOMPLETE
    before = next(s for s in item.stages if s.code == "before")
    assert v.missing_records == [f"会前·{BOOK.record_name(c)}" for c in before.records]
    assert "会前·组织生活会方案" in v.missing_records and "会前·谈心谈话记录" in v.missing_records


def test_general_meeting_without_quorum_is_flagged():
    v = find(
        run([act("general_meeting", dt.date(2025, 1, 9), quorum_met=False)]), "general_meeting", "2025-Q1"
    )
    assert v.counted == 1
    assert any("表决无效" in w for w in v.counted_activities[0].why)
    assert any("法定到会人数" in r for r in v.reasons)


def test_group_meeting_is_per_group_and_not_applicable_without_groups():
    found = run([act("group_meeting", dt.date(2025, 5, 2), org=GROUP)], orgs=(BRANCH, SMALL, GROUP))
    assert find(found, "group_meeting", "2025-05", org="BRA-G1").status == MET
    assert find(found, "group_meeting", "2025-06", org="BRA-G1").status == UNMET
    assert find(found, "group_meeting", org="BRB").status == NOT_APPLICABLE
    assert not [v for v in found if v.org == "BRA" and v.rule == "group_meeting"]
    assert not [v for v in found if v.org == "BRA-G1" and v.rule != "group_meeting"]


def test_items_as_needed_are_not_evaluated():
    for code in ("discipline", "unqualified_disposal"):
        v = find(run([]), code)
        assert v.status == NOT_APPLICABLE and "按需开展" in v.reasons[0]


def test_loose_items_name_their_thresholds_and_why_they_are_not_checked():
    education = find(run([]), "member_education")
    assert education.status == NOT_APPLICABLE and education.days_remaining == 0
    assert "32学时" in education.reasons[0] and "56学时" in education.reasons[0]
    assert (
        "党员教育管理工作条例" in education.reasons[0] and "尚未登记党员学习培训学时" in education.reasons[0]
    )
    development = find(run([]), "member_development")
    assert "1个月内派人同入党申请人谈话" in development.reasons[0]
    assert "预备期为1年" in development.reasons[0] and "暂不检查" in development.reasons[0]


def test_rules_effective_later_leave_earlier_periods_alone(tmp_path):
    local = tmp_path / "local.toml"
    local.write_text(
        'version = "本镇/1"\n[[items]]\ncode = "study_session"\nseq = 7\ngroup = "学习"\nname = "集中学习"\n'
        'activity = true\napplies_to = "branch"\nrecords = []\nsource = "镇党委规定"\n'
        "effective_from = 2025-07-01\n"
        'frequency = { period = "month", min = 2, text = "每月2次" }\n',
        encoding="utf-8",
    )
    book = parse([DEFAULT_FILE, local])
    found = verdicts([BRANCH], book, [], AFTER, year=2025)
    june = find(found, "study_session", "2025-06")
    assert june.status == NOT_APPLICABLE and "2025年07月01日起施行" in june.reasons[0]
    assert find(found, "study_session", "2025-07").status == UNMET


def test_branch_founded_mid_year_owes_a_share_rounded_up():
    founded = OrgFacts(9, "NEW", "新党支部", "branch", founded_on=dt.date(2025, 4, 10), has_committee=True)
    found = run([], orgs=(founded,))
    lecture = find(found, "party_lecture", org="NEW")
    assert lecture.required == 3  # May-December: ceil(4 * 8 / 12)
    assert any("8个整月" in r and "向上取整" in r for r in lecture.reasons)
    assert find(found, "committee_meeting", "2025-04", org="NEW").status == NOT_APPLICABLE
    assert find(found, "committee_meeting", "2025-05", org="NEW").status == UNMET
    assert find(found, "general_meeting", "2025-Q1", org="NEW").status == NOT_APPLICABLE
    assert find(found, "general_meeting", "2025-Q2", org="NEW").required == 1  # ceil(1 * 2/3)
    assert find(found, "org_life_meeting", org="NEW").required == 1
    talk = find(run([], orgs=(founded,), talks=[TalkCoverage(9, 2025, expected=3)]), "heart_talk", org="NEW")
    assert talk.required == 3 and not any(
        "折算" in r for r in talk.reasons
    )  # members are counted, not months
    running = find(
        run([], orgs=(founded,), as_of=dt.date(2025, 4, 20)), "committee_meeting", "2025-04", org="NEW"
    )
    assert running.status == NOT_APPLICABLE and running.days_remaining == 0


def test_branch_dissolved_mid_year_is_not_applicable_afterwards():
    gone = OrgFacts(8, "OLD", "旧党支部", "branch", dissolved_on=dt.date(2025, 6, 15), has_committee=True)
    found = run([], orgs=(gone,))
    assert find(found, "theme_day", "2025-05", org="OLD").status == UNMET
    v = find(found, "theme_day", "2025-07", org="OLD")
    assert v.status == NOT_APPLICABLE and "撤销" in v.reasons[0]


def test_running_periods_are_in_progress_with_a_forecast():
    as_of = dt.date(2025, 3, 20)
    found = run([act("committee_meeting", dt.date(2025, 3, 2))], as_of=as_of)
    general = find(found, "general_meeting", "2025-Q1")
    assert general.status == IN_PROGRESS and general.days_remaining == 12
    assert general.forecast == "本季度还需召开支部党员大会1次，剩余12天"
    assert find(found, "committee_meeting", "2025-03").status == MET  # already done counts as met
    assert not [v for v in found if v.period in ("2025-04", "2025-Q2")]  # periods not started are left out
    owed = forecasts(found)
    assert {v.rule for v in owed} >= {"theme_day", "general_meeting", "party_lecture"}
    assert [v.due for v in owed] == sorted(v.due for v in owed)
    assert owed[0].due == "2025-03-31" and owed[-1].due == "2025-12-31"


def test_activities_after_as_of_are_not_seen():
    records = [act("general_meeting", dt.date(2025, 3, 25))]
    assert find(run(records, as_of=dt.date(2025, 3, 20)), "general_meeting", "2025-Q1").status == IN_PROGRESS
    assert find(run(records, as_of=dt.date(2025, 3, 26)), "general_meeting", "2025-Q1").status == MET


def test_heart_talk_uses_the_secretary_coverage():
    partial = TalkCoverage(1, 2025, expected=3, missing=("甲2", "甲3"))
    v = find(run([], talks=[partial]), "heart_talk")
    assert (v.status, v.required, v.counted) == (UNMET, 3, 1)
    assert any("尚未谈话：甲2、甲3" in r for r in v.reasons)
    full = TalkCoverage(1, 2025, expected=2)
    assert find(run([], talks=[full]), "heart_talk").status == MET
    running = find(run([], talks=[partial], as_of=dt.date(2025, 11, 1)), "heart_talk")
    assert running.status == IN_PROGRESS and "还需与2名党员" in running.forecast


def test_heart_talk_without_a_secretary_says_so_instead_of_zero_of_zero():
    nobody = TalkCoverage(1, 2025, expected=5, missing=("甲1",) * 5, has_secretary=False)
    v = find(run([], talks=[nobody]), "heart_talk")
    assert (v.status, v.required, v.counted) == (UNMET, 5, 0)
    assert any("未配备书记" in r and "请先在党组织页面任命书记" in r for r in v.reasons)


def test_within_keeps_only_overlapping_periods():
    found = run([], within=Period.parse("2025-Q2"))
    assert {v.period for v in found if v.rule == "theme_day"} == {"2025-04", "2025-05", "2025-06"}
    assert {v.period for v in found if v.rule == "general_meeting"} == {"2025-Q2"}
    assert {v.period for v in found if v.rule == "party_lecture"} == {"2025"}


def test_non_activity_items_without_a_recording_module_say_so():
    v = find(run([], evaluated_kinds=()), "member_evaluation")
    assert v.status == NOT_APPLICABLE and "尚未在本平台登记" in v.reasons[0]
    assert find(run([], evaluated_kinds=("member_evaluation",)), "member_evaluation").status == UNMET


def test_summarise_takes_the_worst():
    found = run([act("theme_day", dt.date(2025, 4, 1))], within=Period.parse("2025-Q2"))
    months = [v for v in found if v.rule == "theme_day"]
    assert summarise(months) == UNMET
    assert summarise([]) == NOT_APPLICABLE


@pytest.mark.parametrize("as_of", [YEAR_END, AFTER])
def test_json_has_the_documented_keys(as_of):
    v = run([], as_of=as_of)[0].as_json()
    for key in (
        "rule",
        "period",
        "status",
        "required",
        "counted",
        "missing_records",
        "reasons",
        "source",
        "rules_version",
        "counted_activities",
        "not_counted",
    ):
        assert key in v
