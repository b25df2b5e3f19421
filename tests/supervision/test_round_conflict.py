"""回避: nobody inspects the branch they belong to or lead; the refusal says why in Chinese."""

import pytest
from django.core.exceptions import ValidationError

from dangjian.supervision.rounds import rules, services
from dangjian.supervision.rounds.models import Assignment
from tests.factories import UserFactory

from .rounds_helpers import make_round


def test_conflict_rule_on_paths():
    assert rules.conflict("/1/2/3/", ["/1/2/3/"], []).startswith("本人是该支部的党员")
    assert rules.conflict("/1/2/3/", ["/1/2/3/9/"], [])  # a member of one of its 党小组
    assert rules.conflict("/1/2/3/", ["/1/4/"], ["/1/2/"]).startswith("本人在该支部或其上级党总支担任职务")
    assert rules.conflict("/1/2/3/", ["/1/4/"], ["/1/2/3/9/"])  # leads one of its 党小组
    assert rules.conflict("/1/2/3/", ["/1/4/"], ["/1/4/"]) is None
    assert rules.conflict("/1/2/3/", ["/1/2/30/"], []) is None  # a sibling whose id starts alike


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,message",
    [
        ("member_a", "本人是该支部的党员，须回避"),
        ("group_leader_a", "本人是该支部的党员，须回避"),
        ("secretary_a", "本人是该支部的党员，须回避"),
    ],
)
def test_a_member_of_the_branch_is_refused(world, role, message):
    r = make_round(world)
    with pytest.raises(ValidationError, match=message):
        services.assign(r, world.branch_a, world.user(role), world.user("office"))
    assert not Assignment.objects.filter(round=r, org=world.branch_a).exists()


@pytest.mark.django_db
def test_a_leader_from_elsewhere_is_refused(world):
    """乙指导员 belongs to branch B but is 党建指导员 of branch A: refused for both."""
    r = make_round(world)
    for branch in (world.branch_a, world.branch_b):
        with pytest.raises(ValidationError, match="须回避"):
            services.assign(r, branch, world.user("instructor_a"), world.user("office"))


@pytest.mark.django_db
def test_a_general_branch_leader_may_not_inspect_its_branches(world):
    from tests.factories import MemberFactory, appoint

    leader = MemberFactory(org=world.branch_b, name="总支书记")
    appoint(leader, world.general, "secretary")
    user = UserFactory(username="general_secretary", member=leader)
    r = make_round(world)
    with pytest.raises(ValidationError, match="其上级党总支担任职务"):
        services.assign(r, world.branch_a, user, world.user("office"))


@pytest.mark.django_db
def test_office_staff_and_outsiders_are_accepted(world):
    r = make_round(world)
    services.assign(r, world.branch_a, world.user("office"), world.user("office"))
    services.assign(r, world.branch_a, world.user("member_b"), world.user("office"))
    assert r.assignments.filter(org=world.branch_a).count() == 2
    with pytest.raises(ValidationError, match="已是该支部的督查人员"):
        services.assign(r, world.branch_a, world.user("member_b"), world.user("office"))
    with pytest.raises(ValidationError, match="不在本轮抽查名单中"):
        services.remove_branch(r, world.branch_a)
        services.assign(r, world.branch_a, world.user("member_b"), world.user("office"))
