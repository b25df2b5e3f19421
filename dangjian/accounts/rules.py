"""Object permissions as `rules` predicates over `access_for(user)`; `user.has_perm(name, obj)` asks these."""

import rules

from .access import access_for


@rules.predicate
def can_view_org(user, org) -> bool:
    return org is not None and access_for(user).can_view_org(org)


@rules.predicate
def can_manage_org(user, org) -> bool:
    return org is not None and access_for(user).can_manage_org(org)


@rules.predicate
def can_view_member(user, member) -> bool:
    return member is not None and access_for(user).can_view_member(member)


@rules.predicate
def can_manage_member(user, member) -> bool:
    return member is not None and access_for(user).can_manage_member(member)


@rules.predicate
def can_see_sensitive(user, member) -> bool:
    return member is not None and access_for(user).can_see_sensitive(member)


@rules.predicate
def is_manager(user) -> bool:
    return access_for(user).is_manager


rules.add_perm("orgs.view_organisation", can_view_org)
rules.add_perm("orgs.change_organisation", can_manage_org)
rules.add_perm("orgs.manage_positions", can_manage_org)
rules.add_perm("members.add_member", can_manage_org)  # object: the organisation it goes into
rules.add_perm("members.view_member", can_view_member)
rules.add_perm("members.change_member", can_manage_member)
rules.add_perm("members.view_sensitive", can_see_sensitive)
rules.add_perm("members.import_members", is_manager)
rules.add_perm("accounts.manage_account", can_manage_member)
