"""What a campaign does: its roll, self-evaluations, secret ballots, the tally and the decisions."""

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from dangjian.meetings import services as meetings_services
from dangjian.meetings.models import ATTENDED, AgendaItem, AgendaKind
from dangjian.meetings.models import Status as ActivityStatus
from dangjian.members.models import Member
from dangjian.notifications.services import notify

from . import engine, sealing
from .models import (
    Ballot,
    BallotGrade,
    BallotKind,
    Campaign,
    Decision,
    Disposal,
    Participant,
    SelfEvaluation,
    VoterRight,
)
from .ruleset import EXCELLENT, UNQUALIFIED, current

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read from paper
CODE_LENGTH = 8
COMMENT_MAX = BallotGrade._meta.get_field("comment").max_length


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


def roll(campaign: Campaign, members, manual: dict[int, str] | None = None):
    """The campaign's participants and voter rights for `members`, by the rules (not saved)."""
    rules, on, manual = current(), campaign.vote_opens_on, manual or {}
    participants, rights = [], []
    for member in members:
        s = engine.standing(member, on, rules, manual.get(member.pk, ""))
        participants.append(
            Participant(
                campaign=campaign,
                member=member,
                graded=s.graded,
                writes_self=s.writes_self,
                excluded_reason=s.reason,
                manual_reason=manual.get(member.pk, ""),
            )
        )
        if s.votes:
            rights.append(VoterRight(campaign=campaign, member=member))
    return participants, rights


def shown_reason(
    participant: Participant, reads_discipline: bool, viewer_member_id: int | None = None
) -> str:
    """Why a member is not graded, as a viewer may see it. 预备党员 and 流动/失联 reasons are shown to all;
    the discipline reason (留党察看) and reasons written by hand (often a sanction) only to whom the
    discipline pages allow, and to the member themself; others see only that the member is not graded."""
    rules = current()
    reason = participant.excluded_reason
    public = {rules.probationary_reason, *rules.status_reasons.values()}
    if not reason or reason in public or reads_discipline or participant.member_id == viewer_member_id:
        return reason
    return ""


def reads_discipline(user, campaign: Campaign) -> bool:
    """Whether the user reads the branch's sanctions (the discipline pages' own predicate)."""
    return user.has_perm("discipline.view_list", campaign.org)


def _draft_only(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.DRAFT:
        raise Refused("评议已开始，参评和投票名单已固定，不能再调整。")


@transaction.atomic
def sync_roll(campaign: Campaign) -> None:
    """Set who is graded, who writes a self-evaluation and who votes, from the register and the rules;
    members the secretary excluded by hand stay excluded with their reason."""
    _draft_only(campaign)
    manual = dict(campaign.participants.exclude(manual_reason="").values_list("member_id", "manual_reason"))
    campaign.participants.all().delete()
    campaign.voter_rights.filter(member__isnull=False).delete()
    participants, rights = roll(campaign, branch_members(campaign.org), manual)
    Participant.objects.bulk_create(participants)
    VoterRight.objects.bulk_create(rights)


@transaction.atomic
def exclude_member(campaign: Campaign, member_id: int, reason: str) -> None:
    """The secretary excludes a member by hand (no grade, no vote) with a reason, or, with an empty
    reason, takes the exclusion back; only while the campaign is 准备中."""
    _draft_only(campaign)
    reason = (reason or "").strip()
    problem = engine.text_problem(reason)
    if problem:
        raise Refused(problem)
    limit = Participant._meta.get_field("manual_reason").max_length
    if len(reason) > limit:
        raise Refused(f"排除原因不能超过 {limit} 个字。")
    if not campaign.participants.filter(member_id=member_id).update(manual_reason=reason):
        raise Refused("该党员不在本次评议名单中。")
    sync_roll(campaign)


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


def settle(campaign: Campaign) -> Campaign:
    """Store the close the first time the vote counts as closed by its last day, so it never reopens."""
    if campaign.status == Campaign.Status.OPEN and timezone.localdate() > campaign.vote_closes_on:
        campaign.status = Campaign.Status.CLOSED
        Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.OPEN).update(status=campaign.status)
    return campaign


def _locked(campaign: Campaign) -> Campaign:
    """The campaign row, locked until the transaction ends (votes and the close queue on it)."""
    return settle(Campaign.objects.select_for_update().get(pk=campaign.pk))


@transaction.atomic
def close_vote(campaign: Campaign) -> None:
    locked = _locked(campaign)
    if locked.status != Campaign.Status.OPEN:
        raise Refused("只有进行中的评议可以结束测评。")
    locked.status = campaign.status = Campaign.Status.CLOSED
    locked.save(update_fields=["status"])
    open_ballot_box(locked)


def code_hash(code: str) -> str:
    """Codes are stored only as this keyed hash: reading the database does not give usable codes."""
    return salted_hmac("dangjian.evaluations.code", normalise_code(code), algorithm="sha256").hexdigest()


