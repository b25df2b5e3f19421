"""The six-month rule through the outbox: each flagged member told to who runs their branch, monthly."""

import datetime as dt

from django.urls import reverse

from dangjian.compliance.reminders import _recipients
from dangjian.members.models import Member
from dangjian.notifications.outbox import post
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

from .services import inactive_flags


def remind_inactive(as_of: dt.date, paid_months=None) -> int:
    """Write one reminder per flagged member and month (key), to the branch's 书记/副书记/组织委员."""
    written = 0
    for root in Organisation.objects.filter(kind=OrgKind.TOWN):
        people = _recipients(root, as_of)
        for branch in Organisation.objects.filter(path__startswith=root.path, kind=OrgKind.BRANCH):
            for flag in inactive_flags(Member.objects.filter(org=branch), as_of, paid_months):
                written += post(
                    people.get(branch.pk, set()),
                    key=f"education:inactive:{flag.member_id}:{as_of:%Y-%m}",
                    title=f"{branch.name}：{flag.name}长期未参加组织生活",
                    body="；".join(flag.facts) + "。请谈话了解原因，按规定处置。",
                    url=reverse("education:record", args=[flag.member_id]),
                    org=branch,
                )
    return written
