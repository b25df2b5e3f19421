from django import template
from django.core.exceptions import PermissionDenied

from dangjian.accounts.access import access_for

from .. import services
from ..choices import SignalKind

register = template.Library()


@register.inclusion_tag("supervision/_dashboard_counts.html", takes_context=True)
def signal_counts(context):
    """Open risk signals per kind, for the dashboard of those who may read them (nothing for others)."""
    try:
        signals = services.visible(access_for(context["request"].user))
    except PermissionDenied:
        return {"signal_counts": None}
    return {"signal_counts": [(SignalKind(k), n) for k, n in services.counts_by_kind(signals).items()]}


@register.inclusion_tag("supervision/_activity_review.html", takes_context=True)
def review_panel(context, activity):
    """The review state of an activity's records, for its page: to the reviewers, 上级 and the branch's
    leaders; with the button to start a review (reviewers) when none is unfinished."""
    from .. import reviewing

    access = access_for(context["request"].user)
    if not access.review_read_paths or not any(
        activity.org.path.startswith(p) for p in access.review_read_paths
    ):
        return {"shown": False}
    current = reviewing.latest(activity)
    can_start = (
        access.can_review_org(activity.org)
        and activity.status == "held"
        and (current is None or current.state == "passed")
    )
    return {
        "shown": True,
        "review": current,
        "activity": activity,
        "can_start": can_start,
        "csrf_token": context.get("csrf_token"),
    }
