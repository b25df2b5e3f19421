"""Reminders: a rule still owed a few days before its period ends (too few held, or held without its
attendance, records or parts: 已开展·记录不全), and 整改措施 past their due date. The town office's accounts
(no member behind them) get the overdue 整改措施 and one daily digest of the deadlines.

Written to the notification outbox (`notifications.outbox.post`), once per key: running
`dangjian remind` twice a day, or again after a crash, never sends the same reminder twice.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from dangjian.meetings.models import Rectification, RectificationStatus
from dangjian.notifications.outbox import post
from dangjian.notifications.services import office_accounts
from dangjian.orgs.choices import MANAGING_TITLES, OrgKind, PositionTitle
from dangjian.orgs.models import Organisation, Position

from . import facts
from .engine import INCOMPLETE, OWING
from .periods import Period

DEFAULT_DAYS = 7


def remind_days() -> int:
    """How many days before a period ends an owed rule is reminded (setting COMPLIANCE_REMIND_DAYS)."""
    return int(getattr(settings, "COMPLIANCE_REMIND_DAYS", DEFAULT_DAYS))


@dataclass
class Result:
    deadlines: int = 0
    overdue: int = 0
    deliveries: int = 0


def _recipients(root: Organisation, on: dt.date) -> dict[int, set[int]]:
    """Member ids per organisation of those who run it (书记, 副书记, 组织委员; a 党小组's leader)."""
    out: dict[int, set[int]] = defaultdict(set)
    for org_id, member_id in (
        Position.objects.current(on)
        .filter(org__path__startswith=root.path, title__in=[*MANAGING_TITLES, PositionTitle.GROUP_LEADER])
        .values_list("org_id", "member_id")
    ):
        out[org_id].add(member_id)
    return out


def remind(as_of: dt.date, days: int | None = None) -> Result:
    days = remind_days() if days is None else days
    result = Result()
    for root in Organisation.objects.filter(kind=OrgKind.TOWN):
        orgs = {
            o.pk: o
            for o in Organisation.objects.subtree(root).only("id", "code", "name", "path", "parent_id")
        }
        people = _recipients(root, as_of)
        month = Period.of("month", as_of)
        office = office_accounts(root)
        owing: dict[str, int] = defaultdict(int)
        for v in facts.iter_verdicts(root, as_of.year, as_of, within=month):
            if v.status not in OWING or not v.forecast or v.days_remaining > days:
                continue
            org = orgs[v.org_id]
            # Who runs the organisation itself; for a 党小组 also its branch's leaders, never those above.
            to = people.get(org.pk, set())
            branch, group_leaders = org, set()
            if org.kind == OrgKind.GROUP:
                branch = orgs.get(org.parent_id, org)
                group_leaders, to = to, people.get(branch.pk, set())
            message = {
                # Held without its records is told apart from not held: both may be reminded.
                "key": f"compliance:{v.org}:{v.rule}:{v.period}"
                + (":incomplete" if v.status == INCOMPLETE else ""),
                "title": f"{v.org_name}：{v.forecast}",
                "body": v.shortfall,
                "org": org,
            }
            url = reverse("compliance:verdict", args=[branch.code, v.rule]) + f"?period={v.period}"
            result.deliveries += post(to, url=url, **message)
            # A 党小组长 cannot read the branch's verdicts: their home page lists their group's to-do.
            result.deliveries += post(group_leaders - to, url=reverse("home") + "#compliance-todo", **message)
            result.deadlines += 1
            owing[branch.name] += 1
        for item in (
            Rectification.objects.filter(status=RectificationStatus.OPEN, due_on__lt=as_of)
            .filter(Q(activity__org__path__startswith=root.path))
            .select_related("activity__org", "owner")
        ):
            org = item.activity.org
            to = {item.owner_id} | people.get(org.pk, set())
            result.deliveries += post(
                to,
                accounts=office,
                key=f"rectification:{item.pk}:overdue",
                title=f"整改措施已逾期：{item.content}"[:200],
                body=f"{org.name}{item.activity.date:%Y年%m月%d日}组织生活会的整改措施“{item.content}”"
                f"应于{item.due_on:%Y年%m月%d日}前完成，责任人{item.owner.name}，目前仍未完成。",
                url=item.activity.get_absolute_url(),
                org=org,
            )
            result.overdue += 1
        if owing and office:  # the office hears of the deadlines once a day, in one notice
            names = sorted(owing)
            result.deliveries += post(
                (),
                accounts=office,
                key=f"compliance:deadlines:{root.code}:{as_of.isoformat()}",
                title=f"{len(names)}个组织有{sum(owing.values())}项组织生活将在{days}天内到期",
                body="、".join(f"{n}（{owing[n]}项）" for n in names[:30])
                + ("等。" if len(names) > 30 else "。"),
                url=reverse("compliance:dashboard") + f"?period={month.label}",
            )
    return result
