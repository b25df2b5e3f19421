"""The campaign's stages hold: the close is final, late ballots are refused, the roll is set by hand
only while 准备中, and the branch decides only at its held 党员大会."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.evaluations import services
from dangjian.evaluations.models import Ballot, Campaign, Decision
from dangjian.meetings.models import Status as ActivityStatus

from .helpers import full_ballot, general_meeting, hold_meeting, open_campaign, post_data, settings_form

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_the_close_date_can_only_move_later_once_voting_has_opened(world, client_for):
    campaign = open_campaign(world)
    secretary = client_for("secretary_a")
    url = f"/evaluations/{campaign.pk}/edit/"
    for day in (TODAY() - dt.timedelta(days=1), TODAY(), campaign.vote_closes_on - dt.timedelta(days=1)):
        page = secretary.post(url, settings_form(campaign, vote_closes_on=day)).content.decode()
        assert "截止日期只能推后" in page
    earlier_open = settings_form(campaign, vote_opens_on=TODAY() + dt.timedelta(days=1))
    secretary.post(url, earlier_open)
    campaign.refresh_from_db()
    assert campaign.vote_closes_on == TODAY() + dt.timedelta(days=5) and campaign.vote_is_open
    assert campaign.vote_opens_on == TODAY() - dt.timedelta(days=1)  # locked once voting opened
    later = TODAY() + dt.timedelta(days=8)
    assert secretary.post(url, settings_form(campaign, vote_closes_on=later)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.vote_closes_on == later


def test_a_vote_closed_by_its_date_is_stored_closed_and_never_reopens(world, client_for):
    campaign = open_campaign(world)
    for voter in world.members_a[:5]:
        services.cast_ballot(campaign, full_ballot(campaign), member=voter)
    Campaign.objects.filter(pk=campaign.pk).update(vote_closes_on=TODAY() - dt.timedelta(days=1))
    secretary = client_for("secretary_a")
    assert secretary.get(f"/evaluations/{campaign.pk}/tally/").status_code == 200
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    # moving the date back does not reopen it: the stored status decides
    Campaign.objects.filter(pk=campaign.pk).update(vote_closes_on=TODAY() + dt.timedelta(days=5))
    campaign.refresh_from_db()
    assert not campaign.vote_is_open
    late = client_for("member_a").post(f"/evaluations/{campaign.pk}/vote/", post_data(campaign))
    assert late.status_code == 400 and "已经结束" in late.content.decode()
    assert Ballot.objects.count() == 5
    # after the close the settings are locked except the 党员大会
    edit = secretary.post(
        f"/evaluations/{campaign.pk}/edit/",
        settings_form(campaign, vote_closes_on=TODAY() + dt.timedelta(days=9), meeting_title="改期后的大会"),
    )
    assert edit.status_code == 302
    campaign.refresh_from_db()
    assert (
        campaign.vote_closes_on == TODAY() + dt.timedelta(days=5) and campaign.meeting_title == "改期后的大会"
    )


def test_results_only_after_the_stored_close(world, client_for):
    campaign = open_campaign(world)
    with pytest.raises(services.Refused, match="测评结束后"):
        services.tally_for(campaign)
    assert client_for("secretary_a").get(f"/api/evaluations/{campaign.pk}/tally").status_code == 400
    services.close_vote(campaign)
    assert services.tally_for(campaign).ballots == 0
    with pytest.raises(services.Refused, match="只有进行中"):
        services.close_vote(campaign)


def test_a_ballot_from_a_page_loaded_before_the_close_is_refused(world):
    """The campaign object was loaded while voting was open; the close happens before the ballot."""
    campaign = open_campaign(world)
    stale = Campaign.objects.get(pk=campaign.pk)
    services.close_vote(Campaign.objects.get(pk=campaign.pk))
    assert stale.status == Campaign.Status.OPEN and stale.vote_is_open
    with pytest.raises(services.Refused, match="已经结束"):
        services.cast_ballot(stale, full_ballot(stale), member=world.members_a[0])
    assert not Ballot.objects.exists() and not stale.voter_rights.filter(has_voted=True).exists()


def test_settings_are_locked_once_decisions_begin(world, client_for):
    campaign = open_campaign(world)
    services.close_vote(campaign)
    hold_meeting(campaign)
    services.decide(campaign, world.members_a[0], "", services.DecisionInput("qualified"))
    response = client_for("secretary_a").get(f"/evaluations/{campaign.pk}/edit/", follow=True)
    assert "不能再修改设置" in response.content.decode()


def test_deciding_needs_the_linked_general_meeting_to_have_been_held(world, client_for):
    campaign = open_campaign(world, meeting_in_days=-1)  # a typed date in the past is not enough
    services.close_vote(campaign)
    a = world.members_a
    decide = lambda: services.decide(campaign, a[0], "", services.DecisionInput("qualified"))  # noqa: E731
    with pytest.raises(services.Refused, match="请先在“组织生活”中登记"):
        decide()
    planned = general_meeting(world.branch_a, days=3, status=ActivityStatus.PLANNED)
    Campaign.objects.filter(pk=campaign.pk).update(meeting=planned)
    campaign.refresh_from_db()
    with pytest.raises(services.Refused, match="尚未召开"):
        decide()
    page = client_for("secretary_a").get(f"/evaluations/{campaign.pk}/tally/").content.decode()
    assert "尚未召开" in page and 'name="grade"' not in page
    with pytest.raises(services.Refused, match="尚未召开"):
        services.finalise(campaign, 8)
    assert not Decision.objects.exists()

    held = hold_meeting(campaign, days=-2)
    decision = decide()
    assert decision.decided_on == held.date <= TODAY()
    assert decision.decided_on == held.date and decision.agenda_item is None  # no vote item per decision
    assert not held.agenda.exists()


def test_secretary_excludes_a_member_by_hand_while_preparing(world, client_for):
    today = TODAY()
    campaign = services.create_campaign(
        world.branch_a,
        None,
        year=today.year,
        self_opens_on=today,
        self_closes_on=today,
        vote_opens_on=today,
        vote_closes_on=today,
    )
    secretary = client_for("secretary_a")
    target = world.members_a[6]
    url = f"/evaluations/{campaign.pk}/exclude/{target.pk}/"
    assert "空字符" in secretary.post(url, {"reason": "处\x00分"}, follow=True).content.decode()
    secretary.post(url, {"reason": "受留党察看处分（2026年3月起）"})
    part = campaign.participants.get(member=target)
    assert not part.graded and part.writes_self and part.excluded_reason == "受留党察看处分（2026年3月起）"
    assert not campaign.voter_rights.filter(member=target).exists()
    services.sync_roll(campaign)  # re-checking the roll keeps the exclusion
    assert not campaign.participants.get(member=target).graded
    page = secretary.get(campaign.get_absolute_url()).content.decode()
    assert "受留党察看处分（2026年3月起）" in page and "恢复参评" in page

    secretary.post(url, {"reason": ""})
    assert campaign.participants.get(member=target).graded
    assert campaign.voter_rights.filter(member=target).exists()

    secretary.post(url, {"reason": "受留党察看处分"})
    services.open_campaign(campaign)
    refused = secretary.post(f"/evaluations/{campaign.pk}/exclude/{world.members_a[5].pk}/", {"reason": "x"})
    assert "参评和投票名单已固定" in secretary.get(refused["Location"]).content.decode()
    assert campaign.participants.get(member=world.members_a[5]).graded


def test_voting_rights_are_listed_with_reasons(world, client_for):
    campaign = open_campaign(world)
    page = client_for("secretary_a").get(campaign.get_absolute_url()).content.decode()
    assert "投票权" in page
    roll = client_for("secretary_a").get(f"/api/evaluations/{campaign.pk}").json()["roll"]
    assert {p["name"]: p["votes"] for p in roll}["甲预备"] is True  # rates the others, is not graded
    assert {p["name"]: p["votes"] for p in roll}["甲0"] is True
    # while the vote is open: turnout only, no names of who has or has not voted
    assert "尚未投票" not in page and "只显示投票人数" in page


def test_a_member_without_a_vote_is_told_why(world, client):
    from tests.factories import MemberFactory, UserFactory

    mobile = MemberFactory(org=world.branch_a, name="甲流动", status="mobile")
    campaign = open_campaign(world)
    client.force_login(UserFactory(member=mobile))
    page = client.get(f"/evaluations/{campaign.pk}/vote/")
    assert page.status_code == 403 and "流动党员" in page.content.decode()
    api = client.post(
        f"/api/evaluations/{campaign.pk}/ballot", {"grades": []}, content_type="application/json"
    )
    assert api.status_code == 403 and "投票资格" in api.json()["detail"]
