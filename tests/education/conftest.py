import datetime as dt

import pytest
from django.utils import timezone

from dangjian.meetings.models import Activity, Attendance, Status


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def held():
    """A held activity of `org` on `day` lasting `hours`, with `present` attending and `absent` expected."""

    def make(org, day, hours=2.0, present=(), absent=(), kind="party_lecture", parts=(), leave=()):
        start = at(day, 9)
        activity = Activity.objects.create(
            org=org,
            kind=kind,
            title=f"{kind} {day}",
            planned_start=start,
            planned_end=start + dt.timedelta(hours=hours),
            status=Status.HELD,
            parts=list(parts),
        )
        for member in present:
            Attendance.objects.create(activity=activity, member=member, status="present")
        for member in absent:
            Attendance.objects.create(activity=activity, member=member, status="absent")
        for member in leave:
            Attendance.objects.create(
                activity=activity, member=member, status="leave", leave_state="approved"
            )
        return activity

    return make
