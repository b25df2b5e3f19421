"""The demo's dues: a year and more of ledger, a few members in arrears (one past six months), one
approved exemption, the town's 上缴."""

import random

import pytest
from django.utils import timezone

from dangjian.demo.town import Town
from dangjian.dues import demo, services
from dangjian.dues.models import Entry, Relief, Remittance
from dangjian.orgs.models import Organisation


@pytest.mark.django_db
def test_demo_dues_have_arrears_an_exemption_and_remittances(world):
    today = timezone.localdate()
    members = world.members_a + world.members_b
    ctx = Town(
        rng=random.Random(3),
        today=today,
        town=world.town,
        branches=[world.branch_a, world.branch_b],
        members=members,
    )
    demo.populate(ctx)
    assert Entry.objects.count() > 12 * len(members) - 40
    [relief] = Relief.objects.all()
    assert relief.effective and relief.kind == "exempt"
    behind = services.arrears(members, today)
    assert sorted(len(a.months) for a in behind) == sorted(demo.BEHIND)
    assert [a.flagged for a in behind].count(True) == 1
    assert relief.member not in [a.member for a in behind]
    assert Remittance.objects.filter(org=world.town).count() >= 4


@pytest.mark.django_db
def test_demo_dues_leave_out_members_no_longer_in_the_party(world):
    """A deceased member owes nothing and pays nothing: the town summary's due leaves them out, so their
    payments would push the collection rate over 100%."""
    today = timezone.localdate()
    members = world.members_a + world.members_b
    gone = members[0]
    gone.status = "deceased"
    gone.save()
    ctx = Town(
        rng=random.Random(3),
        today=today,
        town=world.town,
        branches=[world.branch_a, world.branch_b],
        members=members,
    )
    demo.populate(ctx)
    assert not Entry.objects.filter(member=gone).exists()
    for row in services.town_summary(Organisation.objects.filter(pk__in=[world.branch_a.pk]), today.year):
        assert all(cell.paid <= cell.due for cell in row.months), row
