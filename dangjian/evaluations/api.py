import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId, Refusal, Year
from dangjian.members.models import Member

from . import services
from .rules import visible_campaigns
from .ruleset import current

router = Router(tags=["民主评议党员"])


class CampaignOut(Schema):
    id: int
    org_code: str
    org_name: str
    year: int
    status: str
    status_display: str
    self_opens_on: dt.date
    self_closes_on: dt.date
    vote_opens_on: dt.date
    vote_closes_on: dt.date
    vote_is_open: bool
    vote_is_closed: bool
    allow_public: bool
    public_count: int
    meeting_date: dt.date | None  # the 党员大会's date (from its activity when linked)
    meeting_id: int | None
    rules_version: str

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_meeting_date(obj) -> dt.date | None:
        return obj.meeting_day

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()


class ParticipantOut(Schema):
    member_id: int
    name: str
    graded: bool
    writes_self: bool
    excluded_reason: str
    votes: bool  # holds a vote (预备党员 and excluded members do not)


class MineOut(Schema):
    writes_self: bool
    self_status: str  # none | draft | submitted
    may_vote: bool
    has_voted: bool


class CampaignDetailOut(CampaignOut):
    roll: list[ParticipantOut]  # who is graded, who writes a self-evaluation, and why not
    mine: MineOut | None


class SelfIn(Schema):
    study: str = ""
    duties: str = ""
    shortcomings: str = ""
    plans: str = ""
    self_grade: str = ""
    submit: bool = False


class SelfOut(Schema):
    member_id: int
    study: str
    duties: str
    shortcomings: str
    plans: str
    self_grade: str
    submitted_on: dt.date | None


class GradeIn(Schema):
    member_id: DbId
    grade: str
    comment: str = ""


class BallotIn(Schema):
    grades: list[GradeIn]


class Done(Schema):
    detail: str


class MemberTallyOut(Schema):
    member_id: int
    name: str
    counts: dict[str, int] | None  # null: too few ballots to show (票数过少)
    shares: dict[str, float] | None
    public_counts: dict[str, int] | None  # 群众代表, counted apart; null when too few or none
    proposed: str
    capped: bool
    decision: str


class TallyOut(Schema):
    ballots: int
    public_ballots: int
    small_group: bool  # members' counts withheld: fewer ballots than min_ballots
    public_hidden: bool
    min_ballots: int
    excellent_limit: int | None
    rules_version: str
    grades: dict[str, str]
    members: list[MemberTallyOut]


def _me(request) -> Member | None:
    return Member.objects.filter(pk=access_for(request.user).member_id).first()


def _campaign(request, campaign_id: DbId):
    return services.settle(get_object_or_404(visible_campaigns(request.user), pk=campaign_id))


@router.get("/", response=list[CampaignOut], summary="民主评议列表")
@paginate
def list_campaigns(request, year: Year | None = None):
    campaigns = visible_campaigns(request.user).order_by("-year", "org__path")
    return campaigns.filter(year=year) if year else campaigns


@router.get("/{campaign_id}", response=CampaignDetailOut, summary="民主评议详情（参评名单、我的任务）")
def campaign_detail(request, campaign_id: DbId):
    campaign = _campaign(request, campaign_id)
    me = _me(request)
    participants = campaign.participants.select_related("member").order_by("member__name_pinyin")
    mine = None
    part = participants.filter(member=me).first() if me else None
    if part:
        record = services.self_evaluation_for(campaign, me)
        right = services.right_for(campaign, me)
        mine = {
            "writes_self": part.writes_self,
            "self_status": "submitted" if record and record.submitted else "draft" if record else "none",
            "may_vote": right is not None,
            "has_voted": bool(right and right.has_voted),
        }
    voters = set(campaign.voter_rights.filter(member__isnull=False).values_list("member_id", flat=True))
    sanctions = services.reads_discipline(request.user, campaign)
    rows = [
        {
            "member_id": p.member_id,
            "name": p.member.name,
            "graded": p.graded,
            "writes_self": p.writes_self,
            "excluded_reason": services.shown_reason(p, sanctions, me.pk if me else None),
            "votes": p.member_id in voters,
        }
        for p in participants
    ]
    campaign.roll, campaign.mine = rows, mine
    return campaign


@router.get("/{campaign_id}/self", response={200: SelfOut, 404: Done}, summary="我的个人自评")
def get_self(request, campaign_id: DbId):
    campaign = _campaign(request, campaign_id)
    me = _me(request)
    record = services.self_evaluation_for(campaign, me) if me else None
    if record is None:
        return Status(404, {"detail": "尚未填写个人自评。"})
    return record


@router.post("/{campaign_id}/self", response={200: SelfOut, 400: Refusal}, summary="保存或提交我的个人自评")
def save_self(request, campaign_id: DbId, payload: SelfIn):
    campaign = _campaign(request, campaign_id)
    me = _me(request)
    if me is None or not campaign.participants.filter(member=me, writes_self=True).exists():
        raise PermissionDenied
    data = payload.dict()
    submit = data.pop("submit")
    try:
        return services.save_self_evaluation(campaign, me, data, submit=submit)
    except services.Refused as exc:
        return Status(400, {"detail": str(exc), "problems": exc.problems})


@router.post(
    "/{campaign_id}/ballot",
    response={200: Done, 400: Refusal, 403: Refusal},
    summary="提交测评票（无记名，每人一次）",
)
def submit_ballot(request, campaign_id: DbId, payload: BallotIn):
    campaign = _campaign(request, campaign_id)
    me = _me(request)
    if services.right_for(campaign, me) is None:
        problem = "您没有本次民主测评的投票资格（不参评的党员不投票），如有疑问请联系支部书记。"
        return Status(403, {"detail": problem, "problems": [problem]})
    grades: dict[int, tuple[str, str]] = {}
    for g in payload.grades:
        if g.member_id in grades:
            problem = "同一名党员只能评定一次，请检查测评票。"
            return Status(400, {"detail": problem, "problems": [problem]})
        grades[g.member_id] = (g.grade, g.comment)
    try:
        services.cast_ballot(campaign, grades, member=me)
    except services.Refused as exc:
        return Status(400, {"detail": str(exc), "problems": exc.problems})
    return {"detail": "测评票已提交。"}


@router.get("/{campaign_id}/tally", response={200: TallyOut, 400: Refusal}, summary="测评统计（测评结束后）")
def get_tally(request, campaign_id: DbId):
    campaign = _campaign(request, campaign_id)
    if not request.user.has_perm("evaluations.view_results", campaign):
        raise PermissionDenied
    try:
        result = services.tally_for(campaign)
    except services.Refused as exc:
        return Status(400, {"detail": str(exc), "problems": exc.problems})
    names = {m.pk: m.name for m in services.graded_members(campaign)}
    decisions = dict(campaign.decisions.values_list("member_id", "grade"))
    return {
        "ballots": result.ballots,
        "public_ballots": result.public_ballots,
        "small_group": result.small_group,
        "public_hidden": result.public_hidden,
        "min_ballots": current().min_ballots,
        "excellent_limit": result.excellent_limit,
        "rules_version": result.rules_version,
        "grades": current().grades,
        "members": [
            {
                "member_id": r.member_id,
                "name": names[r.member_id],
                "counts": r.counts,
                "shares": r.shares,
                "public_counts": r.public_counts,
                "proposed": r.proposed,
                "capped": r.capped,
                "decision": decisions.get(r.member_id, ""),
            }
            for r in result.members
        ],
    }
