"""The compliance verdict of 党员教育 (rulebook item `member_education`) from each branch's 学时 and 学习心得.

Met: every active member of the branch reached their yearly target and at least one 学习心得体会 was handed
in (the item's record). While the year runs, short members make it 进行中; after it, 未达标. Names are not
in the verdict (it is read more widely than the members' records): the counts, and the page to see them.
"""

import datetime as dt
from decimal import Decimal

from dangjian.compliance.engine import IN_PROGRESS, INCOMPLETE, MET, UNMET, Verdict
from dangjian.compliance.periods import Period
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


def yearly_verdicts(root, year: int, as_of: dt.date) -> dict[int, Verdict]:
    """The 党员教育 verdict of every branch under `root` by org id: a fixed number of queries."""
    roots = [root] if isinstance(root, Organisation) else list(root)
    if not roots:
        return {}
    from django.db.models import Q

    under = Q(pk__in=[])
    for r in roots:
        under |= Q(path__startswith=r.path)
    branches = list(Organisation.objects.filter(under, kind=OrgKind.BRANCH).only("pk", "code", "name"))
    members = Member.objects.filter(org__in=[b.pk for b in branches], status__in=services.ACTIVE_STATUSES)
    by_org: dict[int, list[Completion]] = {b.pk: [] for b in branches}
    org_of = dict(members.values_list("pk", "org_id"))
    for c in services.completions(members, year, as_of):
        by_org[org_of[c.member_id]].append(c)
    notes = services.note_counts(members, year)
    notes_by_org: dict[int, int] = {}
    for member_id, count in notes.items():
        notes_by_org[org_of[member_id]] = notes_by_org.get(org_of[member_id], 0) + count
    item = rulebook.current().items[RULE]
    period = Period(year, 1, "year")
    out = {}
    for b in branches:
        rows = by_org[b.pk]
        status, reasons, missing = decide(rows, notes_by_org.get(b.pk, 0), year, as_of)
        out[b.pk] = Verdict(
            rule=RULE,
            rule_name=item.name,
            org=b.code,
            org_name=b.name,
            org_id=b.pk,
            period=period.label,
            period_kind=period.kind,
            status=status,
            required=0,  # not a count of activities: the figures are in the reasons
            counted=0,
            due=period.due,
            days_remaining=period.days_remaining(as_of) if period.is_running(as_of) else 0,
            missing_records=missing,
            reasons=reasons,
            shortfall=_shortfall(rows, missing),
            source=item.source,
            rules_version=rulebook.current().version,
        )
    return out


def _shortfall(rows: list[Completion], missing: list[str]) -> str:
    short = sum(not c.met for c in rows)
    parts = [f"{short}名党员未达到年度学时要求"] if short else []
    parts += [f"缺少{name}" for name in missing]
    return "，".join(parts) + "。" if parts else ""
