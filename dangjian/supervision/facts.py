"""The facts the signals are computed from, read in a fixed number of queries whatever the town's size."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Min, Q
from django.utils import timezone

from dangjian.meetings.models import ATTENDED, Activity, Attendance, Record, Status
from dangjian.members.choices import DEPARTED_STATUSES
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind

from .config import Thresholds
from .text import plain
from .uploaded import MINUTES_KIND


@dataclass(frozen=True)
class ActivityFact:
    id: int
    branch_id: int  # the branch (a 党小组's activities count for its branch)
    kind: str
    title: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    place: str
    text: str  # the minutes' visible text
    late: bool  # 补录
    recorded_at: dt.datetime | None


@dataclass(frozen=True)
class Presence:
    """A member recorded present (or late) at an activity."""

    activity_id: int
    member_id: int
    method: str
    entered_at: dt.datetime | None
    on_leave: bool  # the member's leave for this activity was approved


@dataclass(frozen=True)
class Photo:
    record_id: int
    activity_id: int
    phash: int  # 64-bit perceptual hash


@dataclass(frozen=True)
class PhotoDay:
    record_id: int
    activity_id: int
    taken_on: dt.date  # from the photo's EXIF, read at upload


@dataclass
class Facts:
    activities: dict[int, ActivityFact]
    presences: list[Presence]
    departed: dict[int, dt.date]  # member -> the day they left the party (出党, 死亡)
    lecture_scripts: set[int] = field(default_factory=set)  # activities with a 党课稿 record
    photos: list[Photo] = field(default_factory=list)
    turnout: dict[int, tuple[int, int]] = field(default_factory=dict)  # activity -> (expected, present)
    taken: list[PhotoDay] = field(default_factory=list)


def read(thresholds: Thresholds, activities=None) -> Facts:
    """Held activities (all, or the given queryset), their presences, photos and turnout: five queries."""
    held = (activities if activities is not None else Activity.objects.all()).filter(status=Status.HELD)
    rows = held.values_list(
        "pk",
        "org_id",
        "org__kind",
        "org__parent_id",
        "kind",
        "title",
        "date",
        "actual_start",
        "planned_start",
        "actual_end",
        "planned_end",
        "place",
        "minutes",
        "is_late_entry",
        "recorded_at",
    ).order_by()
    found: dict[int, ActivityFact] = {}
    for pk, org, org_kind, parent, kind, title, date, a_start, p_start, a_end, p_end, place, *rest in rows:
        minutes, late, recorded_at = rest
        found[pk] = ActivityFact(
            id=pk,
            branch_id=parent if org_kind == OrgKind.GROUP else org,
            kind=kind,
            title=title.strip(),
            date=date,
            start=a_start or p_start,
            end=a_end or p_end,
            place=place.strip(),
            text=plain(minutes),
            late=late,
            recorded_at=recorded_at,
        )
    # Presences, and per activity the members expected and how many of them were present: one query.
    presences = []
    turnout: dict[int, tuple[int, int]] = {}
    for activity, member, method, entered_at, leave_state, status, expected in (
        Attendance.objects.filter(Q(status__in=ATTENDED) | Q(expected=True), activity__in=held)
        .order_by()
        .values_list("activity_id", "member_id", "method", "entered_at", "leave_state", "status", "expected")
    ):
        attended = status in ATTENDED
        if attended:
            presences.append(Presence(activity, member, method, entered_at, leave_state == "approved"))
        if expected:
            was = turnout.get(activity, (0, 0))
            turnout[activity] = (was[0] + 1, was[1] + attended)
    # The day a member left: the first history row with a departed status (one grouped query).
    departed = {
        member: timezone.localdate(when)
        for member, when in Member.history.filter(status__in=DEPARTED_STATUSES)
        .values_list("id")
        .annotate(first=Min("history_date"))
        .order_by()
    }
    thin = thresholds.thin_content
    # The 党课稿 records, and the text of minutes uploaded as .docx/.pdf (joined to the typed minutes, so a
    # copy kept as a file is compared too): one query.
    scripts: set[int] = set()
    files: dict[int, list[str]] = defaultdict(list)
    for activity, kind, text in (
        Record.objects.filter(activity__in=held)
        .filter(
            Q(kind=thin.lecture_script, activity__kind=thin.lecture_kind)
            | Q(kind=MINUTES_KIND, removed_at__isnull=True, extracted__isnull=False)
        )
        .order_by("pk")
        .values_list("activity_id", "kind", "extracted__text")
    ):
        if kind == thin.lecture_script:
            scripts.add(activity)
        elif text and text.strip():
            files[activity].append(" ".join(text.split()))
    for activity, texts in files.items():
        if activity in found:
            found[activity] = replace(found[activity], text=" ".join([found[activity].text, *texts]).strip())
    # Photos: their perceptual hash (computed after upload) and the day their EXIF gave (read at upload).
    photos, taken = [], []
    for record, activity, value, day in (
        Record.objects.filter(activity__in=held)
        .filter(Q(photo_hash__isnull=False) | Q(taken__isnull=False))
        .order_by()
        .values_list("pk", "activity_id", "photo_hash__phash", "taken__taken_on")
    ):
        if value:
            photos.append(Photo(record, activity, int(value, 16)))
        if day:
            taken.append(PhotoDay(record, activity, day))
    return Facts(found, presences, departed, scripts, photos, turnout, taken)
