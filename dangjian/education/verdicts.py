"""The compliance verdict of 党员教育 (rulebook item `member_education`) from each branch's 学时 and 学习心得.

Met: every active member of the branch reached their yearly target and at least one 学习心得体会 was handed
in (the item's record). While the year runs, short members make it 进行中; after it, 未达标. Names are not
in the verdict (it is read more widely than the members' records): the counts, and the page to see them.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from dangjian.compliance.engine import IN_PROGRESS, INCOMPLETE, MET, UNMET, Checked
from dangjian.compliance.periods import Period
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation
from dangjian.rulebook import rulebook

from . import policy, services
from .hours import Completion

RULE = "member_education"


def decide(
    completions: list[Completion], notes: int, year: int, as_of: dt.date
) -> tuple[str, list[str], list[str]]:
    """(status, reasons, missing records) of one branch's year: a pure function."""
    book = policy.current()
    short = [c for c in completions if not c.met]
    running = as_of <= dt.date(year, 12, 31)
    reasons = [
        f"{book.member.text}（{book.member.source}）；{book.leader.text}（{book.leader.source}）。",
        f"在册党员{len(completions)}人，已达到年度学时要求{len(completions) - len(short)}人。",
    ]
    if short:
        total = sum((c.short for c in short), Decimal(0))
        reasons.append(f"{len(short)}人尚未达到，合计还差{total}学时。")
    missing = [] if notes else [rulebook.current().record_kinds["study_notes"].name]
    if missing:
        reasons.append("本年度尚无党员提交学习心得体会。")
    if short:
        status = IN_PROGRESS if running else UNMET
    elif missing:
        status = IN_PROGRESS if running else INCOMPLETE
    else:
        status = MET
    return status, reasons, missing


def checked(root, year: int, as_of: dt.date) -> dict[int, Checked]:
    """The compliance hook (compliance/facts.py CHECKED_ITEMS): {branch id: engine.Checked}, from the 学时 of
    every branch under `root` read at once (three queries). A branch without members is left out."""
    roots = [root] if isinstance(root, Organisation) else list(root)
    under = Q(pk__in=[])
    for r in roots:
        under |= Q(org__path__startswith=r.path)
    members = Member.objects.filter(under, org__kind=OrgKind.BRANCH, status__in=ACTIVE_STATUSES)
    by_org: dict[int, list[Completion]] = defaultdict(list)
    for c in services.completions(members, year, as_of, with_notes=True, lines=False) if roots else ():
        by_org[c.org_id].append(c)
    running = Period(year, 1, "year").days_remaining(as_of) if as_of.year == year else 0
    found = {}
    for org_id, rows in by_org.items():
        status, reasons, missing = decide(rows, sum(c.notes for c in rows), year, as_of)
        found[org_id] = Checked(
            status,
            tuple(reasons),
            missing_records=tuple(missing),
            shortfall=_shortfall(rows, missing),
            days_remaining=running,
        )
    return found


def _shortfall(rows: list[Completion], missing: list[str]) -> str:
    short = sum(not c.met for c in rows)
    parts = [f"{short}名党员未达到年度学时要求"] if short else []
    parts += [f"缺少{name}" for name in missing]
    return "，".join(parts) + "。" if parts else ""
