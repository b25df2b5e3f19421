from django import template
from django.utils import timezone

from dangjian.accounts.access import access_for
from dangjian.orgs.choices import OrgKind

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("compliance/_home_todo.html", takes_context=True)
def compliance_todo(context):
    """The to-do list of the branches the user runs, for the home page."""
    from ..services import todo

    request = context.get("request")
    access = access_for(request.user) if request else None
    if not access or not access.manage or access.is_office:
        return {"items": []}
    today = timezone.localdate()
    items = []
    for org in access.manageable_orgs().filter(kind=OrgKind.BRANCH).order_by("path")[:5]:
        items.extend((org, v) for v in todo(org, today))
    return {"items": items}
