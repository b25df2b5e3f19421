"""谈心谈话 coverage: which of a branch's expected pairings happened in a year, as plain data in and out.

The rule is the rulebook item `heart_talk` (frequency.per = "secretary_with_each_member"): every year
the branch's 书记 talks at least `minimum` times with each committee member and each member. This
module decides it from plain records, without the database, so the pages, the API and the
compliance engine share one answer:

- A talk counts in either direction (who started it does not matter).
- It counts if, on the talk's date, the other person was the branch's 书记 — so when the secretary
  changes mid-year, each talk is credited to whoever held the post that day.
- It counts only while the member belonged to the branch (a talk before they joined does not).
- Members who left during the year are listed apart and not counted as missing; members who joined
  mid-year are expected like everyone else, with their joining date shown.
- Someone who was 书记 the whole time they were in the branch has nobody to be talked to by.
- Days without any 书记 are reported; with no 书记 at all the coverage says so.

Beside the 书记's view, the committee view (支部工作条例 第十九条: 委员之间、委员和党员之间; the rule is
`data/coverage.toml`): each committee member with each other committee member and with each member. A
talk counts for a committee member on the days they held a committee post, with a member on the days
that member was in the branch; members who left during the year are not expected.
"""

import datetime as dt
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

RULE_FILE = Path(__file__).parent / "data" / "coverage.toml"


@dataclass(frozen=True)
class CommitteeRule:
    """The committee view's rule, with its source (data/coverage.toml)."""

    name: str
    minimum: int
    text: str
    source: str
    unchecked: str = ""


@cache
def committee_rule() -> CommitteeRule:
    try:
        rule = CommitteeRule(**tomllib.loads(RULE_FILE.read_text(encoding="utf-8"))["committee"])
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"谈心谈话规则文件 {RULE_FILE} 有误：{exc}") from exc
    if type(rule.minimum) is not int or rule.minimum < 1:
        raise ImproperlyConfigured(f"谈心谈话规则文件 {RULE_FILE} 有误：committee.minimum 应为正整数")
    if not rule.source.strip():
        raise ImproperlyConfigured(f"谈心谈话规则文件 {RULE_FILE} 有误：committee 必须写明出处 source")
    return rule


@dataclass(frozen=True)
class Stint:
    """A stretch of time a member belonged to the branch (as a member, or holding a committee post)."""

    member_id: int
    name: str
    start: dt.date
    end: dt.date | None = None  # the last day in the branch; None while still there
    committee: bool = False  # held a committee post (COMMITTEE_TITLES) in the branch during the year


@dataclass(frozen=True)
class Term:
    """A 书记's term of office in the branch."""

    member_id: int
    name: str
    start: dt.date
    end: dt.date | None = None  # the last day in office; None while in office


@dataclass(frozen=True)
class TalkFact:
    talk_id: int
    a: int  # member ids of the two people who talked, in any order
    b: int
    on: dt.date


class Status(StrEnum):
    COVERED = "covered"
    MISSING = "missing"
    LEFT = "left"
    SECRETARY = "secretary"


STATUS_LABELS = {
    Status.COVERED: "已谈",
    Status.MISSING: "未谈",
    Status.LEFT: "年内已离开",
    Status.SECRETARY: "书记本人",
}


@dataclass
class Row:
    member_id: int
    name: str
    committee: bool
    status: Status
    talks: list[TalkFact] = field(default_factory=list)  # the talks that count, oldest first
    joined_on: dt.date | None = None  # when they came into the branch, if during the year
    left_on: dt.date | None = None  # their last day in the branch, if they left during the year

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def count(self) -> int:
        return len(self.talks)

    @property
    def last_talk(self) -> dt.date | None:
        return self.talks[-1].on if self.talks else None


@dataclass
class CommitteeRow:
    """One committee member's talks of the year with the other committee members and with members."""

    member_id: int
    name: str
    peers: int  # other committee members expected
    peers_missing: list[str]
    members: int  # members (not on the committee) expected
    members_missing: list[str]

    @property
    def peers_done(self) -> int:
        return self.peers - len(self.peers_missing)

    @property
    def members_done(self) -> int:
        return self.members - len(self.members_missing)

    @property
    def complete(self) -> bool:
        return not self.peers_missing and not self.members_missing


