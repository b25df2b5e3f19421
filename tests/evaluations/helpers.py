import datetime as dt

from django.utils import timezone

from dangjian.evaluations import services
from dangjian.evaluations.models import Campaign


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
