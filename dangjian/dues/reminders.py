"""Reminders of dues behind, through the outbox: once a month per member."""

import datetime as dt

from django.urls import reverse

from dangjian.notifications import outbox

from . import services


def remind_arrears(org, as_of: dt.date) -> int:
    """Tell each member of `org` who is behind how many months and how much; returns how many were told."""
    sent = 0
    for a in services.arrears(services.active_members(org), as_of):
        first = a.months[0]
        sent += bool(
            outbox.post(
                [a.member.pk],
                key=f"dues-arrears-{as_of:%Y-%m}-{a.member.pk}",
                title=f"党费提醒：您有{len(a.months)}个月的党费未交",
                body=f"自{first.year}年{first.month}月起共{len(a.months)}个月未交清，合计{a.amount}元。请及时向支部交纳或补交。",
                url=reverse("dues:index"),
            )
        )
    return sent
