"""One finished 督查 round in the demo town, after the signals: five branches sampled from the risk signals
and verdicts, the office inspecting with one member appointed for the round, an unannounced 列席, findings
of every result (one with a photo), and 整改 in each state: open, answered, returned, accepted and overdue."""

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.accounts.access import Access
from dangjian.accounts.models import User
from dangjian.meetings.models import Activity, Status

from . import services
from .choices import Result, StepAction
from .models import Finding, Rectification, Round

SEED = 20260615  # the round's stored seed: the same sample every time the demo is built
SIZE = 5
RULES = ["committee_meeting", "general_meeting", "party_lecture", "theme_day", "heart_talk"]
# The 整改 states shown, in the order the 不符合 findings are made.
STATES = ["open", "answered", "returned", "accepted", "overdue"]
NOTES = {
    Result.CONFORMING: "",
    Result.PARTLY: "会议记录有，但讨论情况记得过简，看不出谁发表了什么意见。",
    Result.NONCONFORMING: "检查期间缺少两个月的会议记录，支部解释为“开了没记”。",
}


def _results(rng: random.Random, branches: int) -> list[list[str]]:
    """A result per branch and checklist item: mostly 符合, some 基本符合, one 不符合 per state."""
    grid = [
        [Result.CONFORMING if rng.random() < 0.7 else Result.PARTLY for _ in RULES] for _ in range(branches)
    ]
    for i in range(len(STATES)):
        grid[i % branches][(i * 2 + 1) % len(RULES)] = Result.NONCONFORMING
    return grid


def _inspector(branches) -> User | None:
    """The demo's plain member login, appointed for the round where they need not step aside."""
    user = User.objects.filter(username="dangyuan").select_related("member__org").first()
    if user is None:
        return None
    for b in branches:
        if services.conflict_of(user, b, timezone.localdate()) is None:
            return user
    return None


def populate(ctx) -> None:
    if ctx.scale:
        return
    office = User.objects.get(username="dangjianban")
    today = ctx.today
    start = dt.date(today.year, 1, 1)
    end = max(start, today - dt.timedelta(days=40))
    r = services.create_round(
        office,
        ctx.town,
        f"{today.year}年组织生活专项督查",
        start,
        end,
        ["records", "attend", "site", "talk"],
        size=SIZE,
        seed=SEED,
        as_of=today,
    )
    branches = [s.org for s in r.sample.select_related("org")]
    member = _inspector(branches)
    for b in branches:
        services.assign(r, b, office, office)
    if member is not None:
        branch = next(b for b in branches if services.conflict_of(member, b, timezone.localdate()) is None)
        services.assign(r, branch, member, office)
    rng = random.Random(ctx.rng.random())
    held = Activity.objects.filter(status=Status.HELD, date__gte=start, date__lte=end)
    visited = held.filter(org=branches[0]).order_by("-date").first()
    visit = (
        services.record_visit(r, branches[0], visited, False, "不打招呼列席，到会人数与签到表一致。", office)
        if visited
        else None
    )
    items = {i.rule: i for i in r.items.all()}
    from ..demo import sample_photo

    grid = _results(rng, len(branches))
    nonconforming: list[Finding] = []
    for b, row in zip(branches, grid, strict=True):
        for rule, result in zip(RULES, row, strict=True):
            photos = []
            if result == Result.NONCONFORMING and not nonconforming:
                photos = [SimpleUploadedFile("现场.jpg", sample_photo(rng), "image/jpeg")]
            f = services.record_finding(
                r,
                b,
                services.FindingInput(
                    item_id=items[rule].pk,
                    result=result,
                    notes=NOTES[result],
                    visit_id=visit.pk if visit and b == branches[0] else None,
                    photos=photos,
                ),
                office,
            )
            if result == Result.NONCONFORMING:
                nonconforming.append(f)
    _rectify(r, nonconforming, office, today)
    services.close_round(r)
    _date_it(r, end, today)


def _rectify(r: Round, findings: list[Finding], office: User, today: dt.date) -> None:
    desk = Access(manage=(r.org.path,), view=(r.org.path,), is_office=True)
    for f, state in zip(findings, STATES, strict=False):
        rect = f.rectification
        branch = Access(manage=(f.org.path,), view=(f.org.path,))
        deadline = today + dt.timedelta(days=20) if state != "overdue" else today - dt.timedelta(days=10)
        Rectification.objects.filter(pk=rect.pk).update(deadline=deadline)
        if state in ("answered", "returned", "accepted"):
            services.act(
                rect, StepAction.ANSWER, "已补齐缺失的会议记录，并在支部委员会上作了说明。", None, branch
            )
        if state == "returned":
            services.act(rect, StepAction.RETURN, "补写的记录没有参会人员签字，请补正。", office, desk)
        if state == "accepted":
            services.act(rect, StepAction.ACCEPT, "经查阅，记录已补齐。", office, desk)


def _date_it(r: Round, end: dt.date, today: dt.date) -> None:
    """The round as it happened: inspected in the fortnight after its period, closed a week later."""
    tz = timezone.get_current_timezone()
    found = dt.datetime.combine(end + dt.timedelta(days=7), dt.time(10), tz)
    Round.objects.filter(pk=r.pk).update(
        created_at=dt.datetime.combine(end, dt.time(9), tz), closed_at=found + dt.timedelta(days=7)
    )
    Finding.objects.filter(round=r).update(found_at=found)
