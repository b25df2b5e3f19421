"""Loads the engine's plain facts from the models in a fixed number of queries, whatever the branch count.

`stream(root, year, as_of)` walks the organisations under `root` in id order and yields, for each,
its `OrgFacts`, its held activities of the year grouped by kind, and its 谈心谈话 coverage. The
activity and record queries are read with server-side cursors ordered by organisation and merged
as they come, so memory stays bounded by one organisation's activities, not the county's.

What counts as a record present follows the meetings app (`services.record_checklist`): an
uploaded or referenced record of that kind; the 签到表 is satisfied by recorded attendance, the
会议记录 by minutes written in the page, the 整改措施 by rectification items. A 支部党员大会 lacks
its quorum when any of its votes had no more than the rulebook's share of eligible members present.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
)

from dangjian.meetings.models import Activity, AgendaItem, Attendance, Record, Rectification
from dangjian.meetings.models import Status as ActivityStatus
from dangjian.members.choices import ACTIVE_STATUSES, Category
from dangjian.members.models import Member, Transfer
from dangjian.orgs import structure
from dangjian.orgs.choices import COMMITTEE_TITLES, OrgKind, PositionTitle
from dangjian.orgs.models import Organisation, Position
from dangjian.rulebook import rulebook as rulebook_module
from dangjian.talks import coverage as talk_coverage
from dangjian.talks.models import Talk

from . import engine
from .engine import ActivityFact, OrgFacts, TalkCoverage

CHUNK = 2000
# Items not kept as activities, with the module that records them once it exists (none yet).
EVALUATED_KINDS: frozenset[str] = frozenset()


@dataclass
class OrgBundle:
    org: OrgFacts
    activities: dict[tuple[int, str], list[ActivityFact]]
    talk: TalkCoverage | None


def org_facts(root: Organisation) -> list[OrgFacts]:
    """Branches and 党小组 under `root` (itself included), with committee and group counts: two queries."""
    rows = list(
        Organisation.objects.subtree(root)
        .filter(kind__in=(OrgKind.BRANCH, OrgKind.GROUP, OrgKind.GENERAL_BRANCH))
        .values("id", "code", "name", "kind", "parent_id", "category", "founded_on", "dissolved_on")
        .order_by("id")
    )
    full = dict(
        Member.objects.filter(
            org__path__startswith=root.path, status__in=ACTIVE_STATUSES, category=Category.FULL
        )
        .values_list("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    kinds = {r["id"]: r["kind"] for r in rows}
    groups: dict[int, int] = defaultdict(int)
    for r in rows:
        if r["kind"] == OrgKind.GROUP and r["parent_id"]:
            groups[r["parent_id"]] += 1
    out = []
    for r in rows:
        if r["kind"] == OrgKind.GENERAL_BRANCH:
            continue
        general = r["parent_id"] if kinds.get(r["parent_id"]) == OrgKind.GENERAL_BRANCH else None
        out.append(
            OrgFacts(
                id=r["id"],
                code=r["code"],
                name=r["name"],
                kind=r["kind"],
                founded_on=r["founded_on"],
                dissolved_on=r["dissolved_on"],
                parent_id=r["parent_id"],
                category=r["category"],
                has_committee=r["kind"] == OrgKind.BRANCH and structure.has_committee(full.get(r["id"], 0)),
                group_count=groups[r["id"]],
                general_id=general,
            )
        )
    return out


def _held(root: Organisation, year: int, as_of: dt.date, prefix: str = "") -> Q:
    """Activities held under `root` in `year`, up to `as_of` (reached through `prefix`)."""
    return Q(
        **{
            f"{prefix}org__path__startswith": root.path,
            f"{prefix}status": ActivityStatus.HELD,
            f"{prefix}date__gte": dt.date(year, 1, 1),
            f"{prefix}date__lte": min(as_of, dt.date(year, 12, 31)),
        }
    )


def _only_for(kinds: list[str], condition) -> Case:
    return Case(When(kind__in=kinds, then=condition), default=Value(False), output_field=BooleanField())


def activity_rows(root: Organisation, year: int, as_of: dt.date):
    """Held activities of the year up to `as_of`, ordered by organisation: one query, streamed."""
    book = rulebook_module.current()
    quorum_kinds = [i.code for i in book.items.values() if i.quorum]
    share = min((i.quorum.present_over for i in book.items.values() if i.quorum), default=0.5)

    def needing(record: str) -> list[str]:
        return [i.code for i in book.items.values() if record in i.records]

    short = AgendaItem.objects.filter(activity=OuterRef("pk")).filter(
        Q(eligible=0)
        | Q(present__lte=ExpressionWrapper(F("eligible") * Value(share), output_field=FloatField()))
    )
    return (
        Activity.objects.filter(_held(root, year, as_of))
        .annotate(
            has_minutes=ExpressionWrapper(~Q(minutes=""), output_field=BooleanField()),
            # Each look-up only for the kinds that need it: PostgreSQL runs a CASE's subquery lazily.
            has_attendance=_only_for(
                needing("sign_in_sheet"),
                Exists(Attendance.objects.filter(activity=OuterRef("pk")).exclude(status="")),
            ),
            has_rectification=_only_for(
                needing("rectification"), Exists(Rectification.objects.filter(activity=OuterRef("pk")))
            ),
            voted=_only_for(quorum_kinds, Exists(AgendaItem.objects.filter(activity=OuterRef("pk")))),
            short=_only_for(quorum_kinds, Exists(short)),
        )
        .order_by("org_id", "id")
        .values_list(
            "id",
            "org_id",
            "kind",
            "date",
            "title",
            "speaker__name",
            "speaker_allowed",
            "is_late_entry",
            "has_minutes",
            "has_attendance",
            "has_rectification",
            "voted",
            "short",
        )
        .iterator(chunk_size=CHUNK)
    )


def record_rows(root: Organisation, year: int, as_of: dt.date):
    """(org id, activity id, record kind) of the same activities, in the same order: one query, streamed."""
    return (
        Record.objects.filter(_held(root, year, as_of, "activity__"))
        .order_by("activity__org_id", "activity_id")
        .values_list("activity__org_id", "activity_id", "kind")
        .distinct()
        .iterator(chunk_size=CHUNK)
    )


def _fact(row, kinds: set[str]) -> ActivityFact:
    (
        pk,
        org_id,
        kind,
        day,
        title,
        speaker,
        allowed,
        late,
        minutes,
        attendance,
        rectification,
        voted,
        short,
    ) = row
    if minutes:
        kinds.add("minutes")
    if attendance:
        kinds.add("sign_in_sheet")
    if rectification:
        kinds.add("rectification")
    return ActivityFact(
        id=pk,
        org_id=org_id,
        kind=kind,
        date=day,
        title=title,
        records=frozenset(kinds),
        speaker=speaker or "",
        speaker_allowed=allowed,
        quorum_met=(not short) if voted else None,
        late_entry=late,
    )


def talk_coverages(root: Organisation, year: int, as_of: dt.date) -> dict[int, TalkCoverage]:
    """谈心谈话 coverage of every branch under `root`, by the talks app's `coverage()`: four queries.

    Members are taken from the register as they stand (joining date, or the date they were
    transferred in); members who left during the year are not expected, as in the talks app.
    """
    start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of)
    if end < start:
        return {}
    posts = defaultdict(list)
    for org_id, member_id, name, title, first, last in (
        Position.objects.filter(
            org__path__startswith=root.path, title__in=COMMITTEE_TITLES, started_on__lte=end
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values_list("org_id", "member_id", "member__name", "title", "started_on", "ended_on")
    ):
        posts[org_id].append((member_id, name, title, first, last))
    moved_in = {
        (m, o): d
        for m, o, d in Transfer.objects.filter(to_org__path__startswith=root.path, transferred_on__lte=end)
        .order_by("transferred_on")
        .values_list("member_id", "to_org_id", "transferred_on")
    }
    on_committee = {(org_id, p[0]) for org_id, org_posts in posts.items() for p in org_posts}
    stints = defaultdict(list)
    for member_id, org_id, name, joined in Member.objects.filter(
        org__path__startswith=root.path, status__in=ACTIVE_STATUSES, joined_on__lte=end
    ).values_list("id", "org_id", "name", "joined_on"):
        first = moved_in.get((member_id, org_id), joined)
        stints[org_id].append(
            talk_coverage.Stint(member_id, name, first, None, (org_id, member_id) in on_committee)
        )
    talks = defaultdict(list)
    for pk, org_id, a, b, on in Talk.objects.filter(
        org__path__startswith=root.path, talked_on__range=(start, end)
    ).values_list("pk", "org_id", "initiator_id", "partner_id", "talked_on"):
        talks[org_id].append(talk_coverage.TalkFact(pk, a, b, on))
    minimum = rulebook_module.current().item("heart_talk").frequency.min
    out = {}
    for org_id, org_stints in stints.items():
        terms = [
            talk_coverage.Term(m, n, f, last)
            for m, n, t, f, last in posts.get(org_id, ())
            if t == PositionTitle.SECRETARY
        ]
        here = {s.member_id for s in org_stints}
        extra = [
            talk_coverage.Stint(m, n, f, last, True)
            for m, n, _t, f, last in posts.get(org_id, ())
            if m not in here
        ]
        cov = talk_coverage.coverage(
            year, org_stints + extra, terms, talks[org_id], as_of=as_of, minimum=minimum
        )
        out[org_id] = TalkCoverage(
            org_id,
            year,
            cov.expected,
            tuple(r.name for r in cov.missing_rows),
            has_secretary=not cov.no_secretary,
        )
    return out


def stream(root: Organisation, year: int, as_of: dt.date) -> Iterator[OrgBundle]:
    """Each organisation under `root` with its facts, in id order; a fixed number of queries in all."""
    orgs = org_facts(root)
    talks = talk_coverages(root, year, as_of)
    activities = activity_rows(root, year, as_of)
    records = record_rows(root, year, as_of)
    pending_activity = next(activities, None)
    pending_record = next(records, None)
    for org in orgs:
        kinds_by_activity: dict[int, set[str]] = defaultdict(set)
        while pending_record is not None and pending_record[0] <= org.id:
            if pending_record[0] == org.id:
                kinds_by_activity[pending_record[1]].add(pending_record[2])
            pending_record = next(records, None)
        grouped: dict[tuple[int, str], list[ActivityFact]] = defaultdict(list)
        while pending_activity is not None and pending_activity[1] <= org.id:
            if pending_activity[1] == org.id:
                fact = _fact(pending_activity, kinds_by_activity.get(pending_activity[0], set()))
                grouped[org.id, fact.kind].append(fact)
            pending_activity = next(activities, None)
        yield OrgBundle(org, grouped, talks.get(org.id))


def iter_verdicts(root: Organisation, year: int, as_of: dt.date, *, within=None, rules=None, book=None):
    """Verdicts of every organisation under `root` for `year`, streamed organisation by organisation."""
    book = book or rulebook_module.current()
    for bundle in stream(root, year, as_of):
        coverage = {(bundle.org.id, year): bundle.talk} if bundle.talk else {}
        yield from engine.evaluate(
            [bundle.org],
            book,
            bundle.activities,
            coverage,
            as_of,
            year=year,
            within=within,
            rules=rules,
            evaluated_kinds=EVALUATED_KINDS,
        )
