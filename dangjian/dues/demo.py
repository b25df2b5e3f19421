"""Demo 党费: profiles for last year and this year, a ledger paid month by month (some quarterly, some at
the 主题党日), a few members in arrears (one over six months), one approved exemption, and the town's
上缴. `scale()` fills a county's ledger for the benchmark (bench/dues.py)."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from dangjian.accounts.models import User
from dangjian.meetings.models import Attendance, AttendanceStatus, Status
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.orgs.choices import OrgCategory

from .ledger import last_closed_month
from .models import Entry, Method, Payment, Profile, Relief, Remittance
from .rates import add_months, current, months_between

BEHIND = (2, 3, 4, 7)  # months unpaid of the members shown in arrears (7: over the six-month line)
CHUNK = 5000


def _profile(rng: random.Random, member, org_category: str, year: int) -> Profile:
    roll = rng.random()
    if org_category in (OrgCategory.ORGAN, OrgCategory.SCHOOL):
        category, base, fixed = "employed", Decimal(rng.randrange(2600, 12500, 50)), None
    elif org_category == OrgCategory.ENTERPRISE:
        category, base, fixed = "employed", Decimal(rng.randrange(2800, 9000, 50)), None
    elif roll < 0.35 or org_category == OrgCategory.COMMUNITY and roll < 0.7:
        category, base, fixed = "retired", Decimal(rng.randrange(1800, 6500, 50)), None
    elif roll < 0.9:
        category, base, fixed = "farmer", None, Decimal(rng.choice(["0.20", "0.50", "1.00"]))
    else:
        category, base, fixed = "student" if member.birth_date.year > 2000 else "unemployed", None, None
    p = Profile(member=member, year=year, category=category, base=base, fixed=fixed)
    p.compute()
    return p


def _bulk_ledger(rows: list[tuple[Payment, list[Entry]]]) -> None:
    payments = Payment.objects.bulk_create([p for p, _ in rows], batch_size=CHUNK)
    entries = []
    for payment, (_, lines) in zip(payments, rows, strict=True):
        for e in lines:
            e.payment = payment
            entries.append(e)
    Entry.objects.bulk_create(entries, batch_size=CHUNK)


def _payment(member, months, monthly: dict[int, Decimal], paid_on, method, **kw):
    this_month = paid_on.replace(day=1)
    lines = [
        Entry(
            member=member,
            org_id=member.org_id,
            month=m,
            amount=monthly[m.year],
            due=monthly[m.year],
            back_payment=m < this_month,
            advance=m > this_month,
        )
        for m in months
    ]
    payment = Payment(
        member=member,
        org_id=member.org_id,
        paid_on=paid_on,
        method=method,
        amount=sum((e.amount for e in lines), Decimal("0")),
        **kw,
    )
    return payment, lines


@transaction.atomic
def _theme_days_attended(members, months) -> dict:
    """(member id, month) -> the 主题党日 held that month at which the member was present."""
    if not months:
        return {}
    present = Attendance.objects.filter(
        member__in=members,
        status=AttendanceStatus.PRESENT,
        activity__kind=current().theme_item,
        activity__status=Status.HELD,
        activity__date__gte=months[0],
        activity__date__lt=add_months(months[-1], 1),
    ).select_related("activity")
    return {
        (a.member_id, a.activity.date.replace(day=1)): a.activity for a in present.order_by("activity__date")
    }


def populate(ctx) -> None:
    if ctx.scale:  # a county's ledger is built by `scale()` for the benchmark, not by every scaled demo
        return
    rng, today = ctx.rng, ctx.today
    office = User.objects.filter(kind=User.Kind.OFFICE).first()
    categories = {b.pk: b.category for b in ctx.branches}
    years = (today.year - 1, today.year)
    # Only members in the party owe dues; the deceased and those who left have no ledger.
    payers = [m for m in ctx.members if m.status in ACTIVE_STATUSES]
    profiles = [_profile(rng, m, categories.get(m.org_id, ""), y) for m in payers for y in years]
    Profile.objects.bulk_create(profiles, batch_size=CHUNK)
    monthly: dict[int, dict[int, Decimal]] = {}
    for p in profiles:
        monthly.setdefault(p.member_id, {})[p.year] = p.monthly
    last = last_closed_month(today)
    months = months_between(dt.date(years[0], 1, 1), last)
    behind = {m.pk: n for m, n in zip(rng.sample(payers, len(BEHIND)), BEHIND, strict=True)}
    exempt = next(m for m in payers if m.pk not in behind)
    theme_days = _theme_days_attended(payers, months)
    rows = []
    for member in payers:
        owed = months[: len(months) - behind.get(member.pk, 0)] if member.pk != exempt.pk else months[:12]
        quarterly = rng.random() < 0.15
        step = 3 if quarterly else 1
        for i in range(0, len(owed), step):
            chunk = owed[i : i + step]
            paid_on = chunk[0].replace(day=rng.randint(5, 25))
            method = Method.TRANSFER if quarterly else rng.choice([Method.CASH, Method.CASH, Method.TRANSFER])
            at = {}
            if not quarterly and (activity := theme_days.get((member.pk, chunk[0]))):
                # Paid in cash at the month's 主题党日: the ledger is then its 党费交纳台帐.
                paid_on, method = activity.date, Method.CASH
                at = {"activity": activity, "source": Payment.Source.THEME_DAY}
            rows.append(
                _payment(
                    member, chunk, monthly[member.pk], paid_on, method, recorded_by=office, note="", **at
                )
            )
    _bulk_ledger(rows)
    Relief.objects.create(
        member=exempt,
        kind=Relief.Kind.EXEMPT,
        monthly=Decimal("0"),
        start=dt.date(today.year, 1, 1),
        end=dt.date(today.year, 12, 1),
        reason="本人重病住院，家庭生活困难",
        decided_on=dt.date(today.year, 1, 8),
        decision="支部委员会会议研究决定",
        approved_on=dt.date(today.year, 1, 20),
        approver=ctx.town.name,
        approved_by=office,
        recorded_by=office,
    )
    # The town hands each quarter's dues to the county in the month after it.
    book = current()
    for q_end in [m for m in months if m.month in (3, 6, 9, 12)]:
        quarter = [add_months(q_end, -2), add_months(q_end, -1), q_end]
        total = Entry.objects.filter(month__in=quarter).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        Remittance.objects.create(
            org=ctx.town,
            month=q_end,
            amount=book.round(total),
            remitted_on=add_months(q_end, 1).replace(day=10),
            to="县委组织部",
            recorded_by=office,
        )


def scale(members, first_year: int, years: int, seed: int = 1) -> int:
    """A county's ledger for the benchmark: a profile per member and year, one payment per member and
    year with an entry per month (bulk, no history rows); a few members stop paying. Returns the
    number of payments written."""
    rng = random.Random(seed)
    months = months_between(dt.date(first_year, 1, 1), dt.date(first_year + years - 1, 12, 1))
    written = 0
    batch: list[tuple[Payment, list[Entry]]] = []
    profiles: list[Profile] = []

    def flush():
        with transaction.atomic():
            Profile.objects.bulk_create(profiles, batch_size=CHUNK)
            _bulk_ledger(batch)
        n = len(batch)
        batch.clear()
        profiles.clear()
        return n

    for member in members:
        mine = [_profile(rng, member, "", y) for y in range(first_year, first_year + years)]
        profiles.extend(mine)
        monthly = {p.year: p.monthly for p in mine}
        stop = len(months) - (rng.randint(1, 8) if rng.random() < 0.03 else 0)
        for year in range(first_year, first_year + years):  # one payment a year, an entry a month
            paid = [m for m in months[:stop] if m.year == year]
            if paid:
                batch.append(_payment(member, paid, monthly, paid[0].replace(day=15), Method.TRANSFER))
        if len(batch) >= CHUNK:
            written += flush()
    return written + flush()
