import datetime as dt

from django.db import transaction

from dangjian.orgs.models import Organisation, Position

from .models import Member, Transfer


@transaction.atomic
def transfer(member: Member, to_org: Organisation, on: dt.date, reason: str, by) -> Transfer:
    """Move a member to another branch in the town (组织关系转接), keeping the move on record."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    record = Transfer.objects.create(
        member=member, from_org=member.org, to_org=to_org, transferred_on=on, reason=reason, created_by=by
    )
    member.org = to_org
    member.group = None  # the old branch's 党小组 does not follow the member
    if member.dual_org_id == to_org.pk:
        member.dual_org = None
    member.save()
    end_posts_in(member.pk, record.from_org, on)
    return record


def end_posts_in(member_id: int, old_org: Organisation, on: dt.date) -> None:
    """Posts in the branch a member leaves (and its 党小组) end with the move; those held elsewhere stay."""
    current = Position.objects.current(on).filter(member_id=member_id, org__path__startswith=old_org.path)
    for position in current:
        position.ended_on = max(on, position.started_on)
        position.save()
