"""Who may see and change organisational-life records, over `access_for(user)` (see accounts/access.py).

- the branch's 书记/副书记/组织委员 and the office manage its activities; oversight reads;
- a 党建指导员 reads the branches they guide and records the 党课 they give there;
- a 党小组长 records attendance for their group (see services.recordable);
- a member sees their branch's and group's activities (and any they are expected at), signs in, asks leave;
  committee meetings only when they sit on that committee or are expected at it (`access.committee_kinds`).
"""

import rules
from django.db.models import Q

from dangjian.accounts.access import access_for, committee_kinds

from . import services
from .models import Activity, Attendance


def member_ids(access):
    """Ids of the activities a member sees as a member (not through a post): their branch's and group's,
    any they are expected at; a 支部委员会 only on their committee or when expected. One UNION of
    index lookups, so a county's activities are never scanned for one member."""
    if not access.member_id:
        return Activity.objects.none().order_by().values("pk")
    from dangjian.members.models import Member

    own = Member.objects.filter(pk=access.member_id).values("org_id", "group_id").first() or {}
    committee = committee_kinds()
    attended = Attendance.objects.order_by().filter(member_id=access.member_id)
    activities = Activity.objects.order_by()
    return (
        activities.filter(org_id__in=[own.get("org_id"), own.get("group_id")])
        .exclude(kind__in=committee)
        .values("pk")
        .union(
            attended.exclude(activity__kind__in=committee).values("activity_id"),
            attended.filter(expected=True, activity__kind__in=committee).values("activity_id"),
            activities.filter(org_id__in=access.committee_orgs, kind__in=committee).values("pk"),
        )
    )


def visible_activities(user):
    """The activities the user may see. The organisations they read and the activities they see as a
    member are read first as two short id lists (index look-ups), so that the database combines index
    scans, or walks the list's date index and stops at a page, instead of joining a county's
    activities against a subquery (which PostgreSQL answers with a sequential scan)."""
    access = access_for(user)
    if access.sees_everything:
        return Activity.objects.select_related("org")
    orgs = list(access.visible_orgs().values_list("pk", flat=True)) if access.view else []
    own = [row["pk"] for row in member_ids(access)]
    if not orgs and not own:
        return Activity.objects.none()
    return Activity.objects.filter(Q(org_id__in=orgs) | Q(pk__in=own)).select_related("org")


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
