from django import template

from dangjian.accounts.access import access_for

from ..models import Sanction

register = template.Library()


@register.inclusion_tag("discipline/_member_sanctions.html", takes_context=True)
def member_sanctions(context, member):
    """A member's sanctions on their record page, for those who may see them (nothing for anyone else)."""
    user = context["request"].user
    visible = (
        Sanction.objects.visible_to(access_for(user)).filter(member=member).order_by("-decided_on", "-id")
    )
    return {
        "member": member,
        "sanctions": list(visible),
        "can_record": user.has_perm("discipline.add_sanction", member.org),
    }