@transaction.atomic
def issue_codes(campaign: Campaign, count: int) -> list[str]:
    """One-time ballot codes for 群众代表, at most the number of 群众代表 the secretary set. The codes
    are returned once, to print (or show as QR codes); only their hashes are kept."""
    campaign = _locked(campaign)
    if not campaign.allow_public:
        raise Refused("本次评议未设置群众代表参加民主测评，请先在评议设置中勾选。")
    if campaign.vote_is_closed:
        raise Refused("测评已结束，不能再发放测评码。")
    issued = campaign.voter_rights.filter(member__isnull=True).count()
    left = campaign.public_count - issued
    if not 1 <= count <= left:
        raise Refused(
            f"群众代表人数为 {campaign.public_count} 名，已生成 {issued} 个测评码，"
            f"还能生成 {max(left, 0)} 个；如需更多，请先在评议设置中修改群众代表人数。"
        )
    codes = new_codes(count)
    VoterRight.objects.bulk_create([VoterRight(campaign=campaign, code_hash=code_hash(c)) for c in codes])
    return codes


def new_codes(count: int) -> list[str]:
    """Fresh one-time codes (ballots, and the assessment's 满意度测评), to print; store only `code_hash`."""
    return ["".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]


def code_right(code: str) -> VoterRight | None:
    code = normalise_code(code)
    if not code:
        return None
    return VoterRight.objects.filter(code_hash=code_hash(code), member__isnull=True).first()


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
    problem = engine.text_problem(*(str(data.get(n) or "") for n in SELF_FIELDS))
    if problem:
        raise Refused(problem)
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


def _vote_closed_problem(campaign: Campaign) -> str | None:
    if campaign.vote_is_open:
        return None
    if campaign.vote_is_closed:
        return "民主测评已经结束，不能再投票。"
    return (
        f"民主测评尚未开始，投票时间为{campaign.vote_opens_on:%Y年%m月%d日}至"
        f"{campaign.vote_closes_on:%Y年%m月%d日}。"
    )


def cast_ballot(
    campaign: Campaign, grades: dict[int, tuple[str, str]], *, member=None, code: str = ""
) -> None:
    """Take the voter's right and put their ballot, sealed, into the ballot box: one transaction.

    `grades` maps evaluated member ids to (grade, comment). The campaign row is locked and the vote
    checked open again inside the transaction, so no ballot lands after the close. The right is taken
    with a conditional UPDATE … WHERE has_voted = false: of two racing submissions only one changes a
    row, and the other is refused and rolled back, so a voter leaves exactly one ballot, and a ballot
    is never lost. The ballot is stored sealed (`sealing`): the commit that shows who voted holds only
    ciphertext of a fixed size; the grades are written when the box is opened at the close.
    """
    rules = current()
    problem = _vote_closed_problem(settle(campaign))
    if problem:
        raise Refused(problem)
    who = {"member": member} if member is not None else {"code_hash": code_hash(code), "member__isnull": True}
    if member is None and not normalise_code(code):
        raise Refused("请输入测评码。")
    evaluated = set(campaign.participants.filter(graded=True).values_list("member_id", flat=True))
    problems = engine.ballot_problems({m: g for m, (g, _) in grades.items()}, evaluated, rules)
    comments = [c or "" for _, c in grades.values()]
    problems += filter(None, [engine.text_problem(*comments)])
    if any(len(c.strip()) > COMMENT_MAX for c in comments):
        problems.append(f"每条意见建议不能超过 {COMMENT_MAX} 个字，请精简后再提交。")
    if problems:
        raise Refused(*problems)
    with transaction.atomic():
        campaign = _locked(campaign)
        problem = _vote_closed_problem(campaign)
        if problem:
            raise Refused(problem)
        if member is None and not campaign.allow_public:
            raise Refused("本次评议未设置群众代表参加民主测评，测评码不能使用。")
        taken = VoterRight.objects.filter(campaign=campaign, has_voted=False, **who).update(has_voted=True)
        if taken != 1:
            if VoterRight.objects.filter(campaign=campaign, **who).exists():
                raise Refused("您已经投过票了，每人只能投一次票。")
            if member is None:
                raise Refused("测评码无效，请核对测评码（8位字母数字）后重试。")
            raise Refused("您不在本次民主测评的投票人名单中（不参评的党员没有投票资格）。")
        kind = BallotKind.MEMBER if member is not None else BallotKind.PUBLIC
        rows = [(m, g, (c or "").strip()) for m, (g, c) in grades.items()]
        sealed = sealing.seal(campaign.pk, kind, rows, len(evaluated), COMMENT_MAX)
        Ballot.objects.create(campaign=campaign, kind=kind, sealed=sealed)
        _rewrite_for_secrecy(campaign)


