"""What the pages, the API and the commands ask of compliance: verdicts of an organisation, the town
matrix with its chart figures, and the to-do list of running periods."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation
from dangjian.rulebook import rulebook

from . import facts
from .engine import (
    IN_PROGRESS,
    INCOMPLETE,
    MET,
    NOT_APPLICABLE,
    SEVERITY,
    STATUS_LABELS,
    UNMET,
    Verdict,
    forecasts,
)
from .periods import Period


def verdicts_for(org: Organisation, year: int, as_of: dt.date, within: Period | None = None) -> list[Verdict]:
    """Every verdict of `org` and the organisations under it (a branch with its 党小组) for `year`."""
    return list(facts.iter_verdicts(org, year, as_of, within=within))


def in_period(verdicts: Iterable[Verdict], period: Period) -> list[Verdict]:
    """The verdicts of a year's computation that `verdicts_for(..., within=period)` would give."""
    return [v for v in verdicts if Period.parse(v.period).overlaps(period)]


def year_summary(org: Organisation, year: int, as_of: dt.date) -> dict:
    """A past year at a glance: how many periods were met, and which were incomplete or unmet."""
    found = verdicts_for(org, year, as_of)
    return {
        "year": year,
        "met": sum(v.status == MET for v in found),
        "incomplete": [v for v in found if v.status == INCOMPLETE],
        "unmet": [v for v in found if v.status == UNMET],
    }


def todo(org: Organisation, as_of: dt.date) -> list[Verdict]:
    """What is still owed in the periods running on `as_of`, soonest due first."""
    return forecasts(verdicts_for(org, as_of.year, as_of))


def matrix_rules() -> list:
    """The rules shown as matrix columns: those with a frequency (items "按需" are never counted)."""
    return [i for i in rulebook.current().items.values() if i.frequency.period != "none"]


@dataclass
class Cell:
    status: str = NOT_APPLICABLE
    required: int = 0
    counted: int = 0  # per period at most what it required: a second meeting does not make up another month
    verdicts: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # verdicts by status (the assessment scores them)

    def add(self, v: Verdict) -> None:
        self.outcomes[v.status] = self.outcomes.get(v.status, 0) + 1
        if self.verdicts == 0 or SEVERITY[v.status] < SEVERITY[self.status]:
            self.status = v.status
        self.required += v.required
        self.counted += min(v.counted, v.required)
        self.verdicts += 1

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


# The outcomes of periods that are over, for the rates: met, held with incomplete records, unmet.
DECIDED = (MET, INCOMPLETE, UNMET)


@dataclass
class Tally:
    """Verdicts by outcome; the rate counts only periods over by the check date (a running month is not
    100% because what is due has been done so far)."""

    met: int = 0
    incomplete: int = 0
    decided: int = 0  # periods over with a verdict met, incomplete or unmet
    open: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # every status, running too

    def add(self, status: str, over: bool) -> None:
        self.open[status] += 1
        if over and status in DECIDED:
            self.met += status == MET
            self.incomplete += status == INCOMPLETE
            self.decided += 1

    @property
    def rate(self) -> int | None:
        return _rate(self.met, self.decided)

    @property
    def incomplete_rate(self) -> int | None:
        return _rate(self.incomplete, self.decided)

    def shares(self) -> dict[str, int]:
        """Each outcome's share of the applicable verdicts, running periods included (percent)."""
        total = sum(n for status, n in self.open.items() if status != NOT_APPLICABLE)
        return {
            status: round(100 * self.open.get(status, 0) / total) if total else 0
            for status in (MET, INCOMPLETE, IN_PROGRESS, UNMET)
        }


@dataclass
class Row:
    org_id: int
    code: str
    name: str
    category: str
    general_id: int | None
    cells: dict[str, Cell] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)

    @property
    def rate(self) -> int | None:
        return self.tally.rate


