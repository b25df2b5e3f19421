"""What a campaign does: its roll, self-evaluations, secret ballots, the tally and the decisions."""

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dangjian.members.models import Member
from dangjian.notifications.services import notify

from . import engine
from .models import Ballot, BallotGrade, Campaign, Decision, Disposal, Participant, SelfEvaluation, VoterRight
from .ruleset import EXCELLENT, UNQUALIFIED, current

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read from paper
CODE_LENGTH = 8
MAX_CODES = 200


class Refused(Exception):
    """A request the rules do not allow; `problems` say why in Chinese."""

    def __init__(self, *problems: str):
        super().__init__("；".join(problems))
        self.problems = list(problems)


# ---- the roll ----


def branch_members(org):
    return (
        Member.objects.filter(org=org).exclude(status__in=("left", "deceased")).order_by("name_pinyin", "id")
    )


@transaction.atomic
def create_campaign(org, user=None, **fields) -> Campaign:
    campaign = Campaign.objects.create(org=org, created_by=user, rules_version=current().version, **fields)
    sync_roll(campaign)
    return campaign


@transaction.atomic
def sync_roll(campaign: Campaign) -> None:
    """Set who is graded, who writes a self-evaluation and who votes, from the register and the rules."""
    if campaign.status != Campaign.Status.DRAFT:
        raise Refused("评议已开始，参评和投票名单已固定，不能再调整。")
    rules, on = current(), campaign.vote_opens_on
    campaign.participants.all().delete()
    campaign.voter_rights.filter(member__isnull=False).delete()
    participants, rights = [], []
    for member in branch_members(campaign.org):
        s = engine.standing(member, on, rules)
        participants.append(
            Participant(
                campaign=campaign,
                member=member,
                graded=s.graded,
                writes_self=s.writes_self,
                excluded_reason=s.reason,
            )
        )
        if s.votes:
            rights.append(VoterRight(campaign=campaign, member=member))
    Participant.objects.bulk_create(participants)
    VoterRight.objects.bulk_create(rights)


def graded_members(campaign: Campaign) -> list[Member]:
    return [
        p.member
        for p in campaign.participants.filter(graded=True)
        .select_related("member")
        .order_by("member__name_pinyin", "member_id")
    ]


@transaction.atomic
def open_campaign(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.DRAFT:
        raise Refused("只有“准备中”的评议可以开始。")
    sync_roll(campaign)
    if not campaign.participants.filter(graded=True).exists():
        raise Refused("本支部没有可参加等次评定的党员，无法开始评议。")
    campaign.status = Campaign.Status.OPEN
    campaign.save(update_fields=["status"])
    writers = campaign.participants.filter(writes_self=True).values_list("member_id", flat=True)
    notify(
        writers,
        key=f"evaluation-{campaign.pk}-open",
        title=f"{campaign.year}年度民主评议党员已开始",
        body=f"请于{campaign.self_closes_on:%m月%d日}前提交个人自评；互评测评时间为"
        f"{campaign.vote_opens_on:%m月%d日}至{campaign.vote_closes_on:%m月%d日}。",
        url=campaign.get_absolute_url(),
    )


@transaction.atomic
def close_vote(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.OPEN:
        raise Refused("只有进行中的评议可以结束测评。")
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])


def issue_codes(campaign: Campaign, count: int) -> list[str]:
    """One-time ballot codes for 群众代表 (printed or shown as QR codes)."""
    if not campaign.allow_public:
        raise Refused("本次评议未设置群众代表参加民主测评，请先在评议设置中勾选。")
    if campaign.vote_is_closed:
        raise Refused("测评已结束，不能再发放测评码。")
    if not 1 <= count <= MAX_CODES:
        raise Refused(f"一次可生成 1 至 {MAX_CODES} 个测评码。")
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]
    VoterRight.objects.bulk_create([VoterRight(campaign=campaign, code=c) for c in codes])
    return codes


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


# ---- 个人自评 ----

SELF_FIELDS = ("study", "duties", "shortcomings", "plans", "self_grade")


def self_evaluation_for(campaign: Campaign, member) -> SelfEvaluation | None:
    return campaign.self_evaluations.filter(member=member).first()


