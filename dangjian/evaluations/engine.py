"""The rules of 民主评议党员 as plain functions over data: who takes part, proposals, the tally."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from dangjian.core.validators import control_problem
from dangjian.members.choices import Category, Status

from .ruleset import BASIC, EXCELLENT, GRADE_CODES, QUALIFIED, UNQUALIFIED, EvaluationRules


@dataclass(frozen=True)
class Standing:
    """Whether a member is graded, writes a self-evaluation and votes, and why not."""

    graded: bool
    writes_self: bool
    votes: bool
    reason: str = ""


def discipline_exclusion(member, on: dt.date) -> bool:
    """Whether the member is under 留党察看 on the day (no vote, no grading), by the discipline register."""
    if member.pk is None:  # not in the register, so not in the discipline register either
        return False
    from dangjian.discipline.services import on_probation

    return member.pk in on_probation([member.pk], on)


def standing(member, on: dt.date, rules: EvaluationRules, manual_reason: str = "") -> Standing:
    """A member's part in the campaign of their branch, by the rules data.

    `manual_reason`: the secretary excluded the member by hand (e.g. 留党察看 while no discipline
    register exists): they write a self-evaluation but are neither graded nor vote.
    """
    if member.status != Status.NORMAL:
        reason = rules.status_reasons.get(member.status, f"{member.get_status_display()}，本次不参加评议。")
        return Standing(graded=False, writes_self=False, votes=False, reason=reason)
    if discipline_exclusion(member, on):
        return Standing(graded=False, writes_self=True, votes=False, reason=rules.discipline_reason)
    if manual_reason:
        return Standing(graded=False, writes_self=True, votes=False, reason=manual_reason)
    if member.category == Category.PROBATIONARY:  # however long the probation has run (extended ones too)
        return Standing(
            graded=False,
            writes_self=True,
            votes=rules.probationary_rates_others,
            reason=rules.probationary_reason,
        )
    return Standing(graded=True, writes_self=True, votes=True)


def proposed_grade(counts: dict[str, int], ballots: int, rules: EvaluationRules) -> str:
    """The grade the votes suggest (the branch decides): thresholds from the rules data, worst first."""
    if ballots <= 0:
        return ""
    share = {code: Fraction(counts.get(code, 0), ballots) for code in GRADE_CODES}
    p = rules.proposal
    if share[UNQUALIFIED] > Fraction(p.unqualified_share_over).limit_denominator(10_000):
        return UNQUALIFIED
    if share[UNQUALIFIED] + share[BASIC] > Fraction(p.basic_share_over).limit_denominator(10_000):
        return BASIC
    if share[EXCELLENT] > Fraction(p.excellent_share_over).limit_denominator(10_000):
        return EXCELLENT
    return QUALIFIED


def excellent_limit(graded: int, rules: EvaluationRules) -> int | None:
    """How many members may be 优秀 at most (None: no cap in the rules)."""
    if rules.excellent_cap_share is None:
        return None
    return int(Fraction(rules.excellent_cap_share).limit_denominator(10_000) * graded)


@dataclass
class MemberTally:
    """One member's counts. `counts`/`shares` are None when fewer ballots than `min_ballots` were cast:
    per-grade counts could then reveal a vote. The same holds for `public_counts` (群众代表)."""

    member_id: int
    counts: dict[str, int] | None
    ballots: int
    proposed: str
    shares: dict[str, float] | None = None
    comments: list[str] = field(default_factory=list)
    capped: bool = False  # proposed 优秀 by the votes, moved to 合格 by the cap
    public_counts: dict[str, int] | None = None
    public_ballots: int = 0


@dataclass
class Tally:
    ballots: int  # party members' ballots
    members: list[MemberTally]
    excellent_limit: int | None
    small_group: bool  # members' counts hidden: too few ballots
    rules_version: str
    public_ballots: int = 0
    public_hidden: bool = False


def _shown(ballots: int, rules: EvaluationRules) -> bool:
    return ballots >= rules.min_ballots


def tally(
    member_ids: list[int],
    grades: list[tuple[int, str, str, str]],
    ballots: dict[str, int],
    rules: EvaluationRules,
) -> Tally:
    """Count grades per member from (member id, grade, comment, ballot kind) rows and propose a grade.

    `ballots` counts ballots per kind ("member", "public"). Party members' and 群众代表's ballots are
    counted apart; the proposal follows the members' ballots, or both when the rules count 群众代表 in.
    Below `min_ballots` the counts, shares, proposal and comments of that kind are withheld.
    When more members are proposed 优秀 than the cap allows, those with the most 优秀 votes keep the
    proposal and the rest are proposed 合格, marked as capped.
    """
    own, public = ballots.get("member", 0), ballots.get("public", 0)
    counts: dict[str, dict[int, Counter]] = {"member": {m: Counter() for m in member_ids}}
    counts["public"] = {m: Counter() for m in member_ids}
    comments: dict[int, list[str]] = {m: [] for m in member_ids}
    for member_id, grade, comment, kind in grades:
        if member_id in comments:
            counts[kind][member_id][grade] += 1
            if comment and _shown(own if kind == "member" else public, rules):
                comments[member_id].append(comment)
    basis = own + public if rules.public_in_proposal else own
    rows, excellent_votes = [], {}
    for m in member_ids:
        c = {code: counts["member"][m][code] for code in GRADE_CODES}
        p = {code: counts["public"][m][code] for code in GRADE_CODES}
        proposal_counts = {g: c[g] + p[g] for g in GRADE_CODES} if rules.public_in_proposal else c
        rows.append(
            MemberTally(
                member_id=m,
                counts=c if _shown(own, rules) else None,
                ballots=own,
                proposed=proposed_grade(proposal_counts, basis, rules) if _shown(basis, rules) else "",
                shares={code: c[code] / own for code in GRADE_CODES} if _shown(own, rules) else None,
                comments=sorted(comments[m]),  # sorted, so the order does not follow the ballots'
                public_counts=p if _shown(public, rules) else None,
                public_ballots=public,
            )
        )
        excellent_votes[m] = proposal_counts[EXCELLENT]
    limit = excellent_limit(len(member_ids), rules)
    if limit is not None:
        excellent = sorted(
            (r for r in rows if r.proposed == EXCELLENT), key=lambda r: -excellent_votes[r.member_id]
        )
        for r in excellent[limit:]:
            r.proposed, r.capped = QUALIFIED, True
    return Tally(
        ballots=own,
        members=rows,
        excellent_limit=limit,
        small_group=0 < own < rules.min_ballots,
        rules_version=rules.version,
        public_ballots=public,
        public_hidden=0 < public < rules.min_ballots,
    )


def text_problem(*texts: str) -> str | None:
    """Control characters (NUL cannot even be stored) are refused with the shared message."""
    return next(filter(None, (control_problem(t or "", multiline=True) for t in texts)), None)


def ballot_problems(grades: dict[int, str], evaluated: set[int], rules: EvaluationRules) -> list[str]:
    """What is wrong with a ballot's grades (member id -> grade), in Chinese."""
    problems = []
    unknown = set(grades) - evaluated
    if unknown:
        problems.append("测评表中有不属于本次评议的党员，请刷新页面后重新填写。")
    if any(g not in GRADE_CODES for g in grades.values()):
        problems.append("等次只能是优秀、合格、基本合格或不合格。")
    missing = evaluated - set(grades)
    if missing and rules.require_complete:
        problems.append(f"还有 {len(missing)} 名党员未评定等次，请对每名参评党员都选择一个等次后再提交。")
    if not grades:
        problems.append("测评表是空的，请为参评党员选择等次。")
    return problems


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
