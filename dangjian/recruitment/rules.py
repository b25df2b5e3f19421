"""Object permissions for 发展党员 files, as `rules` predicates over `access.can_handle_applicants`."""

import rules
from django.db.models import QuerySet

from dangjian.accounts.access import access_for
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation


def board_orgs(access) -> QuerySet[Organisation]:
    """The organisations (not 党小组) whose pipeline board the user reads."""
    return Organisation.objects.filter(access.org_q(paths=access.manage)).exclude(kind=OrgKind.GROUP)


@rules.predicate
def can_handle_org(user, org) -> bool:
    return org is not None and access_for(user).can_handle_applicants(org)


@rules.predicate
def can_handle_applicant(user, applicant) -> bool:
    return applicant is not None and access_for(user).can_handle_applicants(applicant.org)


rules.add_perm("recruitment.view_board", can_handle_org)  # object: the organisation
rules.add_perm("recruitment.add_applicant", can_handle_org)  # object: the branch
rules.add_perm("recruitment.change_applicant", can_handle_applicant)
