"""Who may take part in a branch's talks, what is wrong with a talk, and the coverage from the database."""

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member, Transfer
from dangjian.orgs.choices import COMMITTEE_TITLES, OrgKind, PositionTitle
from dangjian.orgs.models import Organisation, Position
from dangjian.rulebook import rulebook

from .choices import Pairing, pairing_of
from .coverage import Coverage, Stint, TalkFact, Term, committee_rule, coverage
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
    if (
        talk.before_review_year
        and talk.talked_on
        and talk.before_review_year
        not in (
            talk.talked_on.year - 1,
            talk.talked_on.year,
        )
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
    """The coverage of one branch in `year` up to `as_of` (default today), with the committee view."""
    return coverages_for(Organisation.objects.filter(pk=org.pk), year, as_of, committee=True)[org.pk]


class _Person(NamedTuple):
    pk: int
    name: str
    org_id: int
    status: str
    joined_on: dt.date

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


def coverages_for(
    branches: QuerySet[Organisation], year: int, as_of: dt.date | None = None, *, committee: bool = False
) -> dict[int, Coverage]:
    """The coverage of many branches at once, by branch id, in six queries whatever their number; each
    member's time in a branch comes from `member_stints`. The committee view only with `committee`
    (the page asks for it; the compliance engine, reading a county, does not)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ids = list(branches.values_list("pk", flat=True))
    in_branches = branches.values("pk")
    posts: dict[int, list[tuple]] = defaultdict(list)
    for org_id, *post in (
        Position.objects.filter(org__in=in_branches, title__in=COMMITTEE_TITLES, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("started_on", "id")
        .values_list("org_id", "member_id", "member__name", "title", "started_on", "ended_on")
    ):
        posts[org_id].append(post)
    on_committee = {(post[0], org_id) for org_id, held in posts.items() for post in held}
    stints = member_stints(ids, end, on_committee)
    talks: dict[int, list[TalkFact]] = defaultdict(list)
    for pk, org_id, a, b, on in Talk.objects.filter(
        org__in=in_branches, talked_on__range=(start, end)
    ).values_list("pk", "org_id", "initiator_id", "partner_id", "talked_on"):
        talks[org_id].append(TalkFact(pk, a, b, on))
    minimum = heart_talk_rule().frequency.min
    committee_minimum = committee_rule().minimum
    out = {}
    for org_id in ids:
        here = {s.member_id for s in stints[org_id]}
        # Committee members whose membership lies elsewhere belong for the length of their post.
        outside = [
            Stint(m, name, first, last, True) for m, name, _t, first, last in posts[org_id] if m not in here
        ]
        terms = [
            Term(m, name, first, last)
            for m, name, t, first, last in posts[org_id]
            if t == PositionTitle.SECRETARY
        ]
        out[org_id] = coverage(
            year,
            stints[org_id] + outside,
            terms,
            talks[org_id],
            as_of=as_of or timezone.localdate(),
            minimum=minimum,
            posts=[Term(m, name, first, last) for m, name, _t, first, last in posts[org_id]]
            if committee
            else (),
            committee_minimum=committee_minimum,
        )
    return out


def member_stints(
    ids: list[int], until: dt.date, on_committee: set[tuple[int, int]] = frozenset()
) -> dict[int, list[Stint]]:
    """Everyone's time in each branch (by id) up to `until`, from the register: 入党日期 or a transfer in
    opens it; a transfer out, or a status change to one no longer active (read from the change log),
    closes it. `on_committee` holds the (member id, branch id) pairs to flag as committee members."""
    wanted = set(ids)
    moved = Transfer.objects.filter(Q(from_org__in=ids) | Q(to_org__in=ids))
    moves: dict[tuple[int, int], list[tuple[int, int, dt.date]]] = defaultdict(list)
    for member_id, *move in moved.order_by("transferred_on", "id").values_list(
        "member_id", "from_org_id", "to_org_id", "transferred_on"
    ):
        for org_id in {move[0], move[1]} & wanted:
            moves[member_id, org_id].append(tuple(move))
    people = [
        _Person(*row)
        for row in Member.objects.filter(Q(org__in=ids) | Q(pk__in=moved.values("member_id")))
        .filter(joined_on__lte=until)
        .order_by("name_pinyin", "id")
        .values_list("pk", "name", "org_id", "status", "joined_on")
    ]
    left = _left_on([p for p in people if p.org_id in wanted and not p.is_active])
    orgs_of: dict[int, set[int]] = defaultdict(set)
    for member_id, org_id in moves:
        orgs_of[member_id].add(org_id)
    stints: dict[int, list[Stint]] = defaultdict(list)
    for person in people:
        org_ids = orgs_of.get(person.pk, set()) | ({person.org_id} & wanted)
        for org_id in org_ids:
            committee = (person.pk, org_id) in on_committee
            for first, last in _spans(
                person, org_id, moves.get((person.pk, org_id), ()), left.get(person.pk)
            ):
                stints[org_id].append(Stint(person.pk, person.name, first, last, committee))
    return stints


def members_on(org: Organisation, on: dt.date) -> set[int]:
    """Who belonged to the branch on a day (by the register and its transfers and status changes)."""
    return {
        s.member_id
        for s in member_stints([org.pk], on)[org.pk]
        if s.start <= on and (s.end is None or s.end >= on)
    }


def _spans(person: _Person, org_id: int, moves: list[tuple[int, int, dt.date]], left_on: dt.date | None):
    here_first = moves[0][0] == org_id if moves else person.org_id == org_id
    opened = person.joined_on if here_first else None
    for _from, to, on in moves:
        if to == org_id:
            opened = on
        elif opened is not None:  # transferred out: the last day here is the day before
            if on > opened:
                yield opened, on - dt.timedelta(days=1)
            opened = None
    if opened is not None and person.org_id == org_id:
        if person.is_active:
            yield opened, None
        elif left_on is not None and left_on >= opened:
            yield opened, left_on


def _left_on(people: list[_Person]) -> dict[int, dt.date]:
    """The last day in the branch of members no longer active: the day before their status changed."""
    if not people:
        return {}
    changed: dict[int, dt.datetime] = {}
    was_active: dict[int, bool] = {}
    rows = Member.history.filter(id__in=[p.pk for p in people]).order_by("id", "history_date", "history_id")
    for member_id, status, when in rows.values_list("id", "status", "history_date"):
        active = status in ACTIVE_STATUSES
        if not active and was_active.get(member_id, True):
            changed[member_id] = when
        was_active[member_id] = active
    # Without a change log (rows loaded in bulk), the last update is the best date there is.
    unlogged = [p.pk for p in people if p.pk not in changed]
    if unlogged:
        changed.update(Member.objects.filter(pk__in=unlogged).values_list("pk", "updated_at"))
    return {p.pk: timezone.localdate(changed[p.pk]) - dt.timedelta(days=1) for p in people}
