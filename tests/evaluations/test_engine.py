"""The rules as plain functions: standing, proposals, the cap, ballot checks, the rules file."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from dangjian.evaluations import engine, ruleset
from dangjian.members.choices import Category, Status
from dangjian.members.models import Member

RULES = ruleset.current()
DAY = dt.date(2026, 11, 25)


def member(category=Category.FULL, status=Status.NORMAL, joined=dt.date(2010, 1, 1)) -> Member:
    return Member(name="测试", category=category, status=status, joined_on=joined)


def test_full_member_is_graded_and_votes():
    assert engine.standing(member(), DAY, RULES) == engine.Standing(graded=True, writes_self=True, votes=True)


def test_probationary_under_a_year_writes_self_but_is_not_graded_and_has_no_vote():
    s = engine.standing(member(Category.PROBATIONARY, joined=DAY - dt.timedelta(days=100)), DAY, RULES)
    assert (s.graded, s.writes_self, s.votes) == (False, True, False)
    assert "预备党员" in s.reason


def test_probation_extended_beyond_a_year_is_graded_without_a_vote():
    s = engine.standing(member(Category.PROBATIONARY, joined=DAY - dt.timedelta(days=400)), DAY, RULES)
    assert (s.graded, s.votes) == (True, False)


@pytest.mark.parametrize("status,word", [(Status.MOBILE, "流动"), (Status.LOST, "失联")])
def test_mobile_and_lost_members_are_excluded_with_reason(status, word):
    s = engine.standing(member(status=status), DAY, RULES)
    assert not s.graded and not s.votes and word in s.reason


def test_discipline_hook_excludes_from_grading_and_vote(monkeypatch):
    monkeypatch.setattr(engine, "discipline_exclusion", lambda m, on: True)
    s = engine.standing(member(), DAY, RULES)
    assert (s.graded, s.votes) == (False, False) and "留党察看" in s.reason


def counts(e=0, q=0, b=0, u=0):
    return {"excellent": e, "qualified": q, "basic": b, "unqualified": u}


@pytest.mark.parametrize(
    "c,n,expected",
    [
        (counts(u=4, q=6), 10, "unqualified"),  # 40% > 1/3
        (counts(u=3, q=7), 10, "qualified"),  # 30% is not over 1/3
        (counts(u=3, b=3, q=4), 10, "basic"),  # 60% 基本合格 or worse
        (counts(e=6, q=4), 10, "excellent"),
        (counts(e=5, q=5), 10, "qualified"),  # exactly half is not over half
        (counts(), 0, ""),
    ],
)
def test_proposed_grade_follows_the_thresholds(c, n, expected):
    assert engine.proposed_grade(c, n, RULES) == expected


def test_excellent_cap_keeps_the_best_and_marks_the_rest():
    # 6 members, cap 1/3 → 2 may be 优秀; four are proposed 优秀 by the votes.
    grades = []
    for member_id, excellent_votes in [(1, 10), (2, 9), (3, 8), (4, 7), (5, 0), (6, 0)]:
        grades += [(member_id, "excellent", "")] * excellent_votes + [(member_id, "qualified", "")] * (
            10 - excellent_votes
        )
    result = engine.tally([1, 2, 3, 4, 5, 6], grades, 10, RULES)
    proposed = {r.member_id: (r.proposed, r.capped) for r in result.members}
    assert result.excellent_limit == 2
    assert proposed[1] == ("excellent", False) and proposed[2] == ("excellent", False)
    assert proposed[3] == ("qualified", True) and proposed[4] == ("qualified", True)


def test_tally_shares_and_small_group_warning():
    result = engine.tally([1], [(1, "excellent", "好"), (1, "qualified", ""), (1, "qualified", "")], 3, RULES)
    row = result.members[0]
    assert row.counts == counts(e=1, q=2) and row.shares["qualified"] == pytest.approx(2 / 3)
    assert row.comments == ["好"]
    assert result.small_group  # 3 ballots < 5
    assert not engine.tally([1], [], 5, RULES).small_group


def test_ballot_problems_name_what_is_wrong():
    assert engine.ballot_problems({1: "qualified", 2: "excellent"}, {1, 2}, RULES) == []
    assert "未评定等次" in engine.ballot_problems({1: "qualified"}, {1, 2}, RULES)[0]
    assert "等次只能是" in engine.ballot_problems({1: "great", 2: "qualified"}, {1, 2}, RULES)[0]
    assert (
        "不属于本次评议"
        in engine.ballot_problems({1: "qualified", 2: "qualified", 9: "qualified"}, {1, 2}, RULES)[0]
    )


def test_add_months_clamps_to_month_end():
    assert engine.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert engine.add_months(dt.date(2026, 11, 25), 12) == dt.date(2027, 11, 25)


def test_rules_file_has_sources_and_marks_local_practice():
    assert list(RULES.grades.values()) == ["优秀", "合格", "基本合格", "不合格"]
    assert RULES.proposal.local and "本地做法" in RULES.proposal.source
    assert "1/3" in RULES.excellent_cap_source
    assert {d.name for d in RULES.disposals.values()} == {"限期改正", "劝其退党", "除名"}
    assert all("章程" in d.source for d in RULES.disposals.values())
    assert RULES.disposals["correct"].deadline_months == 12


def test_broken_rules_file_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        ruleset.DEFAULT_FILE.read_text(encoding="utf-8").replace('code = "basic"', 'code = "fair"')
    )
    with pytest.raises(ImproperlyConfigured, match="民主评议规则文件"):
        ruleset.load(path)
