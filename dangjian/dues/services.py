"""党费 services: the ledger's writes (payments, reversals, paying at a 主题党日) and its reads (arrears,
months paid, the branch's 台帐 and the town's summary), each read in a fixed number of queries."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum

from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member

from . import ledger, rates
from .ledger import ZERO, MonthState, ReliefSpan
from .models import Entry, Method, Payment, Profile, Relief, Remittance
from .rates import month_start, months_between


@dataclass
class MemberLedger:
    member_id: int
    states: list[MonthState]

    @property
    def behind(self) -> list[MonthState]:
        return [s for s in self.states if not s.settled]

    @property
    def owing(self) -> Decimal:
        return sum((s.owing for s in self.states), ZERO)

    @property
    def consecutive(self) -> int:
        return ledger.consecutive_unpaid(self.states)


def _ids(member_ids: Iterable[int]) -> list[int]:
    return sorted({int(getattr(m, "pk", m)) for m in member_ids})


def _profiles(ids: list[int], upto_year: int) -> dict[int, dict[int, Decimal]]:
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = Profile.objects.filter(member_id__in=ids, year__lte=upto_year).values_list(
        "member_id", "year", "monthly"
    )
    for member_id, year, monthly in rows:
        out[member_id][year] = monthly
    return out


def _reliefs(ids: list[int]) -> dict[int, list[ReliefSpan]]:
    out: dict[int, list[ReliefSpan]] = defaultdict(list)
    rows = Relief.objects.filter(member_id__in=ids, approved_on__isnull=False).values_list(
        "member_id", "start", "end", "kind", "monthly"
    )
    for member_id, start, end, kind, monthly in rows:
        out[member_id].append(ReliefSpan(start, end, ZERO if kind == Relief.Kind.EXEMPT else monthly))
    return out


def _paid(ids: list[int], start: dt.date | None = None, end: dt.date | None = None):
    q = Q(member_id__in=ids)
    if start:
        q &= Q(month__gte=month_start(start))
    if end:
        q &= Q(month__lte=month_start(end))
    out: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    rows = Entry.objects.filter(q).order_by().values_list("member_id", "month").annotate(s=Sum("amount"))
    for member_id, month, total in rows:
        out[member_id][month] = Decimal(total).quantize(ZERO)  # SQLite's sums come back as plain numbers
    return out


def ledgers(member_ids: Iterable[int], last: dt.date) -> dict[int, MemberLedger]:
    """Each member's months from the ledger's start to `last`: four queries whatever the count (three when
    given Member objects)."""
    given = list(member_ids)
    ids = _ids(given)
    profiles = _profiles(ids, last.year)
    reliefs = _reliefs(ids)
    paid = _paid(ids, end=last)
    if given and all(isinstance(m, Member) for m in given):  # their dates already loaded
        joined = {m.pk: m.joined_on for m in given}
    else:
        joined = dict(Member.objects.filter(pk__in=ids).values_list("pk", "joined_on"))
    return {
        i: MemberLedger(
            i, ledger.states(profiles.get(i, {}), reliefs.get(i, []), paid.get(i, {}), joined.get(i), last)
        )
        for i in ids
    }


def months_unpaid(member_ids: Iterable[int], as_of: dt.date) -> dict[int, int]:
    """Consecutive months not paid in full (approved exemptions count as paid), counted back from the last
    month over by `as_of`, for each member: the count the six-month rule (自行脱党) reads."""
    return {i: row.consecutive for i, row in ledgers(member_ids, ledger.last_closed_month(as_of)).items()}


def paid_months(member_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
    """The months (their first days) from `start` to `end` each member has settled: net paid at least what
    was due, an approved exemption making that zero."""
    out = {}
    first = month_start(start)
    for i, row in ledgers(member_ids, month_start(end)).items():
        out[i] = {s.month for s in row.states if s.month >= first and s.settled}
    return out


@dataclass
class Arrear:
    member: Member
    months: list[dt.date]
    amount: Decimal
    consecutive: int
    flagged: bool  # six consecutive months or more: the facts for the branch's decision, nothing automatic
    facts: str = ""


def arrears(members: Iterable[Member], as_of: dt.date) -> list[Arrear]:
    """Members behind with their dues, most months first."""
    members = list(members)
    book = rates.current()
    rows = ledgers(members, ledger.last_closed_month(as_of))
    out = []
    for m in members:
        row = rows[m.pk]
        behind = row.behind
        if not behind:
            continue
        consecutive = row.consecutive
        flagged = consecutive >= book.arrears_months
        facts = ""
        if flagged:
            first = behind[-consecutive].month
            facts = (
                f"自{first.year}年{first.month}月起连续{consecutive}个月未交纳党费，"
                f"共欠交{row.owing}元；是否有正当理由、如何处理，由党支部研究决定（{book.arrears_source}）"
            )
        out.append(Arrear(m, [s.month for s in behind], row.owing, consecutive, flagged, facts))
    out.sort(key=lambda a: (-len(a.months), a.member.name_pinyin))
    return out


def active_members(org):
    return Member.objects.filter(org=org, status__in=ACTIVE_STATUSES).order_by("name_pinyin", "pk")


# ---- writes -------------------------------------------------------------------------------------------


def _refuse(message: str):
    raise ValidationError(message)


@transaction.atomic
def record_payment(
    member: Member,
    months: Iterable[dt.date],
    *,
    paid_on: dt.date,
    method: str,
    user,
    amounts: dict[dt.date, Decimal] | None = None,
    activity=None,
    source: str = Payment.Source.MANUAL,
    note: str = "",
) -> Payment:
    """One payment for the given months, each for what is still owed (or `amounts[month]`): months before
    the payment's month are marked 补交, later ones 预交 (quarterly or advance payment)."""
    months = sorted({month_start(m) for m in months})
    if not months:
        _refuse("请至少选择一个月份。")
    if method not in Method.values:
        _refuse("交纳方式应为现金、转账或其他。")
    member = Member.objects.select_for_update().get(pk=member.pk)  # one payment at a time per member
    row = ledgers([member.pk], months[-1])[member.pk]
    by_month = {s.month: s for s in row.states}
    entries = []
    for m in months:
        state = by_month.get(m)
        if state is None:
            _refuse(
                f"{member.name} 尚未核定 {m.year} 年的党费基数"
                f"（或 {m.year}年{m.month}月 早于入党时间），请先核定。"
            )
        amount = (amounts or {}).get(m, state.owing)
        if state.settled or amount <= 0:
            _refuse(f"{member.name} {m.year}年{m.month}月的党费已交清，无需再交。")
        this_month = month_start(paid_on)
        entries.append(
            Entry(
                member=member,
                org_id=member.org_id,
                month=m,
                amount=amount,
                due=state.due,
                back_payment=m < this_month,
                advance=m > this_month,
            )
        )
    payment = Payment(
        member=member,
        org_id=member.org_id,
        paid_on=paid_on,
        method=method,
        amount=sum((e.amount for e in entries), ZERO),
        source=source,
        activity=activity,
        note=note,
        recorded_by=user,
    )
    payment.full_clean(exclude=["member", "org", "activity", "recorded_by", "reverses"])
    payment.save()
    for e in entries:
        e.payment = payment
    Entry.objects.bulk_create(entries)
    return payment