@dataclass
class Coverage:
    year: int
    start: dt.date  # 1 January
    end: dt.date  # the last day looked at: 31 December, or `as_of` in the running year
    minimum: int
    rows: list[Row]
    terms: list[Term]  # the 书记's terms within [start, end]
    gaps: list[tuple[dt.date, dt.date]]  # stretches within [start, end] with no 书记
    committee: list[CommitteeRow] = field(default_factory=list)  # the committee view

    @property
    def committee_complete(self) -> int:
        return sum(r.complete for r in self.committee)

    @property
    def expected(self) -> int:
        return sum(1 for r in self.rows if r.status in (Status.COVERED, Status.MISSING))

    @property
    def covered(self) -> int:
        return sum(1 for r in self.rows if r.status == Status.COVERED)

    @property
    def missing(self) -> int:
        return sum(1 for r in self.rows if r.status == Status.MISSING)

    @property
    def missing_rows(self) -> list[Row]:
        return [r for r in self.rows if r.status == Status.MISSING]

    @property
    def complete(self) -> bool:
        return bool(self.terms) and self.missing == 0

    @property
    def no_secretary(self) -> bool:
        return not self.terms

    @property
    def year_over(self) -> bool:
        return self.end == dt.date(self.year, 12, 31)

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.expected) if self.expected else 100

    def notes(self) -> list[str]:
        """What a reader should know about this year's figures, in Chinese."""
        notes = []
        if self.no_secretary:
            notes.append(
                f"{self.year}年（截至{self.end:%Y-%m-%d}）本支部未设书记，谈心谈话无法计入，请先在党组织页面任命书记。"
            )
        else:
            for first, last in self.gaps:
                notes.append(f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d} 本支部无书记，期间的谈话不计入。")
            if len({t.member_id for t in self.terms}) > 1:
                names = "、".join(f"{t.name}（{_span(t.start, t.end, self.end)}）" for t in self.terms)
                notes.append(f"年内书记有变动：{names}；每次谈话计入谈话当日在任的书记。")
        return notes


def _span(start: dt.date, end: dt.date | None, period_end: dt.date) -> str:
    last = end if end is not None and end < period_end else None
    return f"{start:%m-%d} 起" if last is None else f"{start:%m-%d} 至 {last:%m-%d}"


def _clip(start: dt.date, end: dt.date | None, lo: dt.date, hi: dt.date) -> tuple[dt.date, dt.date] | None:
    first, last = max(start, lo), min(end or hi, hi)
    return (first, last) if first <= last else None


def _within(day: dt.date, spans: Iterable[tuple[dt.date, dt.date]]) -> bool:
    return any(first <= day <= last for first, last in spans)


def _gaps(terms: list[Term], lo: dt.date, hi: dt.date) -> list[tuple[dt.date, dt.date]]:
    gaps, cursor = [], lo
    for term in sorted(terms, key=lambda t: t.start):
        if term.start > cursor:
            gaps.append((cursor, term.start - dt.timedelta(days=1)))
        cursor = max(cursor, (term.end or hi) + dt.timedelta(days=1))
    if cursor <= hi:
        gaps.append((cursor, hi))
    return gaps