def _rewrite_for_secrecy(campaign: Campaign) -> None:
    """PostgreSQL stamps every row a transaction writes with its id (the `xmin` system column, readable
    by anyone who may SELECT) and appends new rows in order (`ctid`). Left alone, a sealed ballot would
    carry the same xmin as its voter's right. So within the vote's transaction every right of the
    campaign is rewritten, and every ballot in the box is deleted and written again in random order:
    all of them then carry this transaction's id and their physical order is random. (SQLite: the
    ballot tables are WITHOUT ROWID, stored in random-key order; see migration 0005.)
    """
    if connection.vendor != "postgresql":
        return
    VoterRight.objects.filter(campaign=campaign).update(has_voted=F("has_voted"))
    box = campaign.ballots.filter(sealed__isnull=False)
    ballot_rows = list(box)
    box.delete()
    random.SystemRandom().shuffle(ballot_rows)
    Ballot.objects.bulk_create(ballot_rows)


def open_ballot_box(campaign: Campaign) -> None:
    """Open the sealed ballots once the vote has closed: all of them in one transaction, each under a
    new random key, ballots and grades written in random order. The commit that writes the grades
    takes no right, and holds every ballot of the campaign at once. On SQLite the WAL, which until now
    held a commit per vote, is then checkpointed and truncated (when no reader holds it)."""
    if not campaign.ballots.filter(sealed__isnull=False).exists():
        return
    with transaction.atomic():
        campaign = _locked(campaign)
        if not campaign.vote_is_closed:
            return
        box = list(campaign.ballots.filter(sealed__isnull=False))
        ballots, grades = [], []
        for sealed in box:
            try:
                rows = sealing.unseal(campaign.pk, sealed.kind, bytes(sealed.sealed), COMMENT_MAX)
            except sealing.Unreadable:
                raise Refused(
                    "测评票无法开启：服务器的 FIELD_ENCRYPTION_KEY 与投票时不同。"
                    "请恢复投票时使用的密钥后再查看结果，测评票没有丢失。"
                ) from None
            ballot = Ballot(campaign=campaign, kind=sealed.kind)
            ballots.append(ballot)
            grades += [BallotGrade(ballot=ballot, evaluated_id=m, grade=g, comment=c) for m, g, c in rows]
        rng = random.SystemRandom()
        rng.shuffle(ballots)
        rng.shuffle(grades)
        Ballot.objects.filter(pk__in=[b.pk for b in box]).delete()
        Ballot.objects.bulk_create(ballots)
        BallotGrade.objects.bulk_create(grades)
        if connection.vendor == "sqlite":
            transaction.on_commit(_truncate_wal)