@transaction.atomic
def reverse(payment: Payment, *, user, reason: str, on: dt.date) -> Payment:
    """冲正: a payment with the opposite amounts, naming the one it corrects; the original stays."""
    reason = (reason or "").strip()
    if not reason:
        _refuse("请填写冲正原因（例如“金额录错”）。")
    if payment.kind != Payment.Kind.PAYMENT:
        _refuse("冲正记录不能再冲正；如需更正，请重新登记一笔交纳。")
    if Payment.objects.filter(reverses=payment).exists():
        _refuse("这笔交纳已经冲正过了。")
    correction = Payment(
        member_id=payment.member_id,
        org_id=payment.org_id,
        kind=Payment.Kind.REVERSAL,
        paid_on=on,
        method=payment.method,
        amount=-payment.amount,
        source=payment.source,
        reverses=payment,
        note=reason[:200],
        recorded_by=user,
    )
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:
        _refuse("这笔交纳已经冲正过了。")
    Entry.objects.bulk_create(
        Entry(
            payment=correction,
            member_id=e.member_id,
            org_id=e.org_id,
            month=e.month,
            amount=-e.amount,
            due=e.due,
            back_payment=e.back_payment,
            advance=e.advance,
        )
        for e in payment.entries.all()
    )
    return correction


@dataclass
class ActivityResult:
    recorded: list[Payment] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why a member was not recorded, in a sentence


