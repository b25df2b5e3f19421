import datetime as dt

from django.utils import timezone

from dangjian.meetings.models import Activity, AgendaItem, Attendance, AttendanceStatus, Record, Status
from dangjian.members.models import Member
from dangjian.rulebook import rulebook


def held(
    org,
    kind,
    day: dt.date,
    *,
    records=(),
    minutes="<p>会议记录</p>",
    speaker=None,
    allowed=None,
    attended=True,
    parts=None,
    **kw,
):
    """A held activity on `day` with records of the given kinds (written directly, as an import would).

    `attended`: one member of the branch recorded present (else nobody); `parts` default to all the
    item's parts (主题党日)."""
    if parts is None:
        parts = list(rulebook.current().item(kind).parts)
    start = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9))
    activity = Activity.objects.create(
        org=org,
        kind=kind,
        title=kw.pop("title", f"{kind} {day}"),
        planned_start=start,
        planned_end=start + dt.timedelta(hours=2),
        actual_start=start,
        actual_end=start + dt.timedelta(hours=2),
        status=Status.HELD,
        minutes=minutes,
        speaker=speaker,
        parts=parts,
        **{"created_at": start + dt.timedelta(hours=3), **kw},
    )
    if attended:
        branch = org.parent if org.kind == "group" else org
        member = Member.objects.filter(org__in=[org, branch]).order_by("pk").first()
        if member is not None:
            Attendance.objects.create(activity=activity, member=member, status=AttendanceStatus.PRESENT)
    if allowed is not None:
        Activity.objects.filter(pk=activity.pk).update(speaker_allowed=allowed)
    Record.objects.bulk_create(
        [
            Record(activity=activity, kind=k, reference="档案盒1", uploaded_at=activity.created_at)
            for k in records
        ]
    )
    return activity


def vote(activity, eligible: int, present: int) -> AgendaItem:
    return AgendaItem.objects.create(
        activity=activity, title="接收预备党员", eligible=eligible, present=present, votes_for=present
    )
