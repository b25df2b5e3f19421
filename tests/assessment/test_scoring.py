"""Each indicator kind scored from plain facts, with its boundaries; vetoes; ranks within a kind."""

import datetime as dt
from dataclasses import dataclass

import pytest

from dangjian.assessment import scoring
from dangjian.assessment.scheme import default

SCHEME = default()


@dataclass(frozen=True)
class Finding:  # the shape of supervision.findings.FindingFact
    org_id: int
    round_name: str
    item: str
    result: str
    found_on: dt.date
    rectified: bool
    url: str


def facts(**kw):
    return scoring.BranchFacts(1, "BRA", "甲村党支部", "village", **kw)


def line(code, **kw):
    return scoring.score_line(SCHEME.indicator(code), facts(**kw))


def test_verdicts_share_of_periods_met_with_partial_credit():
    got = line("theme_day", outcomes={"theme_day": {"met": 9, "incomplete": 2, "unmet": 1, "in_progress": 1}})
    assert got.points == pytest.approx(10 * (9 + 0.5 * 2) / 12, abs=0.01)  # 8.33; running month not counted
    assert "达标 9" in got.detail and "未达标 1" in got.detail


def test_verdicts_boundaries_all_met_none_met_and_nothing_decided():
    assert line("theme_day", outcomes={"theme_day": {"met": 12}}).points == 10
    assert line("theme_day", outcomes={"theme_day": {"unmet": 12}}).points == 0
    assert line("theme_day", outcomes={"theme_day": {"in_progress": 1}}).points is None
    assert line("theme_day", outcomes={}).points is None


def test_three_one_sums_its_four_rules_and_links_each_verdict():
    links = {r: f"/compliance/org/BRA/{r}/?year=2025" for r in SCHEME.indicator("three_one").rules}
    got = line(
        "three_one",
        outcomes={"committee_meeting": {"met": 12}, "general_meeting": {"met": 2, "unmet": 2}},
        verdict_links=links,
    )
    assert got.points == pytest.approx(40 * 14 / 16)
    assert [e.url for e in got.evidence] == list(links.values())


def test_findings_deduct_by_result_and_rectified_costs_half():
    found = [
        Finding(1, "第一轮督查", "会议记录", "nonconforming", dt.date(2025, 5, 1), False, "/f/1"),
        Finding(1, "第一轮督查", "签到表", "partly", dt.date(2025, 5, 1), True, "/f/2"),
    ]
    got = line("findings", findings=found)
    assert got.points == 10 - 3 - 0.5
    assert [e.url for e in got.evidence] == ["/f/1", "/f/2"]
    assert line("findings").points == 10
    many = [found[0]] * 5
    assert line("findings", findings=many).points == 0  # never below 0


def test_survey_needs_its_minimum_of_answers():
    ind = SCHEME.indicator("satisfaction")
    assert scoring.score_survey(ind, scoring.SurveyResult(satisfied=4)).points is None
    assert scoring.score_survey(ind, scoring.SurveyResult(satisfied=5)).points == 15
    got = scoring.score_survey(ind, scoring.SurveyResult(satisfied=6, basic=2, dissatisfied=2))
    assert got.points == pytest.approx(15 * (6 + 0.6 * 2) / 10)


def test_office_entries_are_kept_in_range_and_pending_without_one():
    assert line("education").points is None
    assert line("education", entries={"education": scoring.Entry(4, "台账齐全")}).points == 4
    assert line("adjust").points == 0
    assert line("adjust", entries={"adjust": scoring.Entry(-20, "被通报批评")}).points == -10


def test_score_is_over_points_available_and_grade_follows_thresholds():
    outcomes = {r: {"met": 1} for i in SCHEME.indicators for r in i.rules}
    sheet = scoring.sheet(SCHEME, facts(outcomes=outcomes))
    # survey and education are pending: 100 - 15 - 5 available, all earned
    assert (sheet.earned, sheet.available, sheet.score, sheet.grade_name) == (80, 80, 100, "好")
    outcomes["theme_day"] = {"met": 2, "unmet": 8}
    sheet = scoring.sheet(SCHEME, facts(outcomes=outcomes))
    assert sheet.score == pytest.approx(100 * 72 / 80) and sheet.grade_name == "好"  # exactly 90
    outcomes["theme_day"] = {"met": 1, "unmet": 9}
    assert scoring.sheet(SCHEME, facts(outcomes=outcomes)).grade_name == "较好"


def test_veto_caps_the_grade_whatever_the_points():
    outcomes = {r: {"met": 1} for i in SCHEME.indicators for r in i.rules}
    outcomes["org_life_meeting"] = {"unmet": 1}
    sheet = scoring.sheet(SCHEME, facts(outcomes=outcomes))
    assert sheet.score == pytest.approx(100 * 70 / 80)
    assert sheet.grade_name == "差" and sheet.vetoes == ["全年未召开组织生活会"]


def test_a_correction_overrides_a_line_with_its_reason():
    outcomes = {r: {"met": 1} for i in SCHEME.indicators for r in i.rules}
    sheet = scoring.sheet(SCHEME, facts(outcomes=outcomes), {"theme_day": (5, "记录造假")})
    got = next(x for x in sheet.lines if x.code == "theme_day")
    assert (got.points, got.correction) == (5, "记录造假") and sheet.earned == 75


def _sheet(org_id, category, score):
    return scoring.Sheet(org_id, "", "", category, [], 0, 0, score, "", "", [])


def test_ranks_within_kind_share_ties_and_skip_unscored():
    sheets = [
        _sheet(1, "village", 90),
        _sheet(2, "village", 95),
        _sheet(3, "village", 90),
        _sheet(4, "enterprise", 70),
        _sheet(5, "village", None),
    ]
    assert scoring.ranks(sheets) == {2: (1, 3), 1: (2, 3), 3: (2, 3), 4: (1, 1)}
