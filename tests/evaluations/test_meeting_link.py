"""A campaign belongs to a 支部党员大会 recorded in 组织生活; its date comes from there."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.evaluations import ruleset
from dangjian.evaluations.models import Campaign
from dangjian.meetings.models import Activity
from dangjian.rulebook import rulebook

pytestmark = pytest.mark.django_db


def meeting(org, days: int, kind="general_meeting") -> Activity:
    start = timezone.now() + dt.timedelta(days=days)
    return Activity.objects.create(
        org=org,
        kind=kind,
        title="民主评议党员大会",
        planned_start=start,
        planned_end=start + dt.timedelta(hours=2),
    )


def form_data(world, **extra):
    today = timezone.localdate()
    return {
        "org": world.branch_a.pk,
        "year": today.year,
        "self_opens_on": today,
        "self_closes_on": today,
        "vote_opens_on": today,
        "vote_closes_on": today,
        **extra,
    }


def test_meeting_kind_is_a_rulebook_item():
    assert ruleset.current().meeting_kind in rulebook.current().items


def test_campaign_linked_to_the_general_meeting_takes_its_date(world, client_for):
    held = meeting(world.branch_a, days=-1)
    client = client_for("secretary_a")
    assert client.post("/evaluations/new/", form_data(world, meeting=held.pk)).status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.meeting_day == held.date and campaign.meeting_held
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert held.get_absolute_url() in page
    assert client.get(f"/api/evaluations/{campaign.pk}").json()["meeting_date"] == held.date.isoformat()


def test_another_branchs_meeting_or_another_kind_is_refused(world, client_for):
    other = meeting(world.branch_b, days=1)
    lecture = meeting(world.branch_a, days=1, kind="party_lecture")
    client = client_for("office")
    for activity in (other, lecture):
        response = client.post("/evaluations/new/", form_data(world, meeting=activity.pk))
        assert response.status_code == 200 and "meeting" in response.context["form"].errors
    assert "不属于该党支部" in str(
        client.post("/evaluations/new/", form_data(world, meeting=other.pk)).context["form"].errors
    )
    assert not Campaign.objects.exists()
