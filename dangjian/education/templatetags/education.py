from django import template
from django.utils import timezone

from dangjian.accounts.access import access_for

from .. import services

register = template.Library()


@register.inclusion_tag("education/_record.html", takes_context=True)
def member_life(context, member):
    """This year's 组织生活记录 on the member's page, for those who may read it (nothing for anyone else)."""
    if not access_for(context["request"].user).can_read_member_life(member):
        return {}
    return {"member": member, "record": services.member_record(member, timezone.localdate().year)}
