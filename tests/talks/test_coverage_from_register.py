"""`coverage_for`: the coverage read from the register, positions, transfers and status changes."""

import datetime as dt

import pytest
import time_machine

from dangjian.members.choices import Status as MemberStatus
from dangjian.members.services import transfer
from dangjian.orgs.choices import OrgKind, PositionTitle
from dangjian.orgs.models import Organisation
from dangjian.talks.coverage import Status
from dangjian.talks.services import coverage_for, coverages_for
from tests.factories import MemberFactory, appoint

D = dt.date
END_2025 = D(2025, 12, 31)


def by_id(cov):
    return {r.member_id: r for r in cov.rows}


@pytest.mark.django_db
def test_branch_a_in_a_past_year(world, make_talk):
    a = world.members_a
    make_talk(world.branch_a, a[0], a[2], on=D(2025, 3, 1))
    make_talk(world.branch_a, a[3], a[0], on=D(2025, 4, 1))  # the member started it: counts too
    make_talk(world.branch_a, a[2], a[3], on=D(2025, 5, 1))  # two members: not the secretary's talk
    cov = coverage_for(world.branch_a, 2025, as_of=D(2026, 3, 1))
    rows = by_id(cov)
    assert rows[a[0].pk].status == Status.SECRETARY
    assert rows[a[2].pk].status == Status.COVERED and rows[a[3].pk].status == Status.COVERED
    assert rows[a[1].pk].committee and rows[a[1].pk].status == Status.MISSING
    assert not rows[a[5].pk].committee
    # Members who joined the party after the year are not in it.
    expected = {m.pk for m in a[1:] if m.joined_on <= END_2025}
    assert {r.member_id for r in cov.rows if r.status in (Status.COVERED, Status.MISSING)} == expected
    assert cov.year_over and cov.minimum == 1


@pytest.mark.django_db
def test_transfer_mid_year_moves_the_member_between_branches(world, make_talk, admin_user):
    mover = world.members_b[2]
    with time_machine.travel(dt.datetime(2025, 6, 1, 10, tzinfo=dt.UTC)):
        transfer(mover, world.branch_a, D(2025, 6, 1), "工作调动", admin_user)
    make_talk(world.branch_b, world.members_b[0], mover, on=D(2025, 5, 20))
    in_b = by_id(coverage_for(world.branch_b, 2025))[mover.pk]
    assert in_b.status == Status.COVERED and in_b.left_on == D(2025, 5, 31)
    in_a = by_id(coverage_for(world.branch_a, 2025))[mover.pk]
    assert in_a.status == Status.MISSING and in_a.joined_on == D(2025, 6, 1)
    # Before the move B expected them; A did not.
    assert mover.pk in by_id(coverage_for(world.branch_b, 2024))
    assert mover.pk not in by_id(coverage_for(world.branch_a, 2024))


@pytest.mark.django_db
def test_member_who_died_mid_year_is_listed_apart(world):
    member = world.members_a[5]
    with time_machine.travel(dt.datetime(2025, 4, 10, 10, tzinfo=dt.UTC)):
        member.status = MemberStatus.DECEASED
        member.save()
    row = by_id(coverage_for(world.branch_a, 2025))[member.pk]
    assert row.status == Status.LEFT and row.left_on == D(2025, 4, 9)
    assert by_id(coverage_for(world.branch_a, 2024))[member.pk].status == Status.MISSING
    assert member.pk not in by_id(coverage_for(world.branch_a, 2026, as_of=D(2026, 6, 1)))


@pytest.mark.django_db
def test_secretary_change_is_read_from_positions(world, make_talk):
    a = world.members_a
    old = world.branch_a.positions.get(title=PositionTitle.SECRETARY)
    old.ended_on = D(2025, 6, 30)
    old.save()
    appoint(a[1], world.branch_a, PositionTitle.SECRETARY, started_on=D(2025, 7, 1))
    make_talk(world.branch_a, a[0], a[2], on=D(2025, 6, 30))
    make_talk(world.branch_a, a[0], a[3], on=D(2025, 7, 1))
    make_talk(world.branch_a, a[1], a[3], on=D(2025, 7, 2))
    cov = coverage_for(world.branch_a, 2025)
    rows = by_id(cov)
    assert rows[a[2].pk].status == Status.COVERED
    assert [t.on for t in rows[a[3].pk].talks] == [D(2025, 7, 2)]
    assert rows[a[0].pk].status == Status.MISSING  # the old secretary now needs a talk with the new one
    assert [t.name for t in cov.terms] == [a[0].name, a[1].name]


@pytest.mark.django_db
def test_branch_without_secretary(world):
    world.branch_b.positions.filter(title=PositionTitle.SECRETARY).delete()
    cov = coverage_for(world.branch_b, 2025)
    assert cov.no_secretary and cov.missing == len(world.members_b)
    assert "未设书记" in cov.notes()[0]


@pytest.mark.django_db
def test_dual_org_cadre_may_talk_but_is_not_expected_and_outside_committee_members_are(world, make_talk):
    cadre = MemberFactory(org=world.branch_b, name="领导干部", is_leading_cadre=True, dual_org=world.branch_a)
    outsider = MemberFactory(org=world.branch_b, name="兼职委员")
    appoint(outsider, world.branch_a, PositionTitle.PROPAGANDA, started_on=D(2025, 3, 1))
    make_talk(world.branch_a, world.members_a[0], cadre, on=D(2025, 5, 1))
    rows = by_id(coverage_for(world.branch_a, 2025))
    assert cadre.pk not in rows
    assert rows[outsider.pk].committee and rows[outsider.pk].joined_on == D(2025, 3, 1)


@pytest.mark.django_db
def test_many_branches_at_once_match_one_by_one_in_fixed_queries(
    world, make_talk, admin_user, django_assert_num_queries
):
    transfer(world.members_b[2], world.branch_a, D(2025, 6, 1), "工作调动", admin_user)
    world.members_a[5].status = MemberStatus.DECEASED
    world.members_a[5].save()
    make_talk(world.branch_a, world.members_a[0], world.members_a[2], on=D(2025, 3, 1))
    make_talk(world.branch_b, world.members_b[0], world.members_b[2], on=D(2025, 3, 1))
    branches = Organisation.objects.filter(kind=OrgKind.BRANCH)
    with django_assert_num_queries(6):
        together = coverages_for(branches, 2025)
    assert set(together) == {world.branch_a.pk, world.branch_b.pk}
    for org in branches:
        alone = coverage_for(org, 2025)
        assert [(r.member_id, r.status, r.joined_on, r.left_on) for r in together[org.pk].rows] == [
            (r.member_id, r.status, r.joined_on, r.left_on) for r in alone.rows
        ]
