import datetime as dt

from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import Activity, Status


def make_activity(
    org, kind="theme_day", start=None, hours=2, status=Status.PLANNED, user=None, notify=False, **kw
):
    """An activity starting in ten minutes (unless told), saved through the service like the pages do."""
    start = start or timezone.now() + dt.timedelta(minutes=10)
    activity = Activity(
        org=org,
        kind=kind,
        title=kw.pop("title", "学习党的二十届四中全会精神"),
        planned_start=start,
        planned_end=start + dt.timedelta(hours=hours),
        status=status,
        **kw,
    )
    if status == Status.HELD:
        activity.actual_start, activity.actual_end = activity.planned_start, activity.planned_end
    return services.save_activity(activity, user, notify=notify)
