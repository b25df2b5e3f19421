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


@pytest.mark.parametrize("days", [100, 400])  # 400: a probation extended beyond a year
def test_probationary_take_part_and_rate_others_but_are_never_graded(days):
    s = engine.standing(member(Category.PROBATIONARY, joined=DAY - dt.timedelta(days=days)), DAY, RULES)
    assert (s.graded, s.writes_self, s.votes) == (False, True, True)
    assert "不评定等次" in s.reason and "临洮县委组织部" in RULES.probationary_source
    assert RULES.probationary_local


def test_excellent_cap_leaves_probationary_members_out_of_the_count():
    full = [member() for _ in range(6)]
    extended = [member(Category.PROBATIONARY, joined=DAY - dt.timedelta(days=400)) for _ in range(3)]
    graded = sum(engine.standing(m, DAY, RULES).graded for m in full + extended)
    assert graded == 6 and engine.excellent_limit(graded, RULES) == 2  # 1/3 of 6, not of 9


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
        grades += [(member_id, "excellent", "", "member")] * excellent_votes + [
            (member_id, "qualified", "", "member")
        ] * (10 - excellent_votes)
    result = engine.tally([1, 2, 3, 4, 5, 6], grades, {"member": 10}, RULES)
    proposed = {r.member_id: (r.proposed, r.capped) for r in result.members}
    assert result.excellent_limit == 2
    assert proposed[1] == ("excellent", False) and proposed[2] == ("excellent", False)
    assert proposed[3] == ("qualified", True) and proposed[4] == ("qualified", True)


def rows(*grades, kind="member", comment=""):
    return [(1, g, comment, kind) for g in grades]


def test_tally_shares_and_comments_from_enough_ballots():
    result = engine.tally(
        [1],
        rows("excellent", comment="好") + rows("qualified", "qualified", "basic", "qualified"),
        {"member": 5},
        RULES,
    )
    row = result.members[0]
    assert row.counts == counts(e=1, q=3, b=1) and row.shares["qualified"] == pytest.approx(3 / 5)
    assert row.comments == ["好"] and row.proposed == "qualified" and not result.small_group


def test_too_few_ballots_hide_counts_shares_proposal_and_comments():
    result = engine.tally(
        [1], rows("unqualified", "unqualified", "qualified", comment="差"), {"member": 3}, RULES
    )
    row = result.members[0]
    assert result.small_group  # 3 ballots < 5
    assert row.counts is None and row.shares is None and row.proposed == "" and row.comments == []
    assert not engine.tally([1], [], {"member": 0}, RULES).small_group


def test_public_ballots_are_counted_apart_and_do_not_make_the_proposal():
    # 5 members' ballots say 合格; 20 群众代表 codes say 不合格: the proposal follows the members.
    result = engine.tally(
        [1],
        rows(*["qualified"] * 5) + rows(*["unqualified"] * 20, kind="public"),
        {"member": 5, "public": 20},
        RULES,
    )
    row = result.members[0]
    assert row.counts == counts(q=5) and row.public_counts == counts(u=20) and row.proposed == "qualified"
    assert result.public_ballots == 20 and not result.public_hidden
    # with no members' ballots at all, codes alone propose nothing
    alone = engine.tally([1], rows(*["unqualified"] * 20, kind="public"), {"public": 20}, RULES)
    assert alone.members[0].proposed == "" and alone.members[0].public_counts == counts(u=20)
    few = engine.tally(
        [1], rows(*["qualified"] * 5) + rows("basic", kind="public"), {"member": 5, "public": 1}, RULES
    )
    assert few.public_hidden and few.members[0].public_counts is None


def test_rules_may_count_public_ballots_in_the_proposal():
    import dataclasses

    rules = dataclasses.replace(RULES, public_in_proposal=True)
    result = engine.tally(
        [1],
        rows(*["qualified"] * 5) + rows(*["unqualified"] * 20, kind="public"),
        {"member": 5, "public": 20},
        rules,
    )
    assert result.members[0].proposed == "unqualified"


def test_manual_exclusion_takes_grade_and_vote_with_the_reason():
    s = engine.standing(member(), DAY, RULES, manual_reason="受留党察看处分")
    assert (s.graded, s.writes_self, s.votes, s.reason) == (False, True, False, "受留党察看处分")


def test_nul_characters_are_refused_in_chinese():
    assert engine.text_problem("好", "") is None
    assert "空字符" in engine.text_problem("好\x00人")


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


def test_override_file_from_settings_replaces_the_numbers(tmp_path, settings):
    path = tmp_path / "local.toml"
    path.write_text(
        "[secrecy]\nmin_ballots = 3\n[proposal]\nunqualified_share_over = 0.25\n", encoding="utf-8"
    )
    settings.EVALUATION_RULES_FILE = str(path)
    ruleset.current.cache_clear()
    try:
        rules = ruleset.current()
        assert rules.min_ballots == 3 and rules.proposal.unqualified_share_over == 0.25
        assert rules.proposal.basic_share_over == 0.5  # untouched entries keep the defaults
    finally:
        ruleset.current.cache_clear()


@pytest.mark.parametrize(
    "text",
    [
        "[secrecy]\nmin_ballots = 0\n",
        "[secrecy]\nmin_ballots = 2.5\n",
        "[excellent_cap]\nshare = 1.5\n",
        "[proposal]\nbasic_share_over = -0.1\n",
        "[public]\nmax_count = 0\n",
        "not toml at all [",
    ],
)
def test_bad_numbers_in_an_override_file_are_refused(tmp_path, text):
    path = tmp_path / "local.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="民主评议规则文件"):
        ruleset.load(ruleset.DEFAULT_FILE, path)


def test_a_missing_override_file_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="民主评议规则文件"):
        ruleset.load(ruleset.DEFAULT_FILE, tmp_path / "missing.toml")
