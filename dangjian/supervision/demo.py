"""Deliberate 走过场 cases in the demo town, after the meetings demo: one branch copies its minutes (and
uploads one photo twice), one holds its meetings bunched on the last day of the month, one has members
present at two overlapping activities in different places. The other branches are honest and get no
signal of these kinds. Then the signals are computed, so the desk is not empty."""

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

from dangjian.meetings.models import Activity, Status
from dangjian.meetings.services import store_record
from dangjian.orgs.choices import OrgKind

from . import review_demo
from .services import compute

COPY_MONTHS = 4  # the copying branch's last few 主题党日 minutes are last month's, date changed
BUNCH_MONTHS = 5  # the bunching branch's last few months are crammed into the month's last day
PHOTO_KIND = "activity_photos"


def _branch_activities(branch) -> list[Activity]:
    held = Activity.objects.filter(status=Status.HELD).order_by("date", "pk")
    return list(held.filter(org=branch)) + list(held.filter(org__parent=branch, org__kind=OrgKind.GROUP))


def _last_day(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _move(a: Activity, day: dt.date, hour: int) -> None:
    """Hold `a` on `day` at `hour` instead, its sign-ins moved along."""
    start = timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))
    shift, length = start - a.start, a.end - a.start
    a.planned_start = a.actual_start = start
    a.planned_end = a.actual_end = start + length
    a.fill_derived()
    signed = a.attendance.filter(method="qr", entered_at__isnull=False)
    signed.update(entered_at=F("entered_at") + shift)


def copy_minutes(branch) -> list[Activity]:
    days = [a for a in _branch_activities(branch) if a.kind == "theme_day" and a.minutes]
    days = days[-(COPY_MONTHS + 1) :]
    changed = []
    for source, copy in zip(days, days[1:], strict=False):
        copy.minutes = source.minutes.replace(
            f"{source.date:%Y年%-m月%-d日}", f"{copy.date:%Y年%-m月%-d日}"
        ).replace(source.title, copy.title)
        changed.append(copy)
    Activity.objects.bulk_update(changed, ["minutes"])
    return changed


def bunch_at_month_end(branch, today: dt.date) -> list[Activity]:
    by_month: dict[tuple[int, int], list[Activity]] = {}
    for a in _branch_activities(branch):
        if _last_day(a.date) < today:
            by_month.setdefault((a.date.year, a.date.month), []).append(a)
    changed = []
    for found in list(by_month.values())[-BUNCH_MONTHS:]:
        hour = 8
        for a in found:  # one after the other on the last day, so nobody is in two places at once
            _move(a, _last_day(a.date), hour)
            hour += 3
            changed.append(a)
    moved = ["planned_start", "planned_end", "actual_start", "actual_end", "date"]
    Activity.objects.bulk_update(changed, moved)
    return changed


def overlap(branch) -> list[Activity]:
    """A 党小组会 recorded at the same hour as the branch's 主题党日, in another place, members in both."""
    found = _branch_activities(branch)
    theme = next(a for a in reversed(found) if a.kind == "theme_day")
    group = next(a for a in reversed(found) if a.kind == "group_meeting")
    _move(group, theme.date, timezone.localtime(theme.start).hour + 1)
    group.place = "村部二楼会议室" if theme.place != "村部二楼会议室" else "党员活动室"
    group.save()
    present = {"status": "present", "leave_state": "", "leave_reason": ""}
    group.attendance.update(method="secretary", **present)
    theme.attendance.filter(member_id__in=group.attendance.values("member_id")).update(**present)
    return [theme, group]


def sample_photo(rng: random.Random, size=(800, 600), quality: int = 90) -> bytes:
    """A made-up JPEG "photo": coloured shapes on a background, different for every random state."""
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    w, h = size
    for _ in range(12):
        x, y = rng.randrange(w), rng.randrange(h)
        box = [x, y, x + rng.randint(w // 10, w // 2), y + rng.randint(h // 10, h // 2)]
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def resized(photo: bytes, scale: float = 0.5, quality: int = 70) -> bytes:
    """The same photo smaller and compressed again, as a phone's second upload would be."""
    with Image.open(io.BytesIO(photo)) as image:
        small = image.resize((int(image.width * scale), int(image.height * scale)))
        out = io.BytesIO()
        small.save(out, "JPEG", quality=quality)
        return out.getvalue()


def reuse_photo(branch, rng: random.Random) -> list[Activity]:
    """The branch's 主题党日 photo of one month uploaded again, smaller, for a later 主题党日."""
    days = [a for a in _branch_activities(branch) if a.kind == "theme_day"][-3:]
    photo = sample_photo(rng)
    first, later = days[0], days[-1]
    store_record(first, PHOTO_KIND, SimpleUploadedFile("活动照片.jpg", photo, "image/jpeg"), None)
    store_record(later, PHOTO_KIND, SimpleUploadedFile("活动照片.jpg", resized(photo), "image/jpeg"), None)
    return [first, later]


def deliberate_branches(branches) -> dict[str, object]:
    """Which demo branches carry the deliberate cases: the first ones, by code, that have what each
    case needs (党小组 for the overlap)."""
    with_groups = [b for b in branches if b.children.filter(kind=OrgKind.GROUP).exists()]
    overlapping = with_groups[0]
    rest = [b for b in sorted(branches, key=lambda b: b.code) if b != overlapping]
    return {"copied_minutes": rest[0], "bunching": rest[1], "impossible_attendance": overlapping}


def populate(ctx) -> None:
    if ctx.scale:
        return  # county scale: no minutes are written there; the benchmark makes its own cases
    cases = deliberate_branches(sorted(ctx.branches, key=lambda b: b.code))
    copy_minutes(cases["copied_minutes"])
    reuse_photo(cases["copied_minutes"], random.Random(ctx.rng.random()))
    bunch_at_month_end(cases["bunching"], ctx.today)
    overlap(cases["impossible_attendance"])
    compute()
    review_demo.populate(ctx)
    from .rounds import demo as rounds_demo

    rounds_demo.populate(ctx)  # a finished 督查 round, sampled from the signals just computed