@dataclass
class Matrix:
    year: int
    period: Period
    as_of: dt.date
    rules: list
    rows: list[Row]
    by_rule: dict[str, Tally]
    by_month: dict[int, Tally]  # month -> tally of the month-period rules
    totals: dict[str, int]
    rules_version: str

    def rule_shares(self) -> list[tuple[str, dict[str, int]]]:
        """Each rule's outcomes in the period, running ones included: 民主评议 and 谈心谈话 (yearly) show
        as 进行中 until the year is over instead of vanishing."""
        return [(r.name, self.by_rule.get(r.code, Tally()).shares()) for r in self.rules]

    def month_rates(self) -> list[tuple[str, int | None, int | None]]:
        """(month, 达标率, 记录不全率) of the months over by the check date; a running month has none."""
        return [
            (f"{m}月", self.by_month[m].rate, self.by_month[m].incomplete_rate) for m in sorted(self.by_month)
        ]

    def ranking(self) -> list[Row]:
        rated = [r for r in self.rows if r.rate is not None]
        return sorted(rated, key=lambda r: (-r.rate, r.code))


def _rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def matrix(
    root,
    year: int,
    as_of: dt.date,
    period: Period | None = None,
    *,
    general_id: int | None = None,
    category: str = "",
) -> Matrix:
    """The branches under `root` (an organisation, or several) × rules for `period` (default the year),
    each cell the worst of its verdicts (a branch's 党小组 roll up into its 党小组会 cell). Streams the
    verdicts: memory holds cells."""
    period = period or Period(year, 1, "year")
    rules = matrix_rules()
    codes = {r.code for r in rules}
    rows: dict[int, Row] = {}
    parent_of: dict[int, int] = {}
    by_rule: dict[str, Tally] = defaultdict(Tally)
    by_month: dict[int, Tally] = defaultdict(Tally)
    totals: dict[str, int] = defaultdict(int)
    over: dict[str, bool] = {}

    def keep(org) -> bool:
        if org.kind == OrgKind.GROUP:
            parent_of[org.id] = org.parent_id
            return org.parent_id in rows
        if (general_id and org.general_id != general_id) or (category and org.category != category):
            return False
        rows[org.id] = Row(org.id, org.code, org.name, org.category, org.general_id)
        return True

    for v in facts.iter_verdicts(root, year, as_of, keep=keep, within=period, rules=codes, brief=True):
        row = rows[parent_of.get(v.org_id, v.org_id)]
        row.cells.setdefault(v.rule, Cell()).add(v)
        totals[v.status] += 1
        if v.period not in over:
            over[v.period] = Period.parse(v.period).is_finished(as_of)
        row.tally.add(v.status, over[v.period])
        by_rule[v.rule].add(v.status, over[v.period])
        if v.period_kind == "month":
            by_month[int(v.period[-2:])].add(v.status, over[v.period])
    return Matrix(
        year=year,
        period=period,
        as_of=as_of,
        rules=rules,
        rows=sorted(rows.values(), key=lambda r: r.code),
        by_rule=dict(by_rule),
        by_month=dict(by_month),
        totals=dict(totals),
        rules_version=rulebook.current().version,
    )


def matrix_sheet(m: Matrix) -> tuple[list[str], Iterable[list]]:
    headers = ["组织代码", "组织名称", *[r.name for r in m.rules], "达标率", "已开展·记录不全（项次）"]

    def rows():
        for row in m.rows:
            cells = []
            for rule in m.rules:
                cell = row.cells.get(rule.code)
                if cell is None or cell.status == NOT_APPLICABLE:
                    cells.append("不适用")
                else:
                    cells.append(f"{cell.label}（{cell.counted}/{cell.required}）")
            rate = f"{row.rate}%" if row.rate is not None else "-"
            yield [row.code, row.name, *cells, rate, row.tally.incomplete]
        # What the figures are, below the table: a sheet passed on by e-mail still says it.
        yield []
        yield ["期间", m.period.name]
        yield ["检查日期", m.as_of.isoformat()]
        yield ["规则版本", m.rules_version]
        yield [
            "说明",
            "达标率只统计检查日期前已结束的期间；“已开展·记录不全”指次数够了但出勤、必需记录或主题党日环节不全，不计为达标。",
        ]

    return headers, rows()


STATUS_ORDER = (UNMET, INCOMPLETE, IN_PROGRESS, MET, NOT_APPLICABLE)
