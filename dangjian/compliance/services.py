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
    counted: int = 0
    verdicts: int = 0

    def add(self, v: Verdict) -> None:
        if self.verdicts == 0 or SEVERITY[v.status] < SEVERITY[self.status]:
            self.status = v.status
        self.required += v.required
        self.counted += v.counted
        self.verdicts += 1

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Row:
    org_id: int
    code: str
    name: str
    category: str
    general_id: int | None
    cells: dict[str, Cell] = field(default_factory=dict)
    met: int = 0
    decided: int = 0  # verdicts met or unmet (running and not applicable ones left out)

    @property
    def rate(self) -> int | None:
        return round(100 * self.met / self.decided) if self.decided else None


@dataclass
class Matrix:
    year: int
    period: Period
    as_of: dt.date
    rules: list
    rows: list[Row]
    by_rule: dict[str, tuple[int, int]]  # rule -> (met, decided)
    by_month: dict[int, tuple[int, int]]  # month -> (met, decided), month-period rules
    totals: dict[str, int]
    rules_version: str

    def rule_rates(self) -> list[tuple[str, int | None]]:
        return [(r.name, _rate(*self.by_rule.get(r.code, (0, 0)))) for r in self.rules]

    def month_rates(self) -> list[tuple[str, int | None]]:
        return [(f"{m}月", _rate(*self.by_month[m])) for m in sorted(self.by_month)]

    def ranking(self) -> list[Row]:
        rated = [r for r in self.rows if r.rate is not None]
        return sorted(rated, key=lambda r: (-r.rate, r.code))


def _rate(met: int, decided: int) -> int | None:
    return round(100 * met / decided) if decided else None


def matrix(
    root: Organisation,
    year: int,
    as_of: dt.date,
    period: Period | None = None,
    *,
    general_id: int | None = None,
    category: str = "",
) -> Matrix:
    """The branches under `root` × rules for `period` (default the year), each cell the worst of its
    verdicts (a branch's 党小组 roll up into its 党小组会 cell). Streams the verdicts: memory holds cells."""
    period = period or Period(year, 1, "year")
    rules = matrix_rules()
    codes = {r.code for r in rules}
    rows: dict[int, Row] = {}
    parent_of: dict[int, int] = {}
    by_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_month: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    totals: dict[str, int] = defaultdict(int)

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
        if v.status in (MET, UNMET):
            met = int(v.status == MET)
            row.met += met
            row.decided += 1
            by_rule[v.rule][0] += met
            by_rule[v.rule][1] += 1
            if v.period_kind == "month":
                month = int(v.period[-2:])
                by_month[month][0] += met
                by_month[month][1] += 1
    return Matrix(
        year=year,
        period=period,
        as_of=as_of,
        rules=rules,
        rows=sorted(rows.values(), key=lambda r: r.code),
        by_rule={k: tuple(v) for k, v in by_rule.items()},
        by_month={k: tuple(v) for k, v in by_month.items()},
        totals=dict(totals),
        rules_version=rulebook.current().version,
    )


def matrix_sheet(m: Matrix) -> tuple[list[str], Iterable[list]]:
    headers = ["组织代码", "组织名称", *[r.name for r in m.rules], "达标率"]

    def rows():
        for row in m.rows:
            cells = []
            for rule in m.rules:
                cell = row.cells.get(rule.code)
                if cell is None or cell.status == NOT_APPLICABLE:
                    cells.append("不适用")
                else:
                    cells.append(f"{cell.label}（{cell.counted}/{cell.required}）")
            yield [row.code, row.name, *cells, f"{row.rate}%" if row.rate is not None else "-"]
        # What the figures are, below the table: a sheet passed on by e-mail still says it.
        yield []
        yield ["期间", m.period.name]
        yield ["检查日期", m.as_of.isoformat()]
        yield ["规则版本", m.rules_version]

    return headers, rows()


STATUS_ORDER = (UNMET, IN_PROGRESS, MET, NOT_APPLICABLE)
