"""学时: pure functions from plain facts (no database). What an activity gives its present attendees, a
member's total against their target, a branch's completion."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from .policy import Derived, Policy, Target

ZERO = Decimal("0")


@dataclass(frozen=True)
class HourLine:
    """One source of 学时 for one member: a recorded activity attended (derived) or a training entered."""

    date: dt.date
    topic: str
    form: str  # a TrainingForm label
    hours: Decimal
    organiser: str
    url: str = ""
    derived: bool = False


def _floor(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def activity_hours(
    kind: str, parts: list[str] | tuple[str, ...], start: dt.datetime, end: dt.datetime, rules: Derived
) -> Decimal:
    """学时 an attended activity gives: a 党课 its duration; a 主题党日 the share of its duration of the
    study parts among the parts held (none held: none); anything else none. Rounded down to the step."""
    if end <= start:
        return ZERO
    duration = Decimal((end - start).total_seconds()) / Decimal(3600)
    if kind == rules.lecture_kind:
        share = Decimal(1)
    elif kind == rules.theme_day_kind and parts:
        held = set(parts)
        share = Decimal(len(held & rules.theme_day_study_parts)) / Decimal(len(held))
    else:
        return ZERO
    return min(_floor(duration * share, rules.step), rules.max_hours)


@dataclass
class Completion:
    """One member's 学时 of a year against their target."""

    member_id: int
    name: str
    target: Target
    lines: list[HourLine] = field(default_factory=list)
    org_id: int | None = None
    entered: Decimal = ZERO  # 学时 of trainings entered, when read as a sum rather than as lines
    notes: int = 0  # 学习心得 of the year, where asked for

    @property
    def hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), self.entered)

    @property
    def derived_hours(self) -> Decimal:
        return sum((line.hours for line in self.lines if line.derived), ZERO)

    @property
    def met(self) -> bool:
        return self.hours >= self.target.hours

    @property
    def short(self) -> Decimal:
        return max(self.target.hours - self.hours, ZERO)


def target_for(is_leader: bool, policy: Policy) -> Target:
    """书记 and committee members of a 基层党组织 have the higher target; every other member the 条例's."""
    return policy.leader if is_leader else policy.member


@dataclass(frozen=True)
class BranchCompletion:
    members: int
    met: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.met / self.members) if self.members else None


def branch_completion(rows: list[Completion]) -> BranchCompletion:
    return BranchCompletion(len(rows), sum(r.met for r in rows))
