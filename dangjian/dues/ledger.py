"""Month-by-month dues of one member as plain data: what was due, what was paid, what is behind.

Pure functions over what `services` loads (no models imported): a month is settled when the net amount
paid for it (payments less reversals) reaches what was due, an approved exemption making that zero.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .rates import add_months, month_start, months_between

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ReliefSpan:
    start: dt.date
    end: dt.date
    monthly: Decimal  # what is paid during the relief (0 for 免交)


@dataclass(frozen=True)
class MonthState:
    month: dt.date
    due: Decimal
    paid: Decimal

    @property
    def settled(self) -> bool:
        return self.paid >= self.due

    @property
    def owing(self) -> Decimal:
        return max(self.due - self.paid, ZERO)


def due_in(month: dt.date, monthly_by_year: dict[int, Decimal], reliefs: list[ReliefSpan]) -> Decimal | None:
    """The amount due for `month`: the profile of its year, else the latest earlier one; an approved
    relief covering the month lowers it. None when no profile applies yet (the ledger has not started)."""
    years = [y for y in monthly_by_year if y <= month.year]
    if not years:
        return None
    due = monthly_by_year[max(years)]
    for r in reliefs:
        if r.start <= month <= r.end:
            due = min(due, r.monthly)
    return due


def first_month(monthly_by_year: dict[int, Decimal], joined_on: dt.date | None) -> dt.date | None:
    if not monthly_by_year:
        return None
    start = dt.date(min(monthly_by_year), 1, 1)
    return max(start, month_start(joined_on)) if joined_on else start


def states(
    monthly_by_year: dict[int, Decimal],
    reliefs: list[ReliefSpan],
    paid: dict[dt.date, Decimal],
    joined_on: dt.date | None,
    last: dt.date,
) -> list[MonthState]:
    """Every month from the ledger's start to `last` (included) with its due and net paid amount."""
    start = first_month(monthly_by_year, joined_on)
    if start is None:
        return []
    out = []
    for m in months_between(start, last):
        due = due_in(m, monthly_by_year, reliefs)
        if due is not None:
            out.append(MonthState(m, due, paid.get(m, ZERO)))
    return out


def consecutive_unpaid(rows: list[MonthState]) -> int:
    """Months not settled in a row, counted back from the last one."""
    n = 0
    for row in reversed(rows):
        if row.settled:
            break
        n += 1
    return n


def last_closed_month(as_of: dt.date) -> dt.date:
    """The last month over by `as_of`: the current month's dues are not behind until it ends."""
    return add_months(month_start(as_of), -1)
