"""The compliance engine: plain functions from the rulebook and plain facts to verdicts with reasons.

Nothing here touches the database: `facts.py` loads `OrgFacts`, `ActivityFact` and `TalkCoverage`
from the models, tests build them by hand. For every organisation × rule × period (month, quarter
or year, as the rule says) the engine says whether the rule is met, what counted and what did not
(and why), which records are missing, and where the rule comes from.

Met means held often enough *with* the records: an activity held without anyone recorded present,
without a required record, or (主题党日) without one of its parts still counts as held, but if too few
complete ones were held the period is `incomplete` (已开展·记录不全), not met.

Pro rata (成立或撤销于年中): only whole months the organisation existed in count. A period with no
such month is not applicable; otherwise the minimum is scaled by those months and rounded up, e.g.
党课 at least 4 a year for a branch founded on 2025-04-10 (8 whole months, May-December):
ceil(4 × 8 / 12) = 3.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Literal, NamedTuple

from dangjian.rulebook.rulebook import Item, Rulebook

from .periods import Period

MET, UNMET, IN_PROGRESS, NOT_APPLICABLE = "met", "unmet", "in_progress", "not_applicable"
Status = Literal["met", "incomplete", "unmet", "in_progress", "not_applicable"]
# Held as often as required, but without its attendance, required records or (主题党日) all its parts.
INCOMPLETE = "incomplete"
STATUS_LABELS = {
    MET: "达标",
    INCOMPLETE: "已开展·记录不全",
    UNMET: "未达标",
    IN_PROGRESS: "进行中",
    NOT_APPLICABLE: "不适用",
}
# Worst first: a cell summarising several verdicts takes the worst of them.
SEVERITY = {UNMET: 0, INCOMPLETE: 1, IN_PROGRESS: 2, MET: 3, NOT_APPLICABLE: 4}
# What still owes something: a reminder or a to-do line while its period runs.
OWING = frozenset({IN_PROGRESS, INCOMPLETE})


@dataclass(frozen=True)
class OrgFacts:
    """What the engine needs to know about one organisation (a 党支部 or a 党小组)."""

    id: int
    code: str
    name: str
    kind: str  # "branch" or "group"
    founded_on: dt.date = dt.date(2000, 1, 1)
    dissolved_on: dt.date | None = None
    has_committee: bool = False
    group_count: int = 0  # 党小组 under a branch
    parent_id: int | None = None
    category: str = ""
    general_id: int | None = None  # the 党总支 above a branch, if any


@dataclass(frozen=True)
class ActivityFact:
    """One held activity: its kind is a rulebook item code, `records` the record kind codes uploaded."""

    id: int
    org_id: int
    kind: str
    date: dt.date
    title: str = ""
    records: frozenset[str] = frozenset()
    speaker: str = ""
    speaker_allowed: bool | None = None  # None where the rule names no leaders
    quorum_met: bool | None = None  # None where the activity took no vote
    late_entry: bool = False
    speaker_titles: frozenset[str] = frozenset()  # posts the speaker held in the organisation that day
    not_counted: str = ""  # why a record held is not counted (e.g. an evaluation not yet decided)
    url: str = ""  # its page, where it is not an activity (e.g. a 民主评议)
    attended: int | None = None  # members recorded present or late; None where not applicable
    parts: frozenset[str] | None = None  # the parts held (主题党日); None where the item has none


@dataclass(frozen=True)
class TalkCoverage:
    """谈心谈话 of one branch and year (from the talks app's coverage): members the secretary should
    talk with, and the names of those not yet talked with."""

    org_id: int
    year: int
    expected: int
    missing: tuple[str, ...] = ()
    has_secretary: bool = True


@dataclass
class ActivityNote:
    id: int
    title: str
    date: str
    counted: bool
    why: list[str] = field(default_factory=list)
    missing_records: list[str] = field(default_factory=list)
    url: str = ""
    complete: bool = True  # attendance, required records and parts all there
    missing_parts: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    rule: str
    rule_name: str
    org: str
    org_name: str
    org_id: int
    period: str
    period_kind: str
    status: Status
    required: int
    counted: int  # held and counted, complete or not
    due: str
    days_remaining: int
    counted_activities: list[ActivityNote] = field(default_factory=list)
    not_counted: list[ActivityNote] = field(default_factory=list)
    missing_records: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    forecast: str = ""
    shortfall: str = ""  # what is still owed, in a sentence (unmet, incomplete and running verdicts)
    source: str = ""
    rules_version: str = ""
    complete: int = 0  # of `counted`, those held with their attendance, records and parts
    status_label: str = ""  # always the label of `status` (set here, so the API and the pages agree)

    def __post_init__(self) -> None:
        self.status_label = STATUS_LABELS[self.status]

    @property
    def owed(self) -> int:
        return max(self.required - self.counted, 0)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Checked:
    """The verdict of one organisation on an item without a frequency that another app checks from its own
    records (发展党员: dangjian/recruitment; 党员教育: dangjian/education)."""

    status: str
    reasons: tuple[str, ...]
    counted: int = 0
    missing_records: tuple[str, ...] = ()
    shortfall: str = ""
    days_remaining: int = 0


class Brief(NamedTuple):
    """What a matrix cell needs of a count verdict (`brief` mode): one per cell of a county, so lean."""

    rule: str
    org_id: int
    period: str
    period_kind: str
    status: str
    required: int
    counted: int


def active_months(org: OrgFacts, period: Period) -> int:
    """Whole months of the period the organisation existed in (from founding to dissolution)."""
    founded, dissolved = org.founded_on, org.dissolved_on
    if founded <= period.start and (dissolved is None or dissolved >= period.end):
        return period.months
    return sum(
        1
        for first, last in period.month_spans
        if founded <= first and (dissolved is None or dissolved >= last)
    )


@lru_cache(maxsize=1024)
def periods_for(item: Item, year: int, as_of: dt.date, within: Period | None = None) -> tuple[Period, ...]:
    """The rule's periods of the year that have started by `as_of` (and overlap `within`, if given)."""
    found = [p for p in Period.of_year(item.frequency.period, year) if p.has_started(as_of)]
    return tuple(p for p in found if within is None or p.overlaps(within))


def verdicts(
    orgs: Iterable[OrgFacts],
    rulebook: Rulebook,
    records: Iterable[ActivityFact],
    as_of: dt.date,
    *,
    year: int,
    talks: Iterable[TalkCoverage] = (),
    within: Period | None = None,
    rules: Iterable[str] | None = None,
    evaluated_kinds: Iterable[str] | None = None,
) -> list[Verdict]:
    """Verdicts for every organisation × rule × period of `year` started by `as_of`.

    `within` keeps only periods overlapping it (e.g. the months of 2025-Q1); `rules` only those codes.
    `evaluated_kinds` names the non-activity items some module records; the others say so instead of
    reporting an unmet rule nobody could have recorded.
    """
    return list(
        iter_verdicts(
            orgs,
            rulebook,
            records,
            as_of,
            year=year,
            talks=talks,
            within=within,
            rules=rules,
            evaluated_kinds=evaluated_kinds,
        )
    )


def iter_verdicts(
    orgs, rulebook, records, as_of, *, year, talks=(), within=None, rules=None, evaluated_kinds=None
) -> Iterator[Verdict]:
    by_org: dict[tuple[int, str], list[ActivityFact]] = defaultdict(list)
    for fact in records:
        if fact.date.year == year:
            by_org[fact.org_id, fact.kind].append(fact)
    coverage = {(t.org_id, t.year): t for t in talks}
    yield from evaluate(
        orgs,
        rulebook,
        by_org,
        coverage,
        as_of,
        year=year,
        within=within,
        rules=rules,
        evaluated_kinds=evaluated_kinds,
    )


def evaluate(
    orgs,
    rulebook,
    by_org,
    coverage,
    as_of,
    *,
    year,
    within=None,
    rules=None,
    evaluated_kinds=None,
    brief=False,
    checked=None,
) -> Iterator[Verdict]:
    """Like `iter_verdicts`, over activities already grouped by (org id, kind): lets callers stream orgs.

    `brief` gives status, required and counted only (a `Brief` instead of a `Verdict` for the counted
    rules; no activity notes or reasons): what a matrix shows.
    """
    wanted = None if rules is None else set(rules)
    items = [i for i in rulebook.items.values() if wanted is None or i.code in wanted]
    evaluated = None if evaluated_kinds is None else set(evaluated_kinds)
    periods = {i.code: periods_for(i, year, as_of, within) for i in items if i.frequency.period != "none"}
    for org in orgs:
        for item in items:
            if (item.applies_to == "group") != (org.kind == "group"):
                if item.applies_to == "group" and org.group_count == 0:
                    yield _not_applicable_year(
                        org, item, rulebook, year, "本支部未设党小组，党小组会不适用。"
                    )
                continue
            if item.frequency.period == "none":
                if checked and item.code in checked:
                    yield _checked(org, item, rulebook, year, checked[item.code].get(org.id))
                    continue
                yield _not_applicable_year(org, item, rulebook, year, _unchecked(item))
                continue
            if item.applies_to == "branch_with_committee" and not org.has_committee:
                yield _not_applicable_year(
                    org,
                    item,
                    rulebook,
                    year,
                    f"本支部未设支部委员会（正式党员不足规定人数），{item.name}不适用。",
                )
                continue
            for period in periods[item.code]:
                if item.effective_from and period.start < item.effective_from:
                    yield _not_applicable(
                        org,
                        item,
                        period,
                        rulebook,
                        f"本条规则自{item.effective_from:%Y年%m月%d日}起施行，{period.name}不作要求。",
                    )
                    continue
                yield _verdict(
                    org,
                    item,
                    period,
                    rulebook,
                    by_org.get((org.id, item.code), ()),
                    coverage.get((org.id, year)),
                    as_of,
                    evaluated,
                    brief,
                )


def _base(
    org: OrgFacts, item: Item, period: Period, rulebook: Rulebook, as_of: dt.date | None, **kw
) -> Verdict:
    return Verdict(
        rule=item.code,
        rule_name=item.name,
        org=org.code,
        org_name=org.name,
        org_id=org.id,
        period=period.label,
        period_kind=period.kind,
        due=period.due,
        days_remaining=period.days_remaining(as_of) if as_of and period.is_running(as_of) else 0,
        source=item.source,
        rules_version=rulebook.version,
        **kw,
    )


def _not_applicable(org, item, period, rulebook, reason) -> Verdict:
    return _base(
        org, item, period, rulebook, None, status=NOT_APPLICABLE, required=0, counted=0, reasons=[reason]
    )


def _not_applicable_year(org, item, rulebook, year, reason) -> Verdict:
    return _not_applicable(org, item, Period(year, 1, "year"), rulebook, reason)


def _checked(org, item, rulebook, year, found: Checked | None) -> Verdict:
    if found is None:
        return _not_applicable_year(org, item, rulebook, year, f"{year}年本组织没有{item.name}的记录。")
    verdict = _base(
        org,
        item,
        Period(year, 1, "year"),
        rulebook,
        None,
        status=found.status,
        required=0,
        counted=found.counted,
        reasons=list(found.reasons),
        missing_records=list(found.missing_records),
        shortfall=found.shortfall,
    )
    return replace(verdict, days_remaining=found.days_remaining)


def _unchecked(item: Item) -> str:
    """Why an item without a frequency is not checked, with the concrete thresholds it does have."""
    if not item.thresholds:
        return f"{item.name}按需开展（附件1未规定次数），不作频次检查。"
    rules = "；".join(f"{t.text}（{t.source}）" for t in item.thresholds)
    return f"{item.name}依规开展：{rules}。{item.unchecked}"


def _verdict(org, item, period, rulebook, facts, talk, as_of, evaluated, brief=False) -> Verdict:
    months = active_months(org, period)
    if months == 0:
        when = (
            f"该组织{org.founded_on:%Y年%m月%d日}成立"
            if org.founded_on > period.start
            else f"该组织已于{org.dissolved_on:%Y年%m月%d日}撤销"
        )
        return _not_applicable(org, item, period, rulebook, f"{when}，{period.name}内无整月存续，不作要求。")
    if not item.activity and evaluated is not None and item.code not in evaluated:
        return _not_applicable(org, item, period, rulebook, f"{item.name}的记录尚未在本平台登记，暂不检查。")
    if item.frequency.per == "secretary_with_each_member":
        return _talk_verdict(org, item, period, rulebook, talk, as_of)
    required = item.frequency.min
    reasons: list[str] = []
    if months < period.months:
        required = math.ceil(item.frequency.min * months / period.months)
        reasons.append(
            f"该组织在{period.name}仅存续{months}个整月，应开展{item.frequency.min}次按{months}/{period.months}"
            f"折算为{required}次（向上取整）。"
        )
    if brief:
        counted = [
            f for f in facts if period.start <= f.date <= period.end and f.date <= as_of and _counts(item, f)
        ]
        complete = sum(not any(_gaps(item, f, rulebook)) for f in counted)
        status = _status(len(counted), complete, required, period, as_of)
        if _given_by_short(item, period, counted):
            status = _short_status(status, period, as_of)
        return Brief(item.code, org.id, period.label, period.kind, status, required, len(counted))
    return _count_verdict(org, item, period, rulebook, facts, as_of, required, reasons)


def _count_verdict(org, item, period, rulebook, facts, as_of, required, reasons) -> Verdict:
    counted: list[ActivityNote] = []
    not_counted: list[ActivityNote] = []
    missing: list[str] = []
    for fact in sorted(
        (f for f in facts if period.contains(f.date) and f.date <= as_of), key=lambda f: (f.date, f.id)
    ):
        note = ActivityNote(fact.id, fact.title or item.name, fact.date.isoformat(), True, url=fact.url)
        if fact.not_counted:
            note.counted = False
            note.why.append(fact.not_counted)
        if item.leaders and fact.speaker_allowed is False:
            note.counted = False
            leaders = "或".join(_LEADER_NAMES.get(t, t) for t in item.leaders)
            note.why.append(f"主讲人{fact.speaker or ''}不是{leaders}，不计入次数。")
        if fact.quorum_met is False:
            note.why.append("到会的有表决权党员未超过半数，会议表决无效。")
        note.missing_records, note.missing_parts, absent = _gaps(item, fact, rulebook)
        if absent:
            note.why.append("没有登记任何出席人员（出勤记录为空或全部缺席、请假）。")
        if note.missing_records:
            note.why.append("缺少记录：" + "、".join(note.missing_records) + "。")
        if note.missing_parts:
            held = len(item.parts) - len(note.missing_parts)
            note.why.append(
                f"{item.name}应有{len(item.parts)}个环节，已开展{held}个，缺少："
                + "、".join(note.missing_parts)
                + "。"
            )
        note.complete = not (absent or note.missing_records or note.missing_parts)
        if fact.late_entry:
            note.why.append("该活动为补录。")
        (counted if note.counted else not_counted).append(note)
        if note.counted:
            missing.extend(m for m in note.missing_records if m not in missing)
    complete = sum(n.complete for n in counted)
    status = _status(len(counted), complete, required, period, as_of)
    short = _given_by_short(item, period, [f for f in facts if f.id in {n.id for n in counted}])
    if short:
        status = _short_status(status, period, as_of)
    verdict = _base(
        org,
        item,
        period,
        rulebook,
        as_of,
        status=status,
        required=required,
        counted=len(counted),
        complete=complete,
        counted_activities=counted,
        not_counted=not_counted,
        missing_records=missing,
    )
    owed = []
    if status == UNMET and verdict.owed:
        owed.append(f"{period.name}已结束，尚差{verdict.owed}次，未达标。")
    elif status == IN_PROGRESS and verdict.owed:
        owed.append(f"期间尚未结束（至{period.end:%Y年%m月%d日}），还需{verdict.owed}次。")
    gaps = _what_is_missing(counted)
    if status == INCOMPLETE:
        owed.append(
            f"已开展{len(counted)}次，其中出勤、记录和环节齐全的{complete}次，不足应开展的{required}次："
            f"已开展·记录不全，请补齐{gaps}。"
        )
    if short:
        given = item.given_by
        owed.append(
            f"{given.text}（{given.source}），{period.name}计入的{item.name}中由"
            f"{_LEADER_NAMES.get(given.title, given.title)}主讲的有{given.min - short}次，"
            + ("未达标。" if status == UNMET else f"还需{short}次。")
        )
    verdict.reasons = reasons + _count_reasons(item, period, verdict, owed)
    verdict.shortfall = "".join(owed)
    if period.is_running(as_of):
        left = verdict.days_remaining
        if status == IN_PROGRESS and verdict.owed:
            verdict.forecast = f"{period.this_name}还需{item.verb}{item.name}{verdict.owed}次，剩余{left}天"
        elif status == IN_PROGRESS:
            who = _LEADER_NAMES.get(item.given_by.title, item.given_by.title)
            verdict.forecast = f"{period.this_name}{who}还需{item.verb}{item.name}{short}次，剩余{left}天"
        elif status == INCOMPLETE:
            verdict.forecast = (
                f"{period.this_name}的{item.name}已{item.verb}但记录不全，请补齐{gaps}，剩余{left}天"
            )
    return verdict


def _gaps(item: Item, fact: ActivityFact, rulebook: Rulebook) -> tuple[list[str], list[str], bool]:
    """What a held activity lacks: its required records, its parts (主题党日), and any attendance."""
    parts = [] if fact.parts is None else [p for p in item.parts if p not in fact.parts]
    return _missing_records(item, fact, rulebook), parts, fact.attended == 0


def _what_is_missing(notes: list[ActivityNote]) -> str:
    """The gaps of the incomplete activities, in a few words (for the to-do and the reminder)."""
    found: list[str] = []
    for note in notes:
        if note.complete:
            continue
        if any(w.startswith("没有登记任何出席人员") for w in note.why) and "出勤登记" not in found:
            found.append("出勤登记")
        found.extend(m for m in note.missing_records if m not in found)
        found.extend(f"{p}环节" for p in note.missing_parts if f"{p}环节" not in found)
    return "、".join(found[:4]) + ("等" if len(found) > 4 else "")


def _counts(item: Item, fact: ActivityFact) -> bool:
    return not fact.not_counted and not (item.leaders and fact.speaker_allowed is False)


def _given_by_short(item: Item, period: Period, counted: list[ActivityFact]) -> int:
    """How many more of the counted activities of a year its `given_by` holder must lead (0: none)."""
    given = item.given_by
    if given is None or period.kind != "year":
        return 0
    return max(given.min - sum(given.title in f.speaker_titles for f in counted), 0)


def _short_status(status: str, period: Period, as_of: dt.date) -> str:
    """Enough held, but not enough led by whom the rule names: not met (yet)."""
    if status not in (MET, INCOMPLETE):
        return status
    return IN_PROGRESS if period.is_running(as_of) else UNMET


_LEADER_NAMES = {"secretary": "书记", "deputy": "副书记", "instructor": "党建指导员", "organiser": "组织委员"}


def _missing_records(item: Item, fact: ActivityFact, rulebook: Rulebook) -> list[str]:
    if item.stages:
        return [
            f"{stage.name}·{rulebook.record_name(code)}"
            for stage in item.stages
            for code in stage.records
            if code not in fact.records
        ]
    return [rulebook.record_name(code) for code in item.records if code not in fact.records]


def _status(counted: int, complete: int, required: int, period: Period, as_of: dt.date) -> str:
    """Met when enough were held with their records; held enough but not complete: incomplete."""
    if counted >= required:
        return MET if complete >= required else INCOMPLETE
    return IN_PROGRESS if period.is_running(as_of) else UNMET


def _count_reasons(item, period, v: Verdict, owed: list[str]) -> list[str]:
    reasons = [
        f"{period.name}应{item.verb}{item.name}{v.required}次（{item.frequency.text}），已开展并计入{v.counted}次。"
    ]
    if v.not_counted:
        reasons.append(
            f"另有{len(v.not_counted)}次不计入："
            + "；".join(f"{n.date}「{n.title}」{''.join(n.why[:1])}" for n in v.not_counted)
        )
    reasons.extend(owed)
    if v.missing_records:
        reasons.append("已开展的活动缺少记录：" + "、".join(v.missing_records) + "。")
    flagged = [n for n in v.counted_activities if any("表决无效" in w for w in n.why)]
    if flagged:
        reasons.append(
            "、".join(n.date for n in flagged) + "的会议未达到法定到会人数，表决事项需重新召开会议。"
        )
    return reasons


def _talk_verdict(org, item, period, rulebook, talk: TalkCoverage | None, as_of) -> Verdict:
    """The 书记's talks with each member: who is expected already follows the members' own time in
    the branch (the talks app's coverage), so no pro rata applies."""
    rule = f"书记每年应与每名支部委员和党员谈心谈话至少1次（{item.frequency.threshold_source}）"
    if talk is None:
        return _not_applicable(
            org, item, period, rulebook, f"{period.name}尚无谈心谈话的应谈名单，暂不检查。"
        )
    if not talk.has_secretary:
        status = IN_PROGRESS if period.is_running(as_of) else UNMET
        reasons = [
            rule + "。",
            f"本支部{period.name}内未配备书记，书记与党员的谈心谈话无从开展：应谈{talk.expected}人，已谈0人。"
            "请先在党组织页面任命书记。",
        ]
        verdict = _base(
            org,
            item,
            period,
            rulebook,
            as_of,
            status=status,
            required=talk.expected,
            counted=0,
            reasons=reasons,
        )
        if status == IN_PROGRESS:
            verdict.forecast = f"本支部尚未配备书记，无法开展谈心谈话，剩余{verdict.days_remaining}天"
        verdict.shortfall = reasons[-1]
        return verdict
    pending = list(talk.missing)
    required, done = talk.expected, talk.expected - len(pending)
    status = _status(done, done, required, period, as_of)
    reasons = [f"{rule}应谈{required}人，已谈{done}人。"]
    if pending:
        reasons.append(
            "尚未谈话：" + "、".join(pending[:20]) + (f"等{len(pending)}人。" if len(pending) > 20 else "。")
        )
    verdict = _base(
        org,
        item,
        period,
        rulebook,
        as_of,
        status=status,
        required=required,
        counted=done,
        complete=done,  # a talk held is a talk recorded
        reasons=reasons,
    )
    if status == IN_PROGRESS:
        verdict.forecast = f"本年度书记还需与{len(pending)}名党员谈心谈话，剩余{verdict.days_remaining}天"
    if status in (UNMET, IN_PROGRESS):
        verdict.shortfall = f"书记尚未与{len(pending)}名党员谈心谈话。"
    return verdict


def summarise(group: list[Verdict]) -> str:
    """The status shown for several verdicts (the months of a quarter, a branch's 党小组): the worst."""
    if not group:
        return NOT_APPLICABLE
    return min((v.status for v in group), key=SEVERITY.__getitem__)


def forecasts(found: Iterable[Verdict]) -> list[Verdict]:
    """Running periods with something still owed (held too few, or held without its records), soonest
    due first."""
    return sorted((v for v in found if v.status in OWING and v.forecast), key=lambda v: (v.due, v.rule))