@transaction.atomic
def save_self_evaluation(campaign: Campaign, member, data: dict, submit: bool) -> SelfEvaluation:
    if not campaign.participants.filter(member=member, writes_self=True).exists():
        raise Refused("您不在本次评议的个人自评名单中。")
    if not campaign.self_is_open:
        raise Refused(
            f"个人自评时间为{campaign.self_opens_on:%Y年%m月%d日}至{campaign.self_closes_on:%Y年%m月%d日}，"
            "当前不在自评时间内，如需补交请联系支部书记。"
        )
    record, _ = SelfEvaluation.objects.select_for_update().get_or_create(campaign=campaign, member=member)
    if record.submitted:
        raise Refused("自评已提交，不能再修改。如需修改请联系支部书记退回。")
    for name in SELF_FIELDS:
        if name in data:
            setattr(record, name, (data[name] or "").strip())
    if record.self_grade and record.self_grade not in current().grades:
        raise Refused("自评等次只能是优秀、合格、基本合格或不合格。")
    if submit:
        missing = [
            SelfEvaluation._meta.get_field(n).verbose_name for n in SELF_FIELDS if not getattr(record, n)
        ]
        if missing:
            raise Refused(f"请填写{'、'.join(missing)}后再提交；也可以先保存草稿。")
        record.submitted_on = timezone.localdate()
    record.save()
    return record


@transaction.atomic
def return_self_evaluation(record: SelfEvaluation) -> None:
    """The secretary sends a submitted self-evaluation back for changes (while self-evaluation runs)."""
    if not record.campaign.self_is_open:
        raise Refused("个人自评已截止，不能退回修改。")
    record.submitted_on = None
    record.save(update_fields=["submitted_on", "updated_at"])


def self_progress(campaign: Campaign) -> tuple[list, list, list]:
    """(submitted, drafts, not started) member lists for the secretary."""
    records = {r.member_id: r for r in campaign.self_evaluations.all()}
    done, drafts, missing = [], [], []
    for p in (
        campaign.participants.filter(writes_self=True)
        .select_related("member")
        .order_by("member__name_pinyin")
    ):
        record = records.get(p.member_id)
        (done if record and record.submitted else drafts if record else missing).append(p.member)
    return done, drafts, missing


# ---- the secret ballot ----


def cast_ballot(
    campaign: Campaign, grades: dict[int, tuple[str, str]], *, member=None, code: str = ""
) -> None:
    """Write one ballot and take the voter's right in the same transaction.

    `grades` maps evaluated member ids to (grade, comment). The right is taken with a conditional
    UPDATE … WHERE has_voted = false: of two racing submissions only one changes a row, and the other
    is refused and rolled back, so a voter leaves exactly one ballot.
    """
    rules = current()
    if not campaign.vote_is_open:
        if campaign.vote_is_closed:
            raise Refused("民主测评已经结束，不能再投票。")
        raise Refused(
            f"民主测评尚未开始，投票时间为{campaign.vote_opens_on:%Y年%m月%d日}至"
            f"{campaign.vote_closes_on:%Y年%m月%d日}。"
        )
    who = {"member": member} if member is not None else {"code": normalise_code(code), "member__isnull": True}
    if member is None and not who["code"]:
        raise Refused("请输入测评码。")
    evaluated = set(campaign.participants.filter(graded=True).values_list("member_id", flat=True))
    problems = engine.ballot_problems({m: g for m, (g, _) in grades.items()}, evaluated, rules)
    if problems:
        raise Refused(*problems)
    with transaction.atomic():
        taken = VoterRight.objects.filter(campaign=campaign, has_voted=False, **who).update(has_voted=True)
        if taken != 1:
            if VoterRight.objects.filter(campaign=campaign, **who).exists():
                raise Refused("您已经投过票了，每人只能投一次票。")
            if member is None:
                raise Refused("测评码无效，请核对测评码（8位字母数字）后重试。")
            raise Refused("您不在本次民主测评的投票人名单中（预备党员和不参评的党员没有表决权）。")
        ballot = Ballot.objects.create(campaign=campaign)
        rows = [
            BallotGrade(ballot=ballot, evaluated_id=m, grade=g, comment=(c or "").strip()[:500])
            for m, (g, c) in grades.items()
        ]
        random.SystemRandom().shuffle(rows)
        BallotGrade.objects.bulk_create(rows)


