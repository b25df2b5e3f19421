"""Reminders of the 发展党员 limits through the outbox: a limit falling due within the reminder window
(talk due, 考察 due, approval due, probation ending) and each one overdue, to those who run the branch
(书记、副书记、组织委员) and the town office. Never to group robots: the notices name the applicant."""

import datetime as dt
from collections import defaultdict

from django.db.models import Q

from dangjian.notifications.outbox import post
from dangjian.notifications.services import office_accounts
from dangjian.orgs.choices import MANAGING_TITLES, OrgKind
from dangjian.orgs.models import Organisation, Position

from . import pipeline


def under(town):
    return Q(org__path__startswith=town.path)


def remind(as_of: dt.date, days: int) -> int:
    """Write the reminders due on `as_of`; once per file, step, due date and state. Returns deliveries."""
    written = 0
    for town in Organisation.objects.filter(kind=OrgKind.TOWN):
        runners: dict[int, set[int]] = defaultdict(set)
        for org_id, member_id in (
            Position.objects.current(as_of)
            .filter(org__path__startswith=town.path, title__in=MANAGING_TITLES)
            .values_list("org_id", "member_id")
        ):
            runners[org_id].add(member_id)
        office = office_accounts(town)
        for view in pipeline.files(under(town), as_of):
            applicant = view.applicant
            for d in view.deadlines:
                if not d.overdue and (d.due - as_of).days > days:
                    continue
                state = "overdue" if d.overdue else "due"
                title = f"发展党员：{applicant.name}的“{d.name}”" + (
                    "已逾期" if d.overdue else f"将于{d.due:%m月%d日}到期"
                )
                written += post(
                    runners.get(applicant.org_id, set()),
                    accounts=office if d.overdue else (),
                    key=f"recruitment:{applicant.pk}:{d.step}:{d.due.isoformat()}:{state}",
                    title=title,
                    body=f"{applicant.org.name}：应于 {d.due:%Y-%m-%d} 前完成。{d.rule}",
                    url=applicant.get_absolute_url(),
                )
    return written
