"""Today's verdicts read from storage, refreshed where stale (see docs/compliance.md, 已存结果).

A branch's verdicts of a year are stored as they were computed on a check date, with its 党小组's.
They serve a request only for that same date while no fact of the branch changed since (`triggers.py`
marks the branch stale): the first request of a day, or one finding a marked branch, recomputes those
branches from the facts before reading, so what is shown always equals a fresh computation. The worker
refreshes stale branches soon after a change and every branch after midnight, so that request rarely
has anything to do. Any other check date (the `--as-of` replay) is computed fresh by `services`.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, Min, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Least
from django.utils import timezone

from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation
from dangjian.rulebook import rulebook

from . import facts, services
from .engine import IN_PROGRESS, INCOMPLETE, MET, NOT_APPLICABLE, SEVERITY, UNMET
from .models import StoredVerdict, VerdictState
from .periods import Period

BATCH = 2000
STATUSES = (MET, INCOMPLETE, IN_PROGRESS, UNMET, NOT_APPLICABLE)
_BY_SEVERITY = {n: s for s, n in SEVERITY.items()}


def _fresh(year: int, as_of: dt.date) -> Q:
    return Q(year=year, as_of=as_of, stale=False, rules_version=rulebook.current().version)


def stale_branches(branches, year: int, as_of: dt.date) -> list[int]:
    """Ids of the branches (a queryset) whose stored verdicts of `year` are not of `as_of`: one query."""
    fresh = VerdictState.objects.filter(_fresh(year, as_of), branch=OuterRef("pk"))
    return list(branches.filter(~Exists(fresh)).values_list("pk", flat=True))


def refresh(branch_ids, year: int, as_of: dt.date, root=None) -> int:
    """Recompute and store the verdicts of `year` of these branches (and their 党小组) as of `as_of`.

    `root` (an organisation or several) may name a subtree holding them all, to load the facts of a
    whole county with one filter. Returns the number of verdicts stored."""
    wanted = set(branch_ids)
    if not wanted:
        return 0
    # Claim first, commit, then compute: a fact changed from here on marks the state stale again, and
    # that mark survives the write below, so it is never lost to this computation.
    VerdictState.objects.bulk_create(
        [VerdictState(branch_id=pk, year=year) for pk in wanted], ignore_conflicts=True
    )
    VerdictState.objects.filter(branch_id__in=wanted, year=year).update(stale=False)
    if root is None:
        root = list(Organisation.objects.filter(pk__in=wanted))
    branch_of: dict[int, int] = {}

    def keep(org) -> bool:
        branch = org.parent_id if org.kind == OrgKind.GROUP else org.id
        branch_of[org.id] = branch
        return branch in wanted

    codes = {i.code for i in rulebook.current().items.values() if i.frequency.period != "none"}
    rows = [
        StoredVerdict(
            branch_id=branch_of[v.org_id],
            org_id=v.org_id,
            rule=v.rule,
            year=year,
            period=v.period,
            period_kind=v.period_kind,
            starts_on=(p := Period.parse(v.period)).start,
            ends_on=p.end,
            status=v.status,
            required=v.required,
            counted=v.counted,
        )
        for v in facts.iter_verdicts(root, year, as_of, keep=keep, rules=codes, brief=True)
    ]
    with transaction.atomic():
        states = VerdictState.objects.select_for_update().filter(branch_id__in=wanted, year=year)
        list(states.order_by("branch_id").values_list("pk"))  # one refresh of a branch at a time
        StoredVerdict.objects.filter(branch_id__in=wanted, year=year).delete()
        StoredVerdict.objects.bulk_create(rows, batch_size=BATCH)
        states.update(as_of=as_of, rules_version=rulebook.current().version, computed_at=timezone.now())
    return len(rows)


def refresh_stale(as_of: dt.date | None = None) -> int:
    """Every stored branch-year not computed for `as_of` (today) or marked stale since, year by year: what
    the worker runs after changes and after midnight. Returns the number of verdicts stored."""
    as_of = as_of or timezone.localdate()
    stored = 0
    for year in VerdictState.objects.order_by("-year").values_list("year", flat=True).distinct():
        todo = list(
            VerdictState.objects.filter(year=year)
            .exclude(_fresh(year, as_of))
            .values_list("branch_id", flat=True)
        )
        stored += refresh(todo, year, as_of, root=_town_root(len(todo)))
    return stored


def rebuild(years, as_of: dt.date | None = None) -> int:
    """Recompute every branch for these years (the `verdicts --rebuild` command)."""
    as_of = as_of or timezone.localdate()
    branches = list(Organisation.objects.filter(kind=OrgKind.BRANCH).values_list("pk", flat=True))
    return sum(refresh(branches, year, as_of, root=_town_root(len(branches))) for year in years)


def _town_root(many: int):
    """The top organisations when many branches are refreshed (one subtree filter instead of a list)."""
    if many < 50:
        return None
    return list(Organisation.objects.filter(parent__isnull=True))


def ensure(branches, roots, year: int, as_of: dt.date) -> None:
    """Refresh the stale ones among `branches` (a queryset) before they are read."""
    stale = stale_branches(branches, year, as_of)
    if stale:
        refresh(stale, year, as_of, root=roots if len(stale) >= 50 else None)


def _severity() -> Case:
    return Case(*[When(status=s, then=Value(n)) for s, n in SEVERITY.items()], output_field=IntegerField())


def _in(branches, year: int, period: Period, codes) -> Q:
    return Q(
        branch__in=branches, year=year, rule__in=codes, starts_on__lte=period.end, ends_on__gte=period.start
    )


def matrix(roots, year: int, as_of: dt.date, period: Period | None = None, *, general_id=None, category=""):
    """`services.matrix` from the stored verdicts when `as_of` is today (refreshing the stale branches
    first), else computed fresh. Stored, the rows come without their cells: `fill_cells` adds those of
    the rows shown. Four queries when nothing is stale, whatever the branch count."""
    if as_of != timezone.localdate():
        return services.matrix(roots, year, as_of, period, general_id=general_id, category=category)
    period = period or Period(year, 1, "year")
    branches = Organisation.objects.filter(facts.under(roots), kind=OrgKind.BRANCH)
    if general_id:
        branches = branches.filter(parent_id=general_id)
    if category:
        branches = branches.filter(category=category)
    ensure(branches, roots, year, as_of)
    rows = {
        r["id"]: services.Row(
            r["id"],
            r["code"],
            r["name"],
            r["category"],
            r["parent_id"] if r["parent__kind"] == OrgKind.GENERAL_BRANCH else None,
        )
        for r in branches.values("id", "code", "name", "category", "parent_id", "parent__kind")
    }
    rules = services.matrix_rules()
    found = StoredVerdict.objects.filter(_in(branches, year, period, [r.code for r in rules]))
    # Each branch's rate: the verdicts of periods over by the check date.
    decided = found.filter(ends_on__lt=as_of, status__in=services.DECIDED)
    for branch_id, met, incomplete, n in (
        decided.values("branch_id")
        .annotate(met=Count("id", filter=Q(status=MET)), incomplete=Count("id", filter=Q(status=INCOMPLETE)))
        .annotate(n=Count("id"))
        .values_list("branch_id", "met", "incomplete", "n")
        .order_by()
    ):
        rows[branch_id].tally = services.Tally(met=met, incomplete=incomplete, decided=n)
    # The charts' figures: by rule, by month, in all.
    by_rule: dict[str, services.Tally] = defaultdict(services.Tally)
    by_month: dict[int, services.Tally] = defaultdict(services.Tally)
    totals: dict[str, int] = defaultdict(int)
    for rule, status, kind, label, ends_on, n in (
        found.values_list("rule", "status", "period_kind", "period", "ends_on")
        .annotate(n=Count("id"))
        .order_by()
    ):
        totals[status] += n
        tallies = [by_rule[rule]] + ([by_month[int(label[-2:])]] if kind == "month" else [])
        for tally in tallies:
            tally.open[status] += n
            if ends_on < as_of and status in services.DECIDED:
                tally.met += n * (status == MET)
                tally.incomplete += n * (status == INCOMPLETE)
                tally.decided += n
    return services.Matrix(
        year=year,
        period=period,
        as_of=as_of,
        rules=rules,
        rows=sorted(rows.values(), key=lambda r: r.code),
        by_rule=dict(by_rule),
        by_month=dict(by_month),
        totals=dict(totals),
        rules_version=rulebook.current().version,
    )


def fill_cells(m: services.Matrix, rows: list[services.Row]) -> None:
    """The cells of those `rows` that have none yet (stored rows; a fresh matrix has them): one query."""
    empty = {r.org_id: r for r in rows if not r.cells}
    if not empty:
        return
    codes = [r.code for r in m.rules]
    for branch_id, rule, worst, required, counted, n in (
        StoredVerdict.objects.filter(_in(list(empty), m.year, m.period, codes))
        .values("branch_id", "rule")
        .annotate(
            worst=Min(_severity()),
            required_sum=Sum("required"),
            counted_sum=Sum(Least("counted", "required")),
            n=Count("id"),
        )
        .values_list("branch_id", "rule", "worst", "required_sum", "counted_sum", "n")
        .order_by()
    ):
        empty[branch_id].cells[rule] = services.Cell(_BY_SEVERITY[worst], required, counted, n)
