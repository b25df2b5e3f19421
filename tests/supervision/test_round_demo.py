"""The demo town's finished 督查 round: sampled with its stored seed, 整改 in every state, all reachable."""

import datetime as dt

import pytest

from dangjian.accounts.models import User
from dangjian.demo import town
from dangjian.supervision.findings import findings_for_year
from dangjian.supervision.rounds import demo
from dangjian.supervision.rounds.models import Rectification, Round

TODAY = dt.date(2026, 12, 3)


@pytest.mark.django_db
def test_the_demo_round_is_finished_with_rectifications_in_every_state(client):
    ctx = town.build(seed=1, today=TODAY)
    r = Round.objects.get()
    assert not r.is_open and r.seed == demo.SEED and r.sample.count() == demo.SIZE
    assert all(s.reason for s in r.sample.all())
    rects = list(Rectification.objects.filter(finding__round=r))
    states = {x.status for x in rects}
    assert states == {"open", "answered", "returned", "accepted"}
    assert sum(x.is_overdue(TODAY) for x in rects) == 1
    assert r.findings.filter(attachments__isnull=False).exists() and r.visits.filter(announced=False).exists()
    assert r.assignments.filter(inspector__member__isnull=False).exists()  # a member appointed for the round
    facts = findings_for_year(r.period_end.year, [s.org_id for s in r.sample.all()])
    assert len(facts) == demo.SIZE * len(demo.RULES)
    assert {f.result for f in facts} == {"conforming", "partly", "nonconforming"}
    assert sum(not f.rectified for f in facts) == 4  # all but the accepted one
    client.force_login(User.objects.get(username="dangjianban"))
    page = client.get(f"/supervision/rounds/{r.pk}/").content.decode()
    assert "已逾期" in page and r.name in page
    assert ctx.town.code == "SDS"
