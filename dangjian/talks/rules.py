"""Object permissions for 谈心谈话, as `rules` predicates over `access_for(user)`.

The branch's 书记/副书记/组织委员 and the 党建办 manage its talks; a 党建指导员 and the 上级党委 read them;
a member sees the talks they took part in and records talks they had with another member of their branch.
"""

import rules

from dangjian.accounts.access import access_for
from dangjian.accounts.rules import can_manage_org, can_view_org


def _takes_part(access, talk) -> bool:
    return access.member_id is not None and access.member_id in talk.participant_ids()


@rules.predicate
def can_view_talk(user, talk) -> bool:
    access = access_for(user)
    return talk is not None and (access.can_view_org(talk.org) or _takes_part(access, talk))


@rules.predicate
def can_change_talk(user, talk) -> bool:
    access = access_for(user)
    if talk is None:
        return False
    # The member who entered a talk they took part in may correct it.
    return access.can_manage_org(talk.org) or (_takes_part(access, talk) and talk.created_by_id == user.pk)


@rules.predicate
def can_record_in(user, org) -> bool:
    access = access_for(user)
    if org is None:
        return False
    return access.can_manage_org(org) or (access.member_id is not None and user.member.org_id == org.pk)


rules.add_perm("talks.view_talk", can_view_talk)
rules.add_perm("talks.change_talk", can_change_talk)
rules.add_perm("talks.add_talk", can_record_in)  # object: the branch the talk belongs to
# object: the branch; may record talks they did not take part in
rules.add_perm("talks.record_for_others", can_manage_org)
rules.add_perm("talks.view_coverage", can_view_org)  # object: the branch
