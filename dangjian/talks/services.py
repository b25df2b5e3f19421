"""Who may take part in a branch's talks, what is wrong with a talk, and the coverage from the database."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.members.models import Member, Transfer
from dangjian.orgs.choices import COMMITTEE_TITLES, OrgKind, PositionTitle
from dangjian.orgs.models import Organisation, Position
from dangjian.rulebook import rulebook

from .choices import Pairing, pairing_of
from .coverage import Coverage, Stint, TalkFact, Term, coverage
from .models import Talk

RULE_CODE = "heart_talk"


def committee_ids(org: Organisation, on: dt.date, member_ids) -> set[int]:
    """Which of `member_ids` held a committee post (班子成员) in `org` on `on`."""
    return set(
        Position.objects.current(on)
        .filter(org=org, title__in=COMMITTEE_TITLES, member_id__in=member_ids)
        .values_list("member_id", flat=True)
    )


def pairing_for(org: Organisation, initiator_id: int, partner_id: int, on: dt.date) -> Pairing:
    leaders = committee_ids(org, on, [initiator_id, partner_id])
    return pairing_of(initiator_id in leaders, partner_id in leaders)


def eligible_members(org: Organisation, on: dt.date | None = None) -> QuerySet[Member]:
    """Active members who may take part in `org`'s talks: its members, leading cadres keeping their
    双重组织生活 there, and whoever holds a committee post in it."""
    posts = Position.objects.current(on).filter(org=org, title__in=COMMITTEE_TITLES).values("member_id")
    return (
        Member.objects.active()
        .filter(Q(org=org) | Q(is_leading_cadre=True, dual_org=org) | Q(pk__in=posts))
        .order_by("name_pinyin", "id")
    )


def recordable_branches(access, user) -> QuerySet[Organisation]:
    """Branches whose record pages the user may open: those they see, and the member's own branch."""
    own = Q(pk=user.member.org_id) if access.member_id else Q(pk__in=[])
    return Organisation.objects.filter(kind=OrgKind.BRANCH).filter(access.org_q() | own)


def belongs(member: Member, org: Organisation, on: dt.date) -> bool:
    return (
        member.org_id == org.pk
        or (member.is_leading_cadre and member.dual_org_id == org.pk)
        or bool(committee_ids(org, on, [member.pk]))
    )


def problems(talk: Talk) -> dict[str, str]:
    """What is wrong with a talk, by form field, in Chinese (shared by the form, the API and the model)."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    org = talk.org if talk.org_id else None
    if org is not None and org.kind != OrgKind.BRANCH:
        errors[NON_FIELD_ERRORS] = "谈心谈话应记在党支部下，请从所在党支部进入后记录。"
    if talk.talked_on:
        if talk.talked_on > today:
            errors["talked_on"] = "谈话日期不能晚于今天，请填写实际谈话的日期。"
        elif org is not None and talk.talked_on < org.founded_on:
            errors["talked_on"] = f"谈话日期早于本支部成立日期（{org.founded_on:%Y-%m-%d}），请核对。"
    if talk.before_review_year and talk.talked_on and talk.before_review_year not in (
        talk.talked_on.year - 1,
        talk.talked_on.year,
    ):
        errors["before_review_year"] = (
            f"会前谈话的年度应为谈话当年或上一年（{talk.talked_on.year - 1} 或 {talk.talked_on.year}），"
            "因为某年度的组织生活会在当年底或次年初召开。"
        )
    if talk.initiator_id and talk.initiator_id == talk.partner_id:
        errors["partner"] = "谈话人和谈话对象不能是同一人，请选择另一名党员。"
    # A participant already on record is not re-checked: a member who has since left stays on old talks.
    before = Talk.objects.filter(pk=talk.pk).values("initiator_id", "partner_id").first() if talk.pk else None
    for field in ("initiator", "partner"):
        member_id = getattr(talk, f"{field}_id")
        if not member_id or field in errors or (before and before[f"{field}_id"] == member_id):
            continue
        member = getattr(talk, field)
        if not member.is_active:
            errors[field] = f"{member.name}的党员状态为“{member.get_status_display()}”，不能作为谈话的一方。"
        elif org is not None and talk.talked_on and not belongs(member, org, talk.talked_on):
            errors[field] = (
                f"{member.name}不是{org.name}的党员，也不在本支部过双重组织生活，不能记入本支部的谈心谈话。"
            )
    return errors


# ---- coverage read from the database -------------------------------------------------------------


def heart_talk_rule():
    item = rulebook.current().item(RULE_CODE)
    if item.frequency.per != "secretary_with_each_member" or item.frequency.period != "year":
        raise ImproperlyConfigured(
            f"规则 {RULE_CODE} 的频次应为每年按“书记与每名党员”计（per = secretary_with_each_member），"
            "其他算法尚未支持。"
        )
    return item


def coverage_for(org: Organisation, year: int, as_of: dt.date | None = None) -> Coverage:
    """The coverage of `org` in `year` up to `as_of` (default today): five queries, then `coverage()`."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    posts = list(
        Position.objects.filter(org=org, title__in=COMMITTEE_TITLES, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("member")
        .order_by("started_on", "id")
    )
    terms = [
        Term(p.member_id, p.member.name, p.started_on, p.ended_on)
        for p in posts
        if p.title == PositionTitle.SECRETARY
    ]
    facts = [
        TalkFact(pk, a, b, on)
        for pk, a, b, on in Talk.objects.filter(org=org, talked_on__range=(start, end)).values_list(
            "pk", "initiator_id", "partner_id", "talked_on"
        )
    ]
    return coverage(
        year,
        stints(org, start, end, posts),
        terms,
        facts,
        as_of=as_of or timezone.localdate(),
        minimum=heart_talk_rule().frequency.min,
    )


