"""Whether a branch sets up a 支部委员会 comes from the structure rules and its full members, not a field."""

import pytest

from dangjian.orgs import structure
from dangjian.orgs.models import Organisation
from tests.factories import MemberFactory, OrgFactory

pytestmark = pytest.mark.django_db


def test_threshold_is_data_with_its_source():
    rule = structure.load().committee
    assert rule.count == 7 and "支部工作条例" in rule.source


def test_six_full_members_no_committee_seven_yes():
    branch = OrgFactory()
    MemberFactory.create_batch(6, org=branch)
    MemberFactory(org=branch, category="probationary", confirmed_on=None)  # not counted
    MemberFactory(org=branch, status="deceased")  # not counted
    assert branch.full_member_count() == 6 and branch.has_committee is False
    MemberFactory(org=branch)
    assert branch.has_committee is True
    annotated = Organisation.objects.with_member_counts().get(pk=branch.pk)
    assert (annotated.full_members, annotated.active_members, annotated.has_committee) == (7, 8, True)


def test_world_branches(world):
    assert world.branch_a.has_committee and not world.branch_b.has_committee
    assert not world.group_a1.has_committee and world.town.has_committee


def test_org_page_shows_the_derived_answer(world, client_for):
    page = client_for("office").get("/orgs/BRB/").content.decode()
    assert "不设支部委员会" in page and "按正式党员人数自动判定" in page
