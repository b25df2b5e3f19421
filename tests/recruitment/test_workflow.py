"""The 发展党员 rules as plain functions: order, time limits at their boundaries, working days, votes."""

import datetime as dt

import pytest

from dangjian.recruitment import workflow
from dangjian.recruitment.workflow import StepFact, VoteFact, check
from dangjian.rulebook import rulebook

BORN = dt.date(1995, 3, 1)
TODAY = dt.date(2027, 12, 31)


def refused(facts, new, birth=BORN):
    return check(facts, new, birth, TODAY).refused


def test_a_17_year_old_is_refused_and_18_accepted():
    birth = dt.date(2008, 6, 15)
    problems = refused([], StepFact("application", dt.date(2026, 6, 14)), birth)
    assert problems and "未满18周岁" in problems[0] and "细则》（2014）第二章，第1步" in problems[0]
    assert refused([], StepFact("application", dt.date(2026, 6, 15)), birth) == []


ACTIVIST = [
    StepFact("application", dt.date(2024, 9, 1)),
    StepFact("talk", dt.date(2024, 9, 20)),
    StepFact("activist", dt.date(2025, 1, 10)),
    StepFact("mentors", dt.date(2025, 1, 12), people=(True, True)),
    StepFact("review", dt.date(2025, 7, 1)),
]


def test_candidate_at_364_days_refused_at_365_allowed():
    day_364 = dt.date(2025, 1, 10) + dt.timedelta(days=364)
    problems = refused(ACTIVIST, StepFact("candidate", day_364))
    assert len(problems) == 1
    assert "入党积极分子经过1年以上培养教育和考察，方可列为发展对象" in problems[0]
    assert "2026-01-10" in problems[0]
    assert refused(ACTIVIST, StepFact("candidate", day_364 + dt.timedelta(days=1))) == []


def test_a_step_out_of_order_quotes_the_rule():
    problems = refused(ACTIVIST[:2], StepFact("candidate", dt.date(2026, 3, 1)))
    assert any("尚未登记“培养教育考察" in p and "细则" in p for p in problems)
    problems = refused(ACTIVIST[:1], StepFact("talk", dt.date(2024, 8, 1)))
    assert any("早于" in p for p in problems)


def test_the_limits_quote_the_rulebook_thresholds():
    texts = {t.text for t in rulebook.current().item("member_development").thresholds}
    flow = workflow.current()
    limits = [s.due or s.not_before for s in flow.steps.values() if s.due or s.not_before]
    assert {lim.rule.text for lim in limits} <= texts
    assert flow.training[2].text in texts


def test_a_late_talk_is_kept_and_flagged():
    result = check(ACTIVIST[:1], StepFact("talk", dt.date(2024, 10, 2)), BORN, TODAY)
    assert result.refused == [] and "逾期 1 天" in result.late


def test_publicity_over_national_day_counts_working_days():
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are make-up working days (调休).
    assert workflow.working_days(dt.date(2025, 9, 29), dt.date(2025, 10, 10)) == 4
    assert workflow.publicity_end(dt.date(2025, 9, 29)) == dt.date(2025, 10, 11)
    assert workflow.is_working_day(dt.date(2025, 10, 11)) and not workflow.is_working_day(
        dt.date(2025, 10, 4)
    )
    ready = [StepFact(c, dt.date(2025, 9, 26)) for c in ("committee_review",)]
    short = StepFact("publicity", dt.date(2025, 9, 29), end_date=dt.date(2025, 10, 10))
    problems = check(ready, short, BORN, TODAY).refused
    assert len(problems) == 1 and "只有 4 个工作日" in problems[0] and "2025-10-11" in problems[0]
    assert "第四章，第13步" in problems[0]  # 公示 before the 预审: 预备党员的接收, not 第三章
    enough = StepFact("publicity", dt.date(2025, 9, 29), end_date=dt.date(2025, 10, 11))
    assert check(ready, enough, BORN, TODAY).refused == []
    # 预审 only after the 公示 is over
    after = [*ready, enough]
    assert check(after, StepFact("superior_prereview", dt.date(2025, 10, 11)), BORN, TODAY).refused
    assert check(after, StepFact("superior_prereview", dt.date(2025, 10, 12)), BORN, TODAY).refused == []


def probationary(meeting=dt.date(2026, 1, 10)):
    return [
        StepFact("admission_meeting", meeting),
        StepFact("superior_talk", meeting),
        StepFact("admission_approval", meeting + dt.timedelta(days=30)),
    ]


def test_approval_on_day_91_is_kept_and_flagged():
    facts = [
        StepFact("admission_meeting", dt.date(2026, 1, 10)),
        StepFact("superior_talk", dt.date(2026, 1, 20)),
    ]
    on_time = check(facts, StepFact("admission_approval", dt.date(2026, 4, 10)), BORN, TODAY)
    assert on_time.refused == [] and on_time.late == ""
    late = check(facts, StepFact("admission_approval", dt.date(2026, 4, 11)), BORN, TODAY)
    assert late.refused == [] and "逾期 1 天" in late.late and "3个月内审批" in late.late
    special = check(facts, StepFact("admission_approval", dt.date(2026, 4, 11), special=True), BORN, TODAY)
    assert special.late == ""


def test_a_vote_without_quorum_is_refused():
    base = [StepFact("volunteer_form", dt.date(2026, 1, 5))]
    no_quorum = VoteFact("admit", quorum_met=False, passed=False)
    new = StepFact("admission_meeting", dt.date(2026, 1, 10), vote=no_quorum)
    flow_after = workflow.current().steps["admission_meeting"].after
    assert flow_after == ("volunteer_form",)
    problems = check(base, new, BORN, TODAY).refused
    assert any("未超过应到会人数的半数" in p for p in problems)
    passed = StepFact("admission_meeting", dt.date(2026, 1, 10), vote=VoteFact("admit", True, True))
    assert check(base, passed, BORN, TODAY).refused == []


@pytest.mark.parametrize("months,ok", [(5, False), (6, True), (12, True), (13, False)])
def test_extension_between_half_a_year_and_one_year(months, ok):
    new = StepFact("extension", dt.date(2026, 12, 1), months=months)
    assert (check(probationary(), new, BORN, TODAY).refused == []) is ok


def test_extension_only_once_and_moves_the_end_of_probation():
    facts = [*probationary(), StepFact("extension", dt.date(2026, 12, 1), months=12)]
    assert workflow.probation_end(facts) == dt.date(2028, 1, 10)
    again = check(facts, StepFact("extension", dt.date(2027, 6, 1), months=6), BORN, TODAY).refused
    assert any("延长过一次" in p for p in again)


def test_deadlines_running_and_overdue():
    facts = [StepFact("application", dt.date(2026, 1, 5))]
    [talk] = workflow.deadlines(facts, dt.date(2026, 2, 6))
    assert talk.due == dt.date(2026, 2, 5) and talk.overdue
    facts = probationary()
    names = {d.step: d for d in workflow.deadlines(facts, dt.date(2026, 3, 1))}
    assert names["confirm_meeting"].due == dt.date(2027, 1, 10)
    assert names["probation_review"].due == dt.date(2026, 7, 10)