def stints(org: Organisation, start: dt.date, end: dt.date, posts: list[Position]) -> list[Stint]:
    """Everyone's time in `org` overlapping [start, end]: from the register, transfers and status changes."""
    moves = defaultdict(list)
    for move in Transfer.objects.filter(Q(from_org=org) | Q(to_org=org)).order_by("transferred_on", "id"):
        moves[move.member_id].append(move)
    members = list(
        Member.objects.filter(Q(org=org) | Q(pk__in=list(moves)))
        .filter(joined_on__lte=end)
        .only("name", "org_id", "status", "joined_on", "updated_at")
        .order_by("name_pinyin", "id")
    )
    left = _left_on([m for m in members if m.org_id == org.pk and not m.is_active])
    on_committee = {p.member_id for p in posts}
    out: list[Stint] = []
    for m in members:
        for first, last in _spans(m, org, moves[m.pk], left.get(m.pk)):
            out.append(Stint(m.pk, m.name, first, last, m.pk in on_committee))
    # Committee members whose membership lies elsewhere belong for the length of their post.
    here = {s.member_id for s in out}
    for p in posts:
        if p.member_id not in here:
            out.append(Stint(p.member_id, p.member.name, p.started_on, p.ended_on, True))
    return out


def _spans(member: Member, org: Organisation, moves: list[Transfer], left_on: dt.date | None):
    here_first = moves[0].from_org_id == org.pk if moves else member.org_id == org.pk
    opened = member.joined_on if here_first else None
    for move in moves:
        if move.to_org_id == org.pk:
            opened = move.transferred_on
        elif opened is not None:  # transferred out: the last day here is the day before
            if move.transferred_on > opened:
                yield opened, move.transferred_on - dt.timedelta(days=1)
            opened = None
    if opened is not None and member.org_id == org.pk:
        if member.is_active:
            yield opened, None
        elif left_on is not None and left_on >= opened:
            yield opened, left_on


def _left_on(members: list[Member]) -> dict[int, dt.date]:
    """The last day in the branch of members no longer active: the day before their status changed."""
    if not members:
        return {}
    inactive = {m.pk: m for m in members}
    changed: dict[int, dt.datetime] = {}
    was_active: dict[int, bool] = {}
    rows = Member.history.filter(id__in=list(inactive)).order_by("id", "history_date", "history_id")
    for member_id, status, when in rows.values_list("id", "status", "history_date"):
        active = Member(status=status).is_active
        if not active and was_active.get(member_id, True):
            changed[member_id] = when
        was_active[member_id] = active
    out = {}
    for member_id, member in inactive.items():
        when = changed.get(member_id, member.updated_at)
        out[member_id] = timezone.localdate(when) - dt.timedelta(days=1)
    return out
