"""Who may see and change organisational-life records, over `access_for(user)` (see accounts/access.py).

- the branch's 书记/副书记/组织委员 and the office manage its activities; oversight reads;
- a 党建指导员 reads the branches they guide and records the 党课 they give there;
- a 党小组长 records attendance for their group (see services.recordable);
- a member sees their branch's and group's activities (and any they are expected at), signs in, asks leave;
  committee meetings only when they sit on that committee or are expected at it (`access.committee_kinds`).
"""

import rules
from django.db.models import Exists, OuterRef, Q

from dangjian.accounts.access import access_for, committee_kinds

from . import services
from .models import Activity, Attendance


def member_q(access) -> Q:
    if not access.member_id:
        return Q(pk__in=[])
    from dangjian.members.models import Member

    own = Member.objects.filter(pk=access.member_id).values("org_id", "group_id").first() or {}
    attends = Attendance.objects.filter(activity=OuterRef("pk"), member_id=access.member_id)
    committee = Q(kind__in=committee_kinds())
    open_to_members = ~committee & (
        Q(org_id=own.get("org_id")) | Q(org_id=own.get("group_id")) | Q(Exists(attends))
    )
    on_committee = committee & (
        Q(org_id__in=access.committee_orgs) | Q(Exists(attends.filter(expected=True)))
    )
    return open_to_members | on_committee


def visible_activities(user):
    access = access_for(user)
    return Activity.objects.filter(access.org_q("org__") | member_q(access)).select_related("org")


@rules.predicate
def can_view_activity(user, activity) -> bool:
    return activity is not None and visible_activities(user).filter(pk=activity.pk).exists()


@rules.predicate
def can_manage_activity(user, activity) -> bool:
    if activity is None:
        return False
    access = access_for(user)
    return access.can_manage_org(activity.org) or services.is_lecturer(access, activity)


@rules.predicate
def can_record_attendance(user, activity) -> bool:
    return activity is not None and services.entry_method(access_for(user), activity) is not None


@rules.predicate
def can_plan(user) -> bool:
    access = access_for(user)
    return access.is_manager or access.is_instructor


rules.add_perm("meetings.view_activity", can_view_activity)
rules.add_perm("meetings.change_activity", can_manage_activity)
rules.add_perm("meetings.record_attendance", can_manage_activity | can_record_attendance)
rules.add_perm("meetings.add_activity", can_plan)
rules.add_perm("meetings.import_activities", can_plan)
