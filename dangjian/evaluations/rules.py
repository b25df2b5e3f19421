"""Who may see and do what in 民主评议党员, as `rules` predicates (imported from the AppConfig)."""

import rules
from django.db.models import Q

from dangjian.accounts.access import access_for


def member_org_id(access) -> int | None:
    from dangjian.members.models import Member

    if not access.member_id:
        return None
    return Member.objects.filter(pk=access.member_id).values_list("org_id", flat=True).first()


def visible_campaigns(user):
    """The campaigns a user may open: those of organisations they read, and their own branch's."""
    from .models import Campaign

    access = access_for(user)
    q = access.org_q("org__")
    own = member_org_id(access)
    if own:
        q |= Q(org_id=own) & ~Q(status=Campaign.Status.DRAFT)
    return Campaign.objects.filter(q).select_related("org")


@rules.predicate
def manages_campaign(user, campaign) -> bool:
    return campaign is not None and access_for(user).can_manage_org(campaign.org)


@rules.predicate
def reads_campaign_org(user, campaign) -> bool:
    return campaign is not None and access_for(user).can_view_org(campaign.org)


@rules.predicate
def can_read_self_evaluation(user, record) -> bool:
    """Own record; readers of the branch; other members of the campaign only after the 党员大会."""
    if record is None:
        return False
    access = access_for(user)
    if record.member_id == access.member_id or access.can_view_org(record.campaign.org):
        return True
    return (
        record.submitted
        and record.campaign.meeting_held
        and record.campaign.participants.filter(member_id=access.member_id).exists()
    )


rules.add_perm("evaluations.manage_campaign", manages_campaign)
rules.add_perm("evaluations.view_results", reads_campaign_org)
rules.add_perm("evaluations.view_self_evaluation", can_read_self_evaluation)