def coverage(
    year: int,
    stints: Iterable[Stint],
    terms: Iterable[Term],
    talks: Iterable[TalkFact],
    *,
    as_of: dt.date | None = None,
    minimum: int = 1,
    posts: Iterable[Term] = (),
    committee_minimum: int = 1,
) -> Coverage:
    """The coverage of one branch in `year`, looking at days up to `as_of` (default: the whole year).

    `stints`: every stretch anyone belonged to the branch (a member may have several); `terms`: the
    branch's 书记 terms; `talks`: the branch's talks (any years; others are ignored). Rows keep the
    order in which members first appear in `stints`. `posts`: every committee post (书记 included) for
    the committee view, each member with at least `committee_minimum` talks.
    """
    stints, talks = list(stints), list(talks)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of is not None:
        end = min(end, as_of)
    if end < start:  # a year that has not begun
        return Coverage(year, start, end, minimum, [], [], [])
    kept_terms = [
        Term(t.member_id, t.name, *span)
        for t in terms
        if (span := _clip(t.start, t.end, start, end)) is not None
    ]
    kept_terms.sort(key=lambda t: t.start)
    secretary_spans: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for t in kept_terms:
        secretary_spans[t.member_id].append((t.start, t.end or end))

    spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    raw_ends: dict[int, list[dt.date | None]] = defaultdict(list)
    names: dict[int, str] = {}
    committee: dict[int, bool] = defaultdict(bool)
    for s in stints:
        clipped = _clip(s.start, s.end, start, end)
        if clipped is None:
            continue
        spans.setdefault(s.member_id, []).append(clipped)
        raw_ends[s.member_id].append(s.end)
        names.setdefault(s.member_id, s.name)
        committee[s.member_id] |= s.committee

    by_member: dict[int, list[TalkFact]] = defaultdict(list)
    for talk in sorted(talks, key=lambda t: (t.on, t.talk_id)):
        if not start <= talk.on <= end or talk.a == talk.b:
            continue
        for member, other in ((talk.a, talk.b), (talk.b, talk.a)):
            member_here = member in spans and _within(talk.on, spans[member])
            if member_here and _within(talk.on, secretary_spans.get(other, ())):
                by_member[member].append(talk)

    rows = []
    for member_id, member_spans in spans.items():
        counted = by_member.get(member_id, [])
        first = min(s for s, _ in member_spans)
        still_there = any(e is None or e >= end for e in raw_ends[member_id])
        left_on = None if still_there else max(e for _, e in member_spans)
        # Could anyone but themself have been their 书记 while they were here?
        others = [span for m, sp in secretary_spans.items() if m != member_id for span in sp]
        has_other = any(a <= d and c <= b for a, b in member_spans for c, d in others)
        if len(counted) >= minimum:
            status = Status.COVERED
        elif not still_there:
            status = Status.LEFT
        elif member_id in secretary_spans and not has_other:
            status = Status.SECRETARY
        else:
            status = Status.MISSING
        rows.append(
            Row(
                member_id=member_id,
                name=names[member_id],
                committee=committee[member_id],
                status=status,
                talks=counted,
                joined_on=first if first > start else None,
                left_on=left_on,
            )
        )
    committee = committee_view(start, end, posts, stints, talks, committee_minimum)
    return Coverage(year, start, end, minimum, rows, kept_terms, _gaps(kept_terms, start, end), committee)


def committee_view(
    start: dt.date,
    end: dt.date,
    posts: Iterable[Term],
    stints: list[Stint],
    talks: list[TalkFact],
    minimum: int = 1,
) -> list[CommitteeRow]:
    """Each committee member's talks within [start, end] with the others on the committee at the same
    time and with the members (not on the committee) still in the branch at `end`."""
    post_spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    names: dict[int, str] = {}
    for post in posts:
        span = _clip(post.start, post.end, start, end)
        if span is not None:
            post_spans.setdefault(post.member_id, []).append(span)
            names.setdefault(post.member_id, post.name)
    if not post_spans:
        return []
    member_spans: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    stays: dict[int, bool] = defaultdict(bool)
    for s in stints:
        span = _clip(s.start, s.end, start, end)
        if span is not None:
            member_spans[s.member_id].append(span)
            names.setdefault(s.member_id, s.name)
            stays[s.member_id] |= s.end is None or s.end >= end
    members = [m for m in member_spans if m not in post_spans and stays[m]]
    # (committee member, other) -> talks: with a peer while both held posts, with a member while here.
    with_peer: dict[tuple[int, int], int] = defaultdict(int)
    with_member: dict[tuple[int, int], int] = defaultdict(int)
    for talk in talks:
        if not start <= talk.on <= end or talk.a == talk.b:
            continue
        for leader, other in ((talk.a, talk.b), (talk.b, talk.a)):
            if leader not in post_spans or not _within(talk.on, post_spans[leader]):
                continue
            if _within(talk.on, post_spans.get(other, ())):
                with_peer[leader, other] += 1
            elif _within(talk.on, member_spans.get(other, ())):
                with_member[leader, other] += 1
    rows = []
    for leader, spans in post_spans.items():
        peers = [
            p
            for p, other in post_spans.items()
            if p != leader and any(a <= d and c <= b for a, b in spans for c, d in other)
        ]
        rows.append(
            CommitteeRow(
                member_id=leader,
                name=names[leader],
                peers=len(peers),
                peers_missing=[names[p] for p in peers if with_peer[leader, p] < minimum],
                members=len(members),
                members_missing=[names[m] for m in members if with_member[leader, m] < minimum],
            )
        )
    return rows
