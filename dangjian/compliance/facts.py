"""Loads the engine's plain facts from the models in a fixed number of queries, whatever the branch count.

`stream(root, year, as_of)` walks the organisations under `root` (one organisation, or several: the
branches a 党建指导员 guides) in id order and yields, for each,
its `OrgFacts`, its held activities of the year grouped by kind, and its 谈心谈话 coverage. The
activity and record queries are read with server-side cursors ordered by organisation and merged
as they come, so memory stays bounded by one organisation's activities, not the county's.

What counts as a record present follows the meetings app (`services.record_checklist`): an
uploaded or referenced record of that kind, not removed by then; the 签到表 is satisfied by recorded
attendance, the 会议记录 by minutes written in the page, the 整改措施 by rectification items, and the
组织生活会's 谈心谈话记录 by talks recorded as 组织生活会前谈话 in the talks app (each fact entered once). A
支部党员大会 lacks its quorum when any of its votes had no more than the rulebook's share of eligible
members present. Every activity says whether anyone was recorded present (出席 or 迟到), and a
主题党日 which of its parts were held.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
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
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import StartsWith
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from dangjian.accounts.access import Access
from dangjian.dues import theme_day as dues_theme_day
from dangjian.evaluations.models import Ballot, Campaign, Decision, SelfEvaluation
from dangjian.meetings.models import Activity, AgendaItem, Attendance, AttendanceStatus, Record, Rectification
from dangjian.meetings.models import Status as ActivityStatus
from dangjian.members.choices import ACTIVE_STATUSES, Category
from dangjian.members.models import Member
from dangjian.orgs import structure
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation, Position
from dangjian.rulebook import rulebook as rulebook_module
from dangjian.talks.models import Talk
from dangjian.talks.services import coverages_for

from . import engine
from .engine import ActivityFact, OrgFacts, TalkCoverage

CHUNK = 2000
# Items not kept as activities that another module records: 民主评议党员 by the evaluations app.
EVALUATION = "member_evaluation"
EVALUATED_KINDS: frozenset[str] = frozenset({EVALUATION})
# Items without a frequency that an app checks from its own records: {item code: its function, called as
# f(root, year, as_of) and answering {org id: engine.Checked}; an organisation left out has no records}.
CHECKED_ITEMS = {
    "member_development": "dangjian.recruitment.pipeline.checked",
    "member_education": "dangjian.education.verdicts.checked",
}
# The record a talk recorded as 组织生活会前谈话 stands for.
TALK_RECORDS = "talk_records"


Root = Organisation | Sequence[Organisation]


def under(root: Root, prefix: str = "") -> Q:
    """Rows whose organisation (reached through `prefix`) lies under `root`: one organisation's subtree,
    or the union of several, in one filter (the access module's, which stays shallow for many roots)."""
    roots = [root] if isinstance(root, Organisation) else list(root)
    return Access(view=tuple(r.path for r in roots)).org_q(prefix)


@dataclass
class OrgBundle:
    org: OrgFacts
    activities: dict[tuple[int, str], list[ActivityFact]]
    talk: TalkCoverage | None


def org_facts(root: Root) -> list[OrgFacts]:
    """Branches and 党小组 under `root` (itself included), with committee and group counts: two queries."""
    rows = list(
        Organisation.objects.filter(under(root))
        .filter(kind__in=(OrgKind.BRANCH, OrgKind.GROUP, OrgKind.GENERAL_BRANCH))
        .values("id", "code", "name", "kind", "parent_id", "category", "founded_on", "dissolved_on")
        .order_by("id")
    )
    full = dict(
        Member.objects.filter(under(root, "org__"), status__in=ACTIVE_STATUSES, category=Category.FULL)
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


def entered_by(as_of: dt.date) -> dt.datetime:
    """The end of the `as_of` day: what was entered after it is not known to an evaluation as of that day."""
    return timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))


def _held(root: Root, year: int, as_of: dt.date, prefix: str = "") -> Q:
    """Activities held under `root` in `year` up to `as_of` and entered by then (reached through `prefix`)."""
    return under(root, f"{prefix}org__") & Q(
        **{
            f"{prefix}status": ActivityStatus.HELD,
            f"{prefix}date__gte": dt.date(year, 1, 1),
            f"{prefix}date__lte": min(as_of, dt.date(year, 12, 31)),
            f"{prefix}created_at__lt": entered_by(as_of),
        }
    )


def _only_for(kinds: list[str], condition) -> Case:
    return Case(When(kind__in=kinds, then=condition), default=Value(False), output_field=BooleanField())


def _led_by() -> dict[str, str]:
    """Activity kinds whose rule wants some of them led by a post (`given_by`), with that post."""
    return {i.code: i.given_by.title for i in rulebook_module.current().activity_items() if i.given_by}


