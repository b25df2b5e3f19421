"""The demo's talks: reproducible, valid, mostly covering members with some gaps."""

import random

import pytest
from django.utils import timezone

from dangjian.demo.town import Town
from dangjian.talks import demo
from dangjian.talks.models import Talk
from dangjian.talks.services import coverage_for, pairing_for


def populate(world, seed: int, scale: bool = False) -> list[tuple]:
    ctx = Town(
        rng=random.Random(seed),
        today=timezone.localdate(),
        town=world.town,
        scale=scale,
        branches=[world.branch_a, world.branch_b],
        members=world.members_a + world.members_b,
    )
    demo.populate(ctx)
    return list(
        Talk.objects.order_by("id").values_list("org_id", "initiator_id", "partner_id", "talked_on", "form")
    )


@pytest.mark.django_db
def test_demo_talks_are_reproducible_valid_and_leave_some_gaps(world):
    first = populate(world, seed=7)
    assert first and Talk.history.count() == len(first)
    for talk in Talk.objects.select_related("org", "initiator", "partner"):
        talk.full_clean()
        assert talk.pairing == pairing_for(talk.org, talk.initiator_id, talk.partner_id, talk.talked_on)
        assert talk.created_at <= timezone.now()
    last_year = coverage_for(world.branch_a, timezone.localdate().year - 1)
    assert last_year.covered >= 0.7 * last_year.expected
    Talk.history.all().delete()
    Talk.objects.all().delete()
    assert populate(world, seed=7) == first


@pytest.mark.django_db
def test_at_county_scale_only_some_branches_get_talks(world):
    populate(world, seed=7, scale=True)
    assert set(Talk.objects.values_list("org_id", flat=True)) == {world.branch_a.pk}  # every 20th branch
    assert not Talk.history.exists()
