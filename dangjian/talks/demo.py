"""Demo 谈心谈话 for last year and this year: most secretaries cover most members, with some gaps."""

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from dangjian.accounts.models import User
from dangjian.orgs.choices import COMMITTEE_TITLES, PositionTitle
from dangjian.orgs.models import Position

from .choices import TalkForm, pairing_of
from .models import Talk

# At county scale only one branch in this many gets talks, without change-log rows: enough to look at
# and to measure, cheap to build.
SCALE_STRIDE = 20
TOPICS = [
    "交流近期思想状况和工作生活情况，听取对支部工作的意见建议。",
    "围绕学习贯彻党的创新理论谈体会，查找自身差距。",
    "了解家庭困难和实际需求，鼓励发挥先锋模范作用。",
    "就参加组织生活、按时交纳党费等情况交换意见。",
    "对照党员标准谈认识，交流改进作风的打算。",
]
OPINIONS = ["建议组织生活形式更加多样。", "希望多组织志愿服务活动。", "建议加强对年轻党员的培养。", ""]
FOLLOW_UPS = ["帮助联系就业岗位。", "协调解决灌溉用水问题。", "安排参加下月党课。", ""]
FORMS = [TalkForm.IN_PERSON, TalkForm.PHONE, TalkForm.VIDEO, TalkForm.OTHER]


def populate(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    branches = ctx.branches[::SCALE_STRIDE] if ctx.scale else ctx.branches
    posts = Position.objects.filter(org__in=branches, title__in=COMMITTEE_TITLES, ended_on__isnull=True)
    secretary, started, committee = {}, {}, defaultdict(set)
    for org_id, member_id, title, since in posts.values_list("org_id", "member_id", "title", "started_on"):
        committee[org_id].add(member_id)
        if title == PositionTitle.SECRETARY:
            secretary[org_id], started[org_id] = member_id, since
    accounts = dict(User.objects.filter(member_id__in=secretary.values()).values_list("member_id", "pk"))
    members = defaultdict(list)
    for m in ctx.members:
        members[m.org_id].append(m)
    now = timezone.now()
    rows = []

    def talk(branch, a, b, on: dt.date, late: bool = False) -> None:
        delay = rng.randint(35, 90) if late else rng.randint(0, 6)
        entered = dt.datetime.combine(on + dt.timedelta(days=delay), dt.time(rng.randint(8, 20)))
        opinions, follow_up = rng.choice(OPINIONS), rng.choice(FOLLOW_UPS)
        rows.append(
            Talk(
                org=branch,
                initiator_id=a,
                partner_id=b,
                talked_on=on,
                pairing=pairing_of(a in committee[branch.pk], b in committee[branch.pk]),
                form=rng.choices(FORMS, weights=[70, 20, 5, 5])[0],
                topics=rng.choice(TOPICS),
                opinions=opinions,
                follow_up=follow_up,
                follow_up_done=bool(follow_up) and (on.year < today.year or rng.random() < 0.6),
                before_review_year=on.year - 1 if on.month <= 2 and rng.random() < 0.5 else None,
                created_by_id=accounts.get(secretary[branch.pk]),
                created_at=min(timezone.make_aware(entered), now),
            )
        )

    for year in (today.year - 1, today.year):
        last = min(dt.date(year, 12, 31), today)
        for branch in branches:
            sec = secretary.get(branch.pk)
            first = max(dt.date(year, 1, 1), branch.founded_on, started.get(branch.pk, today))
            if sec is None or first > last:
                continue
            days = (last - first).days
            share = rng.uniform(0.8, 1.0) if year < today.year else rng.uniform(0.5, 0.95)
            # Members no longer active were still there last year.
            others = [m for m in members[branch.pk] if m.pk != sec and (m.is_active or year < today.year)]
            for m in rng.sample(others, round(len(others) * share)):
                on = first + dt.timedelta(days=rng.randint(0, days))
                if on >= m.joined_on:
                    a, b = (sec, m.pk) if rng.random() < 0.85 else (m.pk, sec)
                    talk(branch, a, b, on, late=rng.random() < 0.05)
            # A few talks between committee members and between members.
            leaders = sorted(committee[branch.pk] - {sec})
            if len(leaders) >= 2:
                talk(branch, leaders[0], leaders[1], first + dt.timedelta(days=rng.randint(0, days)))
            if len(others) >= 2:
                a, b = rng.sample(others, 2)
                on = first + dt.timedelta(days=rng.randint(0, days))
                if on >= max(a.joined_on, b.joined_on):
                    talk(branch, a.pk, b.pk, on)
    if ctx.scale:
        Talk.objects.bulk_create(rows, batch_size=1000)
    else:
        bulk_create_with_history(rows, Talk, batch_size=1000)
