"""Object permissions for 党纪处分, as `rules` predicates over `access_for(user)`.

Sanctions are sensitive: they are read by those who run the member's branch (书记、副书记、组织委员 and,
for the whole town, the 党建办) and by the 上级党委 for its subtree; a member sees only their own.
党建指导员 and 党小组长 do not read them. Sanctions are decided by the 上级党委 or its 纪委; they are
recorded and corrected by the branch's 书记/副书记/组织委员 or the 党建办 (who run the branch).
"""

import rules
from django.db.models import QuerySet

from dangjian.accounts.access import access_for
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation


def reader_paths(access) -> tuple[str, ...]:
    """The subtrees whose sanctions the user reads."""
    return access.view if access.is_oversight else access.manage


def readable_orgs(access) -> QuerySet[Organisation]:
    """The organisations (not 党小组) whose 违纪党员清单 the user reads."""
    return Organisation.objects.filter(access.org_q(paths=reader_paths(access))).exclude(kind=OrgKind.GROUP)


def _reads_org(access, org) -> bool:
    return org is not None and any(org.path.startswith(p) for p in reader_paths(access))


@rules.predicate
def can_read_list(user, org) -> bool:
    return _reads_org(access_for(user), org)


@rules.predicate
def can_view_sanction(user, sanction) -> bool:
    access = access_for(user)
    return sanction is not None and (
        _reads_org(access, sanction.org)
        or _reads_org(access, sanction.member.org)
        or sanction.member_id == access.member_id
    )


@rules.predicate
def can_record_in(user, org) -> bool:
    return org is not None and access_for(user).can_manage_org(org)


@rules.predicate
def can_change_sanction(user, sanction) -> bool:
    access = access_for(user)
    return sanction is not None and (
        access.can_manage_org(sanction.org) or access.can_manage_member(sanction.member)
    )


rules.add_perm("discipline.view_list", can_read_list)  # object: the organisation
rules.add_perm("discipline.view_sanction", can_view_sanction)
rules.add_perm("discipline.add_sanction", can_record_in)  # object: the branch
rules.add_perm("discipline.change_sanction", can_change_sanction)
