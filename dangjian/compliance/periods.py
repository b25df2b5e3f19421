"""Periods a rule is counted in: a month (`2025-03`), a quarter (`2025-Q1`) or a year (`2025`).

Plain value objects with the calendar arithmetic the verdicts need: the period of a date, the
periods of a year, whether a period is still running on a date and how many days it has left.
"""

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, cached_property

KINDS = ("month", "quarter", "year")
YEARS = range(2000, 2101)  # the years a request may ask about
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
_LABEL = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4]))?$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    first_month: int  # 1..12; sorts periods by start, then by length
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if (self.first_month - 1) % MONTHS_IN[self.kind] or not 1 <= self.first_month <= 12:
            raise ValueError(f"{self.kind} cannot start in month {self.first_month}")

    @classmethod
    def of(cls, kind: str, day: dt.date) -> "Period":
        """The period of this kind containing the date."""
        size = MONTHS_IN[kind]
        return cls(day.year, (day.month - 1) // size * size + 1, kind)

    @classmethod
    def of_year(cls, kind: str, year: int) -> list["Period"]:
        return list(_of_year(cls, kind, year))

    @classmethod
    def parse(cls, label: str) -> "Period":
        match = _LABEL.match(label.strip())
        if not match:
            raise ValueError(f"期间应写作 2025、2025-Q1 或 2025-03，而不是“{label}”")
        year, month, quarter = match.groups()
        if month:
            if not 1 <= int(month) <= 12:
                raise ValueError(f"月份应在 01 到 12 之间：“{label}”")
            return cls(int(year), int(month), "month")
        if quarter:
            return cls(int(year), (int(quarter) - 1) * 3 + 1, "quarter")
        return cls(int(year), 1, "year")

    @cached_property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.first_month:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.quarter}"
        return str(self.year)

    @property
    def name(self) -> str:
        """The Chinese name, e.g. 2025年3月, 2025年第1季度, 2025年."""
        if self.kind == "month":
            return f"{self.year}年{self.first_month}月"
        if self.kind == "quarter":
            return f"{self.year}年第{self.quarter}季度"
        return f"{self.year}年"

    @property
    def this_name(self) -> str:
        """How a running period is called: 本月, 本季度, 本年度."""
        return {"month": "本月", "quarter": "本季度", "year": "本年度"}[self.kind]

    @property
    def quarter(self) -> int:
        return (self.first_month - 1) // 3 + 1

    @property
    def months(self) -> int:
        return MONTHS_IN[self.kind]

    @cached_property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @cached_property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        return self.next().start - dt.timedelta(days=1)

    @cached_property
    def due(self) -> str:
        return self.end.isoformat()

    def next(self) -> "Period":
        month = self.first_month + self.months
        return Period(self.year + (month - 1) // 12, (month - 1) % 12 + 1, self.kind)

    @cached_property
    def month_spans(self) -> tuple[tuple[dt.date, dt.date], ...]:
        """(first day, last day) of each month of the period."""
        return tuple(
            (p.start, p.end)
            for p in (Period(self.year, self.first_month + i, "month") for i in range(self.months))
        )

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end

    def has_started(self, as_of: dt.date) -> bool:
        return as_of >= self.start

    def is_running(self, as_of: dt.date) -> bool:
        return self.contains(as_of)

    def is_finished(self, as_of: dt.date) -> bool:
        return as_of > self.end

    def days_remaining(self, as_of: dt.date) -> int:
        """Days left to act, today included (1 on the last day); 0 once finished."""
        if as_of > self.end:
            return 0
        return (self.end - max(as_of, self.start)).days + 1

    def __str__(self) -> str:
        return self.label


@cache
def _of_year(cls, kind: str, year: int) -> tuple[Period, ...]:
    """The periods of a year, made once: their cached start and end are reused by every organisation."""
    return tuple(cls(year, m, kind) for m in range(1, 13, MONTHS_IN[kind]))


def check_year(year: int) -> int:
    """The year if a request may ask about it; a ValueError in Chinese otherwise."""
    if year not in YEARS:
        raise ValueError(f"年度应在 {YEARS.start} 到 {YEARS.stop - 1} 之间，而不是 {year}。")
    return year
