"""Demo 党纪处分: a 留党察看一年 running now in the demo 书记's branch, and a 警告 in the demo 组织委员's."""

import datetime as dt

from dangjian.accounts.models import User
from dangjian.members.choices import Category, Status
from dangjian.orgs.models import Position

from .models import Sanction

DECIDED_BY = "中共神鼎山镇纪律检查委员会"
PLANS = [
    # (the demo login whose branch it is in, level, decided this many days ago, facts)
    (
        "shuji",
        "probation_1",
        120,
        "违反组织纪律，在村级事务中不按规定程序办事，造成不良影响；经镇纪委审理，给予留党察看一年处分。",
    ),
    ("zuzhi", "warning", 60, "违反廉洁纪律，违规接受宴请；本人认错态度较好，给予党内警告处分。"),
]


def populate(ctx) -> None:
    office = User.objects.filter(kind=User.Kind.OFFICE, scope_org=ctx.town).first()
    branch_of = dict(
        User.objects.filter(username__in=[p[0] for p in PLANS]).values_list("username", "member__org_id")
    )
    busy = set(Position.objects.values_list("member_id", flat=True))
    busy |= set(User.objects.exclude(member=None).values_list("member_id", flat=True))
    for number, (username, level, days_ago, facts) in enumerate(PLANS, start=1):
        decided_on = ctx.today - dt.timedelta(days=days_ago)
        member = next(
            (
                m
                for m in ctx.members
                if m.org_id == branch_of.get(username)
                and m.pk not in busy
                and m.status == Status.NORMAL
                and m.category == Category.FULL
                and m.joined_on < decided_on
            ),
            None,
        )
        if member is not None:
            sanction = Sanction(
                member=member,
                level=level,
                decided_on=decided_on,
                decided_by=DECIDED_BY,
                document_no=f"鼎纪发〔{decided_on.year}〕{number}号",
                facts=facts,
                created_by=office,
            )
            sanction._history_user = office  # the change log names who entered it, as a page would
            sanction.save()
