import datetime as dt

from django.utils import timezone

from dangjian.evaluations import services
from dangjian.evaluations.models import Campaign
from dangjian.meetings.models import Activity, Attendance
from dangjian.meetings.models import Status as ActivityStatus


def open_campaign(world, *, allow_public=False, meeting_in_days=10, org=None) -> Campaign:
    """Branch A's campaign for this year, open: self-evaluation and voting both running today."""
    today = timezone.localdate()
    campaign = services.create_campaign(
        org or world.branch_a,
        world.user("secretary_a"),
        year=today.year,
        self_opens_on=today - dt.timedelta(days=5),
        self_closes_on=today + dt.timedelta(days=5),
        vote_opens_on=today - dt.timedelta(days=1),
        vote_closes_on=today + dt.timedelta(days=5),
        allow_public=allow_public,
        public_count=10 if allow_public else 0,
        meeting_date=today + dt.timedelta(days=meeting_in_days),
        meeting_title="支部党员大会",
    )
    services.open_campaign(campaign)
    return campaign


def full_ballot(campaign, grade="qualified", **overrides) -> dict[int, tuple[str, str]]:
    """A complete ballot: every graded member gets `grade`, except member ids given in overrides."""
    ids = campaign.participants.filter(graded=True).values_list("member_id", flat=True)
    return {m: (overrides.get(f"m{m}", grade), "") for m in ids}


def post_data(campaign, grade="qualified") -> dict[str, str]:
    return {f"grade_{m}": g for m, (g, _) in full_ballot(campaign, grade).items()}


def general_meeting(org, days: int = 0, status=ActivityStatus.HELD) -> Activity:
    """A 支部党员大会 `days` from today (held by default)."""
    start = timezone.localtime().replace(hour=9, minute=0) + dt.timedelta(days=days)
    return Activity.objects.create(
        org=org,
        kind="general_meeting",
        title="民主评议党员大会",
        planned_start=start,
        planned_end=start + dt.timedelta(hours=1),
        status=status,
    )


def hold_meeting(campaign, days: int = 0, absent: int = 0) -> Activity:
    """Link the campaign to a held 支部党员大会 (today by default), as deciding requires; the branch's
    members attended it, except the last `absent` of them."""
    campaign.meeting = general_meeting(campaign.org, days)
    Campaign.objects.filter(pk=campaign.pk).update(meeting=campaign.meeting)
    members = list(campaign.org.members.order_by("pk"))
    Attendance.objects.bulk_create(
        Attendance(
            activity=campaign.meeting, member=m, status="present" if i < len(members) - absent else "absent"
        )
        for i, m in enumerate(members)
    )
    return campaign.meeting


ADOPTED = {"votes_for": 8, "votes_against": 0, "votes_abstain": 0}  # branch A's 8 voters, all in favour


def settings_form(campaign, **extra) -> dict:
    """The campaign's settings as the edit form posts them (allow_public unticked unless given)."""
    fields = (
        "self_opens_on",
        "self_closes_on",
        "vote_opens_on",
        "vote_closes_on",
        "meeting_date",
        "meeting_title",
    )
    return {"year": campaign.year, **{n: getattr(campaign, n) or "" for n in fields}, **extra}
