"""The branch compliance page computes each year once: the chosen period and the to-do come from one
computation of the year; the past years load as their own part when scrolled to."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.compliance import facts, services
from dangjian.compliance.periods import Period

from .helpers import held

pytestmark = pytest.mark.django_db
AS_OF = "2025-06-20"


@pytest.fixture
def computed(monkeypatch):
    """The years computed, one entry per computation of (organisation, year)."""
    years: list[int] = []
    real = facts.stream

    def spy(root, year, as_of):
        years.append(year)
        return real(root, year, as_of)

    monkeypatch.setattr(facts, "stream", spy)
    return years


def test_a_year_filtered_to_any_period_equals_computing_within_it(world):
    held(world.branch_a, "theme_day", dt.date(2025, 2, 8), attended=False)
    held(world.branch_a, "committee_meeting", dt.date(2025, 4, 3))
    as_of = dt.date.fromisoformat(AS_OF)
    whole = services.verdicts_for(world.branch_a, 2025, as_of)
    for period in [Period(2025, 1, "year"), *Period.of_year("quarter", 2025), *Period.of_year("month", 2025)]:
        within = services.verdicts_for(world.branch_a, 2025, as_of, within=period)
        assert services.in_period(whole, period) == within, period.label


def test_the_page_computes_the_year_once_and_defers_past_years(world, client_for, computed):
    world.branch_a.founded_on = dt.date(2020, 1, 1)
    world.branch_a.save()
    client = client_for("secretary_a")
    with CaptureQueriesContext(connection) as page_queries:
        page = client.get("/compliance/org/BRA/", {"period": "2025-Q2", "as_of": AS_OF})
    assert page.status_code == 200 and computed == [2025]
    assert len(page_queries) <= 20
    html = page.content.decode()
    assert 'hx-trigger="revealed"' in html and "part=history" in html
    computed.clear()
    part = client.get("/compliance/org/BRA/", {"part": "history", "as_of": AS_OF}, HTTP_HX_REQUEST="true")
    assert computed == [2024, 2023, 2022]
    text = part.content.decode()
    assert "<html" not in text and "2024年" in text and "2022年" in text
    # Without htmx the same link is a whole page.
    full = client.get("/compliance/org/BRA/", {"part": "history", "as_of": AS_OF}).content.decode()
    assert "<html" in full and "往年情况" in full and "2023年" in full


def test_a_branch_founded_this_year_has_no_history_to_load(world, client_for, computed):
    world.branch_a.founded_on = dt.date(2025, 1, 1)
    world.branch_a.save()
    html = client_for("secretary_a").get("/compliance/org/BRA/", {"as_of": AS_OF}).content.decode()
    assert "part=history" not in html and "没有往年记录" in html
