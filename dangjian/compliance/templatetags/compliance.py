from django import template
from django.utils import timezone

from dangjian.accounts.access import access_for
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("compliance/_home_todo.html", takes_context=True)
def compliance_todo(context):
    """The to-do list of every branch the user runs and every 党小组 they lead, grouped by branch."""
    from ..services import todo_by_branch

    request = context.get("request")
    access = access_for(request.user) if request else None
    if not access or access.is_office or not (access.manage or access.lead_groups):
        return {"branches": []}
    today = timezone.localdate()
    run = access.manageable_orgs().filter(path__in=access.manage).exclude(kind=OrgKind.GROUP)
    led = Organisation.objects.filter(pk__in=access.lead_groups).exclude(access.org_q(paths=access.manage))
    branches = todo_by_branch(run.order_by("path"), today) + todo_by_branch(led, today, linked=False)
    return {"branches": branches, "manage": bool(access.manage)}
