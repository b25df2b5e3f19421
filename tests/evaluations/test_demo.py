"""The demo town carries last year's finished campaigns, consistent with the rules."""

import pytest

from dangjian.demo import town
from dangjian.evaluations.models import Ballot, BallotGrade, Campaign, Decision, Participant

pytestmark = pytest.mark.django_db


def test_demo_has_finished_campaigns_with_secret_ballots():
    ctx = town.build(seed=3)
    campaigns = Campaign.objects.filter(year=ctx.today.year - 1)
    assert campaigns.count() == 4 and set(campaigns.values_list("status", flat=True)) == {"decided"}
    for c in campaigns:
        graded = c.participants.filter(graded=True).count()
        assert c.ballots.count() == c.voter_rights.filter(has_voted=True).count() > 0
        assert BallotGrade.objects.filter(ballot__campaign=c).count() == c.ballots.count() * graded
        assert c.decisions.count() == graded
        assert c.decisions.filter(grade="excellent").count() <= graded // 3
    unqualified = Decision.objects.filter(grade="unqualified")
    assert unqualified.exists() and all(d.disposal.measure == "correct" for d in unqualified)
    # 预备党员 rate the others and are never graded (tests/evaluations/test_adoption_and_privacy.py). Last
    # year's rolls list only members who had joined by then, so today's 预备党员 are seldom on them.
    assert not Participant.objects.filter(member__category="probationary", graded=True).exists()
    assert Ballot.objects.exists()
