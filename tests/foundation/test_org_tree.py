"""The organisation tree: materialised paths follow moves; kinds and positions fit their place."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.orgs.models import Organisation, Position
from tests.factories import OrgFactory

pytestmark = pytest.mark.django_db


def test_paths_follow_a_subtree_move(world):
    other = OrgFactory(code="GEN2", kind="general", parent=world.town, category="")
    world.branch_a.parent = other
    world.branch_a.save()
    for org in (world.branch_a, world.group_a1, world.group_a2):
        org.refresh_from_db()
        assert org.path.startswith(other.path), org
    assert world.group_a1.path == f"{other.path}{world.branch_a.pk}/{world.group_a1.pk}/"
    assert list(Organisation.objects.subtree(other).order_by("path")) == [
        other,
        world.branch_a,
        world.group_a1,
        world.group_a2,
    ]
    assert world.group_a1.depth == 4
    assert list(world.group_a1.ancestors()) == [world.town, other, world.branch_a]


def test_kind_must_fit_the_parent(world):
    with pytest.raises(ValidationError, match="党支部下不能设党总支"):
        Organisation(code="X", name="X", kind="general", parent=world.branch_a).full_clean()


def test_cannot_move_under_itself(world):
    world.general.parent = world.branch_a
    with pytest.raises(ValidationError):
        world.general.full_clean()


def test_cannot_change_kind_under_its_children(world):
    world.general.kind = "branch"  # allowed under the town, but its branch A cannot sit under a branch
    with pytest.raises(ValidationError, match="下级组织“甲村党支部”是党支部，不能设在党支部下"):
        world.general.full_clean()


def test_positions_fit_the_kind_and_dates(world):
    member = world.members_a[2]
    with pytest.raises(ValidationError, match="党小组不设书记"):
        Position(
            org=world.group_a1, member=member, title="secretary", started_on=dt.date(2024, 1, 1)
        ).full_clean()
    with pytest.raises(ValidationError, match="党支部不设党小组长"):
        Position(
            org=world.branch_a, member=member, title="group_leader", started_on=dt.date(2024, 1, 1)
        ).full_clean()
    with pytest.raises(ValidationError, match="离任日期不能早于任职日期"):
        Position(
            org=world.branch_a,
            member=member,
            title="propaganda",
            started_on=dt.date(2024, 1, 1),
            ended_on=dt.date(2023, 1, 1),
        ).full_clean()


def test_current_positions(world):
    member = world.members_a[2]
    Position.objects.create(
        org=world.branch_a,
        member=member,
        title="propaganda",
        started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2021, 1, 1),
    )
    assert not world.branch_a.current_positions().filter(member=member).exists()
    assert world.branch_a.current_positions(on=dt.date(2020, 6, 1)).filter(member=member).exists()


def test_appointment_form_lists_a_page_of_members_and_finds_the_others(world, client_for):
    """At county scale the form must not list every visible member: its own members, or a search."""
    client = client_for("office")
    page = client.get("/orgs/BRA/positions/new/").content.decode()
    assert world.members_a[5].name in page and world.members_b[2].name not in page
    found = client.get("/orgs/BRA/positions/new/", {"q": world.members_b[2].name}).content.decode()
    assert f"{world.members_b[2].name}（乙企业党支部）" in found
    # An instructor from another branch can still be appointed, and the form comes back with them chosen.
    data = {"title": "instructor", "member": world.members_b[2].pk, "started_on": "2024-01-01"}
    assert client.post("/orgs/BRA/positions/new/", data).status_code == 302
    assert world.members_b[2].positions.get().org == world.branch_a
