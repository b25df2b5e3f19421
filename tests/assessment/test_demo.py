"""The demo town's assessment: last year finalised with its objection answered and ranks published, this
year scored live, and every branch's sheet reachable from the town table."""

import datetime as dt

import pytest

from dangjian.assessment import services
from dangjian.assessment.models import Correction, FrozenSheet, Notice, Objection, Survey
from dangjian.demo import town
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

TODAY = dt.date(2026, 12, 3)


@pytest.mark.django_db
def test_demo_has_a_finalised_last_year_and_a_live_this_year():
    ctx = town.build(seed=1, today=TODAY)
    branches = Organisation.objects.filter(kind=OrgKind.BRANCH).count()
    last = services.year_state(2025)
    assert last.is_final and last.ranking_published_at is not None
    assert FrozenSheet.objects.filter(year=2025).count() == branches
    objection = Objection.objects.get()
    assert objection.status == Objection.Status.ACCEPTED and Correction.objects.get().objection == objection
    now = services.table([ctx.town], 2026, TODAY)
    assert not now.state.is_final and len(now.rows) == branches
    assert all(r.previous is not None for r in now.rows)  # year-on-year from last year's frozen scores
    scored = [r.sheet.score for r in now.rows if r.sheet.score is not None]
    assert len(scored) == branches and len(set(scored)) > 3  # the demo's branches differ
    notice = Notice.objects.get()
    assert notice.status == Notice.Status.CLOSED and notice.number == 1 and notice.branches.get().responded_at
    survey = Survey.objects.get(status=Survey.Status.OPEN, year=2026)
    assert survey.answers.count() > 100 and survey.rights.filter(has_answered=False).exists()