def _truncate_wal() -> None:
    """Copy the WAL into the database and cut it to zero bytes, without waiting: while a reader holds
    an older snapshot this does nothing, and SQLite's own checkpoints reuse the WAL later."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (timeout,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def right_for(campaign: Campaign, member) -> VoterRight | None:
    return campaign.voter_rights.filter(member=member).first() if member is not None else None


# ---- the tally and the decisions ----


def tally_for(campaign: Campaign) -> engine.Tally:
    if settle(campaign).status not in (Campaign.Status.CLOSED, Campaign.Status.DECIDED):
        raise Refused("测评结束后才能查看统计结果。")
    open_ballot_box(campaign)
    members = [m.pk for m in graded_members(campaign)]
    rows = BallotGrade.objects.filter(ballot__campaign=campaign).values_list(
        "evaluated_id", "grade", "comment", "ballot__kind"
    )
    ballots = dict(campaign.ballots.values_list("kind").annotate(n=Count("id")))
    return engine.tally(members, list(rows), ballots, current())


def meeting_problem(campaign: Campaign) -> str | None:
    """The branch decides at its 支部党员大会: it must be recorded in 组织生活, linked and held."""
    meeting = campaign.meeting
    if meeting is None:
        return (
            "组织评定由支部党员大会作出：请先在“组织生活”中登记本次支部党员大会，"
            "并在评议设置中关联，会议召开后再评定。"
        )
    if meeting.status != ActivityStatus.HELD or meeting.date > timezone.localdate():
        return (
            f"支部党员大会（{meeting.date:%Y年%m月%d日}）尚未召开：会议召开并在“组织生活”中记录后才能评定。"
        )
    return None


ADOPTION_TITLE = "{year}年度民主评议党员组织评定"


@dataclass(frozen=True)
class Adoption:
    """The 党员大会's vote adopting the 组织评定 (as a whole), on the meeting's real numbers: who had a vote
    on the day (register and discipline register) and which of them attended (the meeting's attendance)."""

    eligible: int
    present: int
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0


def adoption_basis(campaign: Campaign) -> Adoption:
    """应到会 and 实到 voters of the linked 党员大会, from its attendance (not typed in)."""
    meeting = campaign.meeting
    voters = set(meetings_services.eligible_voters(meetings_services.branch_of(meeting.org), meeting.date))
    attended = meeting.attendance.filter(status__in=ATTENDED, member_id__in=voters).count()
    return Adoption(eligible=len(voters), present=attended)


def adoption_item(campaign: Campaign, votes_for: int, against: int, abstain: int) -> AgendaItem:
    """The agenda item recording the adoption vote (not saved); refused when it does not pass."""
    basis = adoption_basis(campaign)
    item = AgendaItem(
        activity=campaign.meeting,
        kind=AgendaKind.OTHER,
        title=ADOPTION_TITLE.format(year=campaign.year),
        eligible=basis.eligible,
        present=basis.present,
        votes_for=votes_for,
        votes_against=against,
        votes_abstain=abstain,
    )
    outcome = item.outcome
    if outcome.problems:
        raise Refused(*outcome.problems)
    if not outcome.quorum_met:
        raise Refused(
            f"{campaign.meeting_name}登记出席的有表决权党员 {basis.present} 名，"
            f"未超过应到会 {basis.eligible} 名的半数，不能表决组织评定：请先在会议的出勤页登记出勤。"
        )
    if not outcome.passed:
        raise Refused(
            f"赞成 {votes_for} 票，未超过应到会有表决权党员（{basis.eligible} 名）的半数，组织评定未获通过；"
            "请支部委员会研究后重新提交党员大会表决。"
        )
    return item


@dataclass
class DecisionInput:
    grade: str
    reason: str = ""


@transaction.atomic
def decide(campaign: Campaign, member, proposed: str, data: DecisionInput) -> Decision:
    rules = current()
    campaign = _locked(campaign)
    if not campaign.vote_is_closed:
        raise Refused("民主测评结束后才能进行组织评定。")
    if campaign.status == Campaign.Status.DECIDED:
        raise Refused("本次评议已完成评定，不能再修改。")
    problem = meeting_problem(campaign)
    if problem:
        raise Refused(problem)
    if not campaign.participants.filter(member=member, graded=True).exists():
        raise Refused("该党员不参加本次等次评定。")
    if data.grade not in rules.grades:
        raise Refused("请选择评定等次：优秀、合格、基本合格或不合格。")
    reason = (data.reason or "").strip()
    if engine.text_problem(reason):
        raise Refused(engine.text_problem(reason))
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
            "decided_on": campaign.meeting.date,
        },
    )
    if data.grade != UNQUALIFIED:
        Disposal.objects.filter(decision=decision).delete()
    return decision


@transaction.atomic
def set_disposal(
    decision: Decision,
    measure: str,
    deadline: dt.date | None,
    follow_up: str,
    notes: str,
    approved_on: dt.date | None = None,
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
    if approved_on and not rules.disposals[measure].needs_approval:
        raise Refused(
            f"{rules.disposals[measure].name}由支部党员大会决定，不需报上级党组织批准（党章第九条只对劝其退党、"
            "除名要求报批），请不要填写批准日期。"
        )
    if approved_on and not decision.decided_on <= approved_on <= timezone.localdate():
        raise Refused("上级党组织批准日期应在评定日期之后、且不晚于今天。")
    disposal, _ = Disposal.objects.update_or_create(
        decision=decision,
        defaults={
            "measure": measure,
            "deadline": deadline,
            "follow_up": follow_up,
            "notes": (notes or "").strip(),
            "approved_on": approved_on,
        },
    )
    return disposal


@transaction.atomic
def finalise(campaign: Campaign, votes_for: int, against: int = 0, abstain: int = 0) -> AgendaItem:
    """The 党员大会 adopts the 组织评定 by vote: recorded as one agenda item of the meeting, with its real
    应到/实到 numbers, and every decision linked to it."""
    campaign = _locked(campaign)
    if not campaign.vote_is_closed or campaign.status == Campaign.Status.DECIDED:
        raise Refused("测评结束后、尚未完成评定的评议才能完成评定。")
    problem = meeting_problem(campaign)
    if problem:
        raise Refused(problem)
    graded = set(campaign.participants.filter(graded=True).values_list("member_id", flat=True))
    decided = set(campaign.decisions.values_list("member_id", flat=True))
    if graded - decided:
        raise Refused(f"还有 {len(graded - decided)} 名党员未评定等次，请全部评定后再完成。")
    if campaign.decisions.filter(grade=UNQUALIFIED, disposal__isnull=True).exists():
        raise Refused("请为每名不合格党员确定处置措施后再完成评定。")
    item = adoption_item(campaign, votes_for, against, abstain)
    item.save()
    campaign.decisions.update(agenda_item=item)
    campaign.status = Campaign.Status.DECIDED
    campaign.save(update_fields=["status"])
    return item