def activity_rows(root: Root, year: int, as_of: dt.date):
    """Held activities of the year up to `as_of`, ordered by organisation: one query, streamed."""
    book = rulebook_module.current()
    # Whether the speaker held the post the rule names in the organisation on the day.
    led_by = Case(
        *[
            When(
                kind=kind,
                then=Exists(
                    Position.objects.filter(
                        org=OuterRef("org"),
                        member=OuterRef("speaker"),
                        title=title,
                        started_on__lte=OuterRef("date"),
                    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("date")))
                ),
            )
            for kind, title in _led_by().items()
        ],
        default=Value(False),
        output_field=BooleanField(),
    )
    # A speaker holding a `leaders_above` post above the branch (党总支 or 镇党委 书记, 党建指导员) on the
    # day is allowed, whatever was stored when the lecture was saved under an older rulebook.
    from_above = Case(
        *[
            When(
                kind=item.code,
                then=Exists(
                    Position.objects.filter(
                        StartsWith(OuterRef("org__path"), F("org__path")),
                        member=OuterRef("speaker"),
                        title__in=item.leaders_above,
                        started_on__lte=OuterRef("date"),
                    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("date")))
                ),
            )
            for item in book.activity_items()
            if item.leaders_above
        ],
        default=Value(False),
        output_field=BooleanField(),
    )
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
            attended=Exists(
                Attendance.objects.filter(
                    activity=OuterRef("pk"), status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE)
                )
            ),
            voted=_only_for(quorum_kinds, Exists(AgendaItem.objects.filter(activity=OuterRef("pk")))),
            short=_only_for(quorum_kinds, Exists(short)),
            led=led_by,
            from_above=from_above,
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
            "led",
            "attended",
            "parts",
            "from_above",
        )
        .iterator(chunk_size=CHUNK)
    )


def record_rows(root: Root, year: int, as_of: dt.date):
    """(org id, activity id, record kind) of the same activities, in the same order: one query, streamed."""
    return (
        Record.objects.filter(_held(root, year, as_of, "activity__"), uploaded_at__lt=entered_by(as_of))
        .exclude(removed_at__lt=entered_by(as_of))  # removed by then: filed by mistake, not a record
        .order_by("activity__org_id", "activity_id")
        .values_list("activity__org_id", "activity_id", "kind")
        .distinct()
        .iterator(chunk_size=CHUNK)
    )


def review_talks(root: Root, year: int, as_of: dt.date) -> dict[int, list[tuple[int, dt.date]]]:
    """(review year, date) of the talks recorded as 组织生活会前谈话 that may prepare a 组织生活会 held in
    `year` (one of that year or the year before), by branch: one query."""
    rows = (
        Talk.objects.filter(
            under(root, "org__"),
            before_review_year__in=(year - 1, year),
            talked_on__lte=as_of,
            created_at__lt=entered_by(as_of),
        )
        .order_by()
        .values_list("org_id", "before_review_year", "talked_on")
    )
    out: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for org_id, review_year, on in rows:
        out[org_id].append((review_year, on))
    return out


def _prepared_by_talks(day: dt.date, talks: list[tuple[int, dt.date]]) -> bool:
    """Whether a 组织生活会 on `day` had its 会前谈话: a talk on or before it, recorded for the review of
    that year or the year before (a year's 组织生活会 is held at its end or early in the next)."""
    return any(on <= day and day.year in (review_year, review_year + 1) for review_year, on in talks)


def _fact(row, kinds: set[str], led_by: dict[str, str], talks=(), needs=None) -> ActivityFact:
    """One activity's facts; `needs` gives each kind's (parts, record kinds) from the rulebook."""
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
        led,
        attended,
        parts,
        from_above,
    ) = row
    if minutes:
        kinds.add("minutes")
    if attendance:
        kinds.add("sign_in_sheet")
    if rectification:
        kinds.add("rectification")
    item_parts, item_records = (needs or {}).get(kind, ((), frozenset()))
    if talks and TALK_RECORDS in item_records and _prepared_by_talks(day, talks):
        kinds.add(TALK_RECORDS)
    return ActivityFact(
        id=pk,
        org_id=org_id,
        kind=kind,
        date=day,
        title=title,
        records=frozenset(kinds),
        speaker=speaker or "",
        speaker_allowed=True if from_above else allowed,
        quorum_met=(not short) if voted else None,
        late_entry=late,
        speaker_titles=frozenset({led_by[kind]}) if led else frozenset(),
        attended=bool(attended),
        parts=frozenset(p for p in parts or () if isinstance(p, str)) if item_parts else None,
    )


