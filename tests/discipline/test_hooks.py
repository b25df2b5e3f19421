"""The register answers the quorum and the 民主评议 campaign: 留党察看 takes the vote, on the day."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.evaluations import services as evaluations
from dangjian.evaluations.ruleset import current as evaluation_rules
from dangjian.meetings import services as meetings
from tests.evaluations.helpers import open_campaign
from tests.meetings.helpers import make_activity

pytestmark = pytest.mark.django_db


def test_a_member_under_probation_is_not_in_the_quorum_denominator(world, client_for, make_sanction):
    meeting = make_activity(world.branch_a, "general_meeting")
    secretary = client_for("secretary_a")
    assert secretary.get(f"/meetings/{meeting.pk}/").context["eligible"] == 8
    make_sanction(world.members_a[2], "probation_1")
    make_sanction(world.members_a[3], "warning")  # a 警告 keeps the vote
    response = secretary.get(f"/meetings/{meeting.pk}/")
    assert response.context["eligible"] == 7
    assert "有表决权的正式党员 7 人" in response.content.decode()
    assert world.members_a[2].pk not in meetings.eligible_voters(world.branch_a, meeting.date)


def test_the_meeting_date_decides_who_votes(world, make_sanction):
    today = timezone.localdate()
    before, a = today - dt.timedelta(days=60), world.members_a
    a[5].confirmed_on = today - dt.timedelta(days=10)  # 转正 after the earlier meeting
    a[5].save()
    a[6].joined_on, a[6].confirmed_on = today - dt.timedelta(days=400), today - dt.timedelta(days=35)
    a[6].save()
    make_sanction(a[2], "probation_1", on=today - dt.timedelta(days=5))  # sanctioned after it too
    then = meetings.eligible_voters(world.branch_a, before)
    now = meetings.eligible_voters(world.branch_a, today)
    assert a[5].pk not in then and a[6].pk not in then and a[2].pk in then
    assert a[5].pk in now and a[6].pk in now and a[2].pk not in now
    assert meetings.members_without_vote(world.branch_a, today) == {a[2].pk}
    assert meetings.members_without_vote(world.branch_b, today) == set()


def test_a_member_under_probation_is_excluded_from_the_campaign_with_the_reason(world, make_sanction):
    make_sanction(world.members_a[2], "probation_2", on=timezone.localdate() - dt.timedelta(days=400))
    make_sanction(world.members_a[3], "probation_1", on=timezone.localdate() - dt.timedelta(days=400))  # over
    campaign = open_campaign(world)
    sanctioned = campaign.participants.get(member=world.members_a[2])
    assert not sanctioned.graded and sanctioned.writes_self
    assert sanctioned.excluded_reason == evaluation_rules().discipline_reason
    assert not campaign.voter_rights.filter(member=world.members_a[2]).exists()
    assert campaign.participants.get(member=world.members_a[3]).graded
    assert campaign.voter_rights.filter(member=world.members_a[3]).exists()
    assert world.members_a[2] not in evaluations.graded_members(campaign)
