"""Facts for the engine tests, built by hand: no database."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from dangjian.supervision.facts import ActivityFact, Facts, Presence

TZ = ZoneInfo("Asia/Shanghai")
_ids = itertools.count(1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def act(
    day: dt.date,
    branch: int = 1,
    kind: str = "theme_day",
    hour: int = 9,
    hours: float = 2,
    place: str = "党员活动室",
    text: str = "",
    title: str = "主题",
    late: bool = False,
    recorded: dt.date | None = None,
    start: dt.datetime | None = None,
) -> ActivityFact:
    start = start or at(day, hour)
    return ActivityFact(
        id=next(_ids),
        branch_id=branch,
        kind=kind,
        title=title,
        date=day,
        start=start,
        end=start + dt.timedelta(hours=hours),
        place=place,
        text=text,
        late=late,
        recorded_at=at(recorded, 10) if recorded else None,
    )


def facts(*activities, presences=(), departed=None, scripts=(), turnout=None) -> Facts:
    return Facts(
        {a.id: a for a in activities},
        list(presences),
        dict(departed or {}),
        set(scripts),
        [],
        dict(turnout or {}),
    )


def present(activity, member, method="secretary", entered_at=None, on_leave=False) -> Presence:
    return Presence(activity.id, member, method, entered_at, on_leave)


MINUTES = (
    "<p>三月十日上午在党员活动室召开主题党日，应到二十人，实到十八人。</p><ul><li>集中学习党章有关党员义务的条款。</li>"
    "<li>王强谈到邻里纠纷调解要有人牵头，李红提出村道路灯维修需尽快落实。</li>"
    "<li>会议议定下月开展一次志愿服务，由支部委员分片走访困难党员，两周内完成。</li></ul>"
)


def held(org, day: dt.date, kind="theme_day", minutes="", **kw):
    """A held activity saved through the meetings service, with its minutes."""
    from dangjian.meetings.models import Status
    from tests.meetings.helpers import make_activity

    activity = make_activity(org, kind, start=at(day, kw.pop("hour", 9)), status=Status.HELD, **kw)
    if minutes:
        activity.minutes = minutes
        activity.save(update_fields=["minutes"])
    return activity


def signals_world(w):
    """Branch B copies branch A's minutes; branch A gives a 党课 without a 党课稿. Then computes."""
    from dangjian.supervision.services import compute

    if not hasattr(w, "_signals"):
        original = held(w.branch_a, dt.date(2025, 3, 10), minutes=MINUTES, title="重温入党誓词")
        copy = held(w.branch_b, dt.date(2025, 4, 12), minutes=MINUTES.replace("三月十日", "四月十二日"))
        lecture = held(w.branch_a, dt.date(2025, 5, 20), kind="party_lecture", title="专题党课")
        compute()
        w._signals = {"original": original, "copy": copy, "lecture": lecture}
    return w._signals


def signal_of(w, kind: str):
    from dangjian.supervision.models import Signal

    signals_world(w)
    return Signal.objects.get(kind=kind)