def evaluation_facts(root: Root, year: int, as_of: dt.date) -> dict[int, list[ActivityFact]]:
    """民主评议党员 of `year` under `root` from the evaluations app, by branch: one query.

    A campaign counts once its organisation's decision (组织评定) was finalised by `as_of`; one still
    running is listed as not counted. Its records are the documents the app produces from what it
    holds: 登记表 and the two lists once decided, 自评表 once self-evaluations were submitted,
    测评表 once ballots were cast.
    """
    statuses = dict(Campaign.Status.choices)
    out: dict[int, list[ActivityFact]] = defaultdict(list)
    rows = (
        Campaign.objects.filter(under(root, "org__"), year=year, created_at__lt=entered_by(as_of))
        .annotate(
            decided_on=Subquery(
                Decision.objects.filter(campaign=OuterRef("pk"))
                .order_by("-decided_on")
                .values("decided_on")[:1]
            ),
            has_self=Exists(SelfEvaluation.objects.filter(campaign=OuterRef("pk"), submitted_on__lte=as_of)),
            has_ballots=Exists(Ballot.objects.filter(campaign=OuterRef("pk"))),
        )
        .order_by("org_id", "pk")
        .values_list("pk", "org_id", "status", "created_at", "decided_on", "has_self", "has_ballots")
    )
    for pk, org_id, status, created, decided_on, has_self, has_ballots in rows:
        decided = status == Campaign.Status.DECIDED and (decided_on is None or decided_on <= as_of)
        records = {"self_evaluation_form"} if has_self else set()
        if has_ballots:
            records.add("assessment_form")
        if decided:
            records |= {"evaluation_register", "excellent_list", "unqualified_list"}
        state = statuses[status] if status != Campaign.Status.DECIDED else "评定中"
        day = min(max(timezone.localdate(created), dt.date(year, 1, 1)), dt.date(year, 12, 31), as_of)
        out[org_id].append(
            ActivityFact(
                id=pk,
                org_id=org_id,
                kind=EVALUATION,
                date=day,
                title=f"{year}年度民主评议党员",
                records=frozenset(records),
                not_counted="" if decided else f"评议尚未完成组织评定（{state}），不计入。",
                url=reverse("evaluations:detail", args=[pk]),
            )
        )
    return out


def talk_coverages(root: Root, year: int, as_of: dt.date) -> dict[int, TalkCoverage]:
    """谈心谈话 coverage of every branch under `root`, by the talks app's `coverages_for` (six queries)."""
    if as_of < dt.date(year, 1, 1):
        return {}
    branches = Organisation.objects.filter(under(root), kind=OrgKind.BRANCH)
    return {
        org_id: TalkCoverage(
            org_id,
            year,
            cov.expected,
            tuple(r.name for r in cov.missing_rows),
            has_secretary=not cov.no_secretary,
        )
        for org_id, cov in coverages_for(branches, year, as_of).items()
    }


def _all_records(item) -> frozenset[str]:
    return frozenset(item.records) | {r for stage in item.stages for r in stage.records}


def stream(root: Root, year: int, as_of: dt.date) -> Iterator[OrgBundle]:
    """Each organisation under `root` with its facts, in id order; a fixed number of queries in all."""
    orgs = org_facts(root)
    talks = talk_coverages(root, year, as_of)
    evaluations = evaluation_facts(root, year, as_of)
    activities = activity_rows(root, year, as_of)
    records = record_rows(root, year, as_of)
    talks_before = review_talks(root, year, as_of)
    book = rulebook_module.current()
    needs = {i.code: (i.parts, _all_records(i)) for i in book.activity_items()}
    led_by = _led_by()
    # 主题党日 at which dues were recorded: the ledger is their 党费 part and record (the dues app decides).
    dues_paid = dues_theme_day.paid_activities(Activity.objects.filter(_held(root, year, as_of)).values("pk"))
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
                fact = _fact(
                    pending_activity,
                    kinds_by_activity.get(pending_activity[0], set()),
                    led_by,
                    talks_before.get(org.id, ()),
                    needs,
                )
                fact = dues_theme_day.with_ledger(fact, dues_paid)
                grouped[org.id, fact.kind].append(fact)
            pending_activity = next(activities, None)
        if org.id in evaluations:
            grouped[org.id, EVALUATION] = evaluations[org.id]
        yield OrgBundle(org, grouped, talks.get(org.id))


def iter_verdicts(root: Root, year: int, as_of: dt.date, *, keep=None, book=None, **options):
    """Verdicts of every organisation under `root` for `year`, streamed organisation by organisation.

    `keep(org_facts)` may leave organisations out; `options` go to `engine.evaluate` (`within`, `rules`,
    `brief`). The engine plans the rules' periods once and pulls the organisations one at a time, so
    each one's activities are in memory only while its verdicts are made.
    """
    activities: dict = {}
    coverage: dict = {}

    def orgs():
        for bundle in stream(root, year, as_of):
            if keep is not None and not keep(bundle.org):
                continue
            activities.clear()
            activities.update(bundle.activities)
            coverage.clear()
            if bundle.talk:
                coverage[bundle.org.id, year] = bundle.talk
            yield bundle.org

    yield from engine.evaluate(
        orgs(),
        book or rulebook_module.current(),
        activities,
        coverage,
        as_of,
        year=year,
        evaluated_kinds=EVALUATED_KINDS,
        checked={
            code: import_string(path)(root, year, as_of)
            for code, path in CHECKED_ITEMS.items()
            if options.get("rules") is None or code in options["rules"]
        },
        **options,
    )
