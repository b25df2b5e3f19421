"""The six-month rule as a pure function: months in a row in which a member took no part in organisational
life (or, given the dues data, paid no dues), counted back from the last whole month.

A month counts against the member ("missed") only when they were expected at an activity held that month,
attended none, and had no approved leave: a month with nothing held, with a leave approved or with a 补学
done is not held against them (没有正当理由 is for the branch to judge, never for the platform). Dues are a
separate ground (党章: 或不交纳党费): a month of membership with no dues paid. A flag is a fact for the
secretary; it never removes anyone.
"""

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MonthFacts:
    """What one member did in one month."""

    expected: int = 0  # activities held that month they were expected at
    attended: int = 0  # of which present or late
    excused: int = 0  # of which on approved leave
    makeups_done: int = 0  # 补学 completed that month


@dataclass
class Flag:
    member_id: int
    name: str
    months: int  # missed months in a row (organisational life)
    since: dt.date | None  # first day of the first missed month
    dues_months: int = 0  # months in a row without dues (0: not a ground, or no dues data)
    facts: list[str] = field(default_factory=list)


def month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def missed(facts: MonthFacts) -> bool:
    return facts.expected > 0 and facts.attended == 0 and facts.excused == 0 and facts.makeups_done == 0


def took_part(facts: MonthFacts) -> bool:
    return facts.attended > 0 or facts.makeups_done > 0


def streak(
    months: dict[dt.date, MonthFacts], as_of: dt.date, limit: int, member_since: dt.date | None = None
) -> int:
    """Missed months in a row up to the last whole month before `as_of` (at most `limit` looked at).

    The running month is not held against anyone yet; taking part in it clears the streak."""
    if took_part(months.get(month_start(as_of), MonthFacts())):
        return 0
    count = 0
    for back in range(1, limit + 1):
        start = month_start(as_of, back)
        if member_since and start < month_start(member_since):
            break
        if not missed(months.get(start, MonthFacts())):
            break
        count += 1
    return count


def dues_streak(paid: set[dt.date], as_of: dt.date, limit: int, member_since: dt.date | None = None) -> int:
    """Whole months in a row, before the running one, without dues paid (months as their first day)."""
    if month_start(as_of) in paid:
        return 0
    count = 0
    for back in range(1, limit + 1):
        start = month_start(as_of, back)
        if (member_since and start < month_start(member_since)) or start in paid:
            break
        count += 1
    return count


def flags(
    members: list[tuple[int, str, dt.date | None]],
    months: dict[int, dict[dt.date, MonthFacts]],
    as_of: dt.date,
    required: int,
    paid_months: dict[int, set[dt.date]] | None = None,
) -> list[Flag]:
    """Members (id, name, joined on) with `required` missed months in a row, or as many without dues when
    `paid_months` (months paid, as their first day, by member id) is given; with the facts to show."""
    out = []
    for member_id, name, joined in members:
        mine = months.get(member_id, {})
        life = streak(mine, as_of, required, joined)
        dues = 0
        if paid_months is not None:
            dues = dues_streak(paid_months.get(member_id, set()), as_of, required, joined)
        if life < required and dues < required:
            continue
        flag = Flag(member_id, name, life, month_start(as_of, life) if life else None, dues)
        if life >= required:
            held = sum(mine.get(month_start(as_of, b), MonthFacts()).expected for b in range(1, life + 1))
            flag.facts.append(
                f"自{flag.since:%Y年%m月}起连续{life}个月未参加组织生活（其间应参加{held}次，"
                "均未出席、未请假、未补学）"
            )
        if dues >= required:
            flag.facts.append(f"自{month_start(as_of, dues):%Y年%m月}起连续{dues}个月未交纳党费")
        out.append(flag)
    return out
