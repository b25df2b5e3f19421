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