def right_for(campaign: Campaign, member) -> VoterRight | None:
    return campaign.voter_rights.filter(member=member).first() if member is not None else None


# ---- the tally and the decisions ----


def tally_for(campaign: Campaign) -> engine.Tally:
    if not campaign.vote_is_closed:
        raise Refused("测评结束后才能查看统计结果。")
    members = [m.pk for m in graded_members(campaign)]
    rows = BallotGrade.objects.filter(ballot__campaign=campaign).values_list(
        "evaluated_id", "grade", "comment"
    )
    return engine.tally(members, list(rows), campaign.ballots.count(), current())


@dataclass
class DecisionInput:
    grade: str
    reason: str = ""


@transaction.atomic
def decide(campaign: Campaign, member, proposed: str, data: DecisionInput) -> Decision:
    rules = current()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.vote_is_closed:
        raise Refused("民主测评结束后才能进行组织评定。")
    if campaign.status == Campaign.Status.DECIDED:
        raise Refused("本次评议已完成评定，不能再修改。")
    if not campaign.participants.filter(member=member, graded=True).exists():
        raise Refused("该党员不参加本次等次评定。")
    if data.grade not in rules.grades:
        raise Refused("请选择评定等次：优秀、合格、基本合格或不合格。")
    reason = (data.reason or "").strip()
    if not reason and (data.grade == UNQUALIFIED or (proposed and data.grade != proposed)):
        raise Refused("评定为不合格，或评定等次与测评建议不同时，请填写评定理由。")
    if data.grade == EXCELLENT:
        limit = engine.excellent_limit(campaign.participants.filter(graded=True).count(), rules)
        others = campaign.decisions.filter(grade=EXCELLENT).exclude(member=member).count()
        if limit is not None and others + 1 > limit:
            raise Refused(f"评定为优秀的党员不能超过 {limit} 名（{rules.excellent_cap_source}）。")
    decision, _ = Decision.objects.update_or_create(
        campaign=campaign,
        member=member,
        defaults={
            "grade": data.grade,
            "proposed_grade": proposed,
            "reason": reason,
            "decided_on": campaign.meeting_day or timezone.localdate(),
        },
    )
    if data.grade != UNQUALIFIED:
        Disposal.objects.filter(decision=decision).delete()
    return decision


@transaction.atomic
def set_disposal(
    decision: Decision, measure: str, deadline: dt.date | None, follow_up: str, notes: str
) -> Disposal:
    rules = current()
    if decision.grade != UNQUALIFIED:
        raise Refused("只有评定为不合格的党员需要处置措施。")
    if measure not in rules.disposals:
        raise Refused("请选择处置措施：" + "、".join(d.name for d in rules.disposals.values()) + "。")
    if follow_up not in Disposal.FollowUp.values:
        raise Refused("请选择落实情况。")
    deadline = deadline or engine.add_months(decision.decided_on, rules.disposals[measure].deadline_months)
    if deadline < decision.decided_on:
        raise Refused("处置期限不能早于评定日期。")
    disposal, _ = Disposal.objects.update_or_create(
        decision=decision,
        defaults={
            "measure": measure,
            "deadline": deadline,
            "follow_up": follow_up,
            "notes": (notes or "").strip(),
        },
    )
    return disposal


@transaction.atomic
def finalise(campaign: Campaign) -> None:
    if not campaign.vote_is_closed or campaign.status == Campaign.Status.DECIDED:
        raise Refused("测评结束后、尚未完成评定的评议才能完成评定。")
    graded = set(campaign.participants.filter(graded=True).values_list("member_id", flat=True))
    decided = set(campaign.decisions.values_list("member_id", flat=True))
    if graded - decided:
        raise Refused(f"还有 {len(graded - decided)} 名党员未评定等次，请全部评定后再完成。")
    if campaign.decisions.filter(grade=UNQUALIFIED, disposal__isnull=True).exists():
        raise Refused("请为每名不合格党员确定处置措施后再完成评定。")
    campaign.status = Campaign.Status.DECIDED
    campaign.save(update_fields=["status"])