def present_members(activity) -> list[Member]:
    from dangjian.meetings.models import ATTENDED

    return list(
        Member.objects.filter(attendance__activity=activity, attendance__status__in=ATTENDED)
        .order_by("name_pinyin", "pk")
        .distinct()
    )


def activity_months(member_ledger: MemberLedger | None, month: dt.date, with_arrears: bool) -> list[dt.date]:
    """The months paid at a 主题党日 held in `month`: that month if not settled, and the months behind
    before it when asked (补交)."""
    by_month = {s.month: s for s in (member_ledger.states if member_ledger else [])}
    months = [s.month for s in by_month.values() if with_arrears and s.month < month and not s.settled]
    state = by_month.get(month)
    if state is not None and not state.settled:
        months.append(month)
    return months


def pay_at_activity(activity, member_ids: Iterable[int], *, method: str, user, with_arrears: bool = False):
    """Record 交纳党费 at a 主题党日 for the members present: once each, whatever how often it is sent."""
    month = month_start(activity.date)
    present = {m.pk: m for m in present_members(activity)}
    result = ActivityResult()
    wanted = _ids(member_ids)
    done = set(
        Payment.objects.filter(activity=activity, kind=Payment.Kind.PAYMENT).values_list(
            "member_id", flat=True
        )
    )
    rows = ledgers(wanted, month)
    for pk in wanted:
        member = present.get(pk)
        if member is None:
            result.skipped.append(f"编号 {pk} 的党员未登记出席本次活动，未记录。")
            continue
        if pk in done:
            result.skipped.append(f"{member.name} 已在本次活动交纳，未重复记录。")
            continue
        months = activity_months(rows.get(pk), month, with_arrears)
        if not months:
            result.skipped.append(f"{member.name} 本月党费已交清或尚未核定基数，未记录。")
            continue
        try:
            with transaction.atomic():
                result.recorded.append(
                    record_payment(
                        member,
                        months,
                        paid_on=activity.date,
                        method=method,
                        user=user,
                        activity=activity,
                        source=Payment.Source.THEME_DAY,
                    )
                )
        except IntegrityError:  # the same form sent twice at once: the other one recorded it
            result.skipped.append(f"{member.name} 已在本次活动交纳，未重复记录。")
    return result


@transaction.atomic
def set_profile(member: Member, year: int, *, category: str, base, fixed, user) -> Profile:
    """The branch sets (or resets) a member's yearly profile; the member's confirmation is asked again."""
    profile = Profile.objects.filter(member=member, year=year).first() or Profile(member=member, year=year)
    profile.category, profile.base, profile.fixed = category, base, fixed
    profile.set_by, profile.confirmed_at = user, None
    try:
        profile.compute()
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    profile.save()
    return profile


# ---- reports ------------------------------------------------------------------------------------------


@dataclass
class LedgerRow:
    member: Member
    category: str
    base: Decimal | None
    rate: str
    due: Decimal
    paid: Decimal
    paid_on: dt.date | None
    months: str  # the months covered, when more than the period
    notes: str


def _rate_text(profile: Profile | None) -> str:
    if profile is None:
        return "未核定"
    return f"{profile.rate * 100:.1f}%" if profile.rate is not None else "定额"


def branch_ledger(org, year: int, month: int | None = None) -> list[LedgerRow]:
    """The branch's 党费交纳台帐 for a month or a year: members, base, rate, amount due, paid, date."""
    months = [dt.date(year, month, 1)] if month else [dt.date(year, m, 1) for m in range(1, 13)]
    members = list(active_members(org))
    ids = [m.pk for m in members]
    profiles = {p.member_id: p for p in Profile.objects.filter(member_id__in=ids, year=year)}
    rows = ledgers(ids, months[-1])
    entries = defaultdict(list)
    for e in (
        Entry.objects.filter(member_id__in=ids, month__in=months)
        .select_related("payment")
        .order_by("payment__paid_on", "pk")
    ):
        entries[e.member_id].append(e)
    out = []
    for m in members:
        wanted = {s.month: s for s in rows[m.pk].states if s.month in months}
        mine = entries.get(m.pk, [])
        notes = []
        if any(e.back_payment and e.amount > 0 for e in mine):
            notes.append("含补交")
        if any(e.advance and e.amount > 0 for e in mine):
            notes.append("含预交")
        if any(e.amount < 0 for e in mine):
            notes.append("含冲正")
        if any(s.due == 0 for s in wanted.values()) and profiles.get(m.pk):
            notes.append("减免")
        p = profiles.get(m.pk)
        out.append(
            LedgerRow(
                member=m,
                category=p.category_name if p else "未核定",
                base=p.base if p else None,
                rate=_rate_text(p),
                due=sum((s.due for s in wanted.values()), ZERO),
                paid=sum((e.amount for e in mine), ZERO),
                paid_on=max((e.payment.paid_on for e in mine if e.amount > 0), default=None),
                months="、".join(sorted({f"{e.month.month}月" for e in mine}, key=lambda t: int(t[:-1]))),
                notes="、".join(notes),
            )
        )
    return out


