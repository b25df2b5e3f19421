"""The demo's sanctions: a 留党察看 running now in the demo secretary's branch, and a 警告."""

import random

import pytest
from django.utils import timezone

from dangjian.demo.town import Town
from dangjian.discipline import demo, services
from dangjian.discipline.models import Sanction
from dangjian.meetings.services import eligible_voters


@pytest.mark.django_db
def test_demo_sanctions_are_valid_and_one_probation_runs_now(world):
    world.users["secretary_a"].username = "shuji"
    world.users["secretary_a"].save()
    world.users["organiser_b"].username = "zuzhi"
    world.users["organiser_b"].save()
    ctx = Town(
        rng=random.Random(1),
        today=timezone.localdate(),
        town=world.town,
        branches=[world.branch_a, world.branch_b],
        members=world.members_a + world.members_b,
    )
    demo.populate(ctx)
    found = {s.level: s for s in Sanction.objects.select_related("member")}
    assert set(found) == {"probation_1", "warning"}
    for sanction in found.values():
        sanction.full_clean()
        assert sanction.created_by == sanction.history.get().history_user == world.user("office")
    probation = found["probation_1"]
    assert probation.org == world.branch_a and probation.running
    assert not hasattr(probation.member, "account")  # not a demo login, not a post holder
    assert not probation.member.positions.exists()
    assert probation.member.pk not in eligible_voters(world.branch_a, timezone.localdate())
    assert services.on_probation([probation.member.pk], timezone.localdate()) == {probation.member.pk}
    assert found["warning"].org == world.branch_b