@dataclass
class SummaryCell:
    due: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def rate(self) -> float | None:
        return None if not self.due else round(float(self.paid / self.due) * 100, 1)


@dataclass
class SummaryRow:
    org_id: int
    code: str
    name: str
    months: list[SummaryCell]
    remitted: Decimal = ZERO
    remitted_on: dt.date | None = None

    @property
    def total(self) -> SummaryCell:
        return SummaryCell(sum((c.due for c in self.months), ZERO), sum((c.paid for c in self.months), ZERO))


def town_summary(branches, year: int) -> list[SummaryRow]:
    """Each branch's dues by month of `year`: due (from the year's profiles, active members), collected
    (net entries), and what was handed up (上缴) with the last date: four queries, whatever the scale."""
    from django.db.models.functions import ExtractMonth

    orgs = list(branches.order_by("path").values_list("pk", "code", "name"))
    ids = [pk for pk, _, _ in orgs]
    due = dict(
        Profile.objects.filter(year=year, member__org_id__in=ids, member__status__in=ACTIVE_STATUSES)
        .order_by()
        .values_list("member__org_id")
        .annotate(s=Sum("monthly"))
        .values_list("member__org_id", "s")
    )
    paid: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for org_id, month, total in (
        Entry.objects.filter(org_id__in=ids, month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1))
        .order_by()
        .annotate(m=ExtractMonth("month"))
        .values_list("org_id", "m")
        .annotate(s=Sum("amount"))
    ):
        paid[org_id][month] = total
    remitted = {
        org_id: (total, last)
        for org_id, total, last in Remittance.objects.filter(org_id__in=ids, month__year=year)
        .order_by()
        .values_list("org_id")
        .annotate(s=Sum("amount"), d=Max("remitted_on"))
        .values_list("org_id", "s", "d")
    }
    # Approved reliefs lower what is due: few rows, subtracted here.
    relief_cut: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for _member, org_id, start, end, kind, amount, base in Relief.objects.filter(
        approved_on__isnull=False,
        member__org_id__in=ids,
        start__lte=dt.date(year, 12, 1),
        end__gte=dt.date(year, 1, 1),
        member__dues_profiles__year=year,
    ).values_list(
        "member_id", "member__org_id", "start", "end", "kind", "monthly", "member__dues_profiles__monthly"
    ):
        pay = ZERO if kind == Relief.Kind.EXEMPT else min(amount, base)
        for m in months_between(max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 1))):
            relief_cut[org_id, m.month] += base - pay
    fen = rates.current().round  # the database's SUM may come back with any number of decimals
    out = []
    for pk, code, name in orgs:
        cells = [
            SummaryCell(fen(due.get(pk, ZERO) - relief_cut[pk, m]), fen(paid[pk].get(m, ZERO)))
            for m in range(1, 13)
        ]
        total, last = remitted.get(pk, (ZERO, None))
        out.append(SummaryRow(pk, code, name, cells, fen(total), last))
    return out


@dataclass
class BranchArrears:
    code: str
    name: str
    members: int
    amount: Decimal
    flagged: list[str]  # names of members six months or more behind


def home_arrears(branches, as_of: dt.date) -> list[BranchArrears]:
    """For a secretary's to-do: per branch they run, how many members are behind, how much, and who is
    six months or more behind: four queries whatever the number of branches."""
    members = list(
        Member.objects.filter(org__in=branches, status__in=ACTIVE_STATUSES)
        .select_related("org")
        .order_by("org__path", "name_pinyin")
    )
    out: dict[int, BranchArrears] = {}
    for a in arrears(members, as_of):
        org = a.member.org
        row = out.setdefault(org.pk, BranchArrears(org.code, org.name, 0, ZERO, []))
        row.members += 1
        row.amount += a.amount
        if a.flagged:
            row.flagged.append(a.member.name)
    return list(out.values())
