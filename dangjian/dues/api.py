"""党费 over JSON: the same scoping, permissions and services as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId, Refusal, Year
from dangjian.core.params import FIRST_YEAR
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

from . import ledger, services
from .models import Payment, Profile
from .rates import add_months, month_start

router = Router(tags=["党费"])


class ProfileOut(Schema):
    year: int
    category: str
    category_name: str
    base: Decimal | None
    monthly: Decimal
    rate: Decimal | None
    clause: str
    rates_version: str
    confirmed_at: dt.datetime | None


class MonthOut(Schema):
    month: dt.date
    due: Decimal
    paid: Decimal
    settled: bool


class MemberDuesOut(Schema):
    member_id: int
    name: str
    profile: ProfileOut | None
    months_behind: int
    owing: Decimal
    consecutive_unpaid: int
    months: list[MonthOut]


class EntryOut(Schema):
    month: dt.date
    amount: Decimal
    due: Decimal
    back_payment: bool
    advance: bool


class PaymentOut(Schema):
    id: int
    member_id: int
    kind: str
    paid_on: dt.date
    method: str
    amount: Decimal
    source: str
    activity_id: int | None
    reverses_id: int | None
    note: str
    recorded_at: dt.datetime
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj) -> list:
        return list(obj.entries.all())


class PaymentIn(Schema):
    member_id: DbId
    first_month: dt.date = Field(description="第一个所属月份（该月任一日期）")
    months: int = Field(1, ge=1, le=12, description="交几个月（按季度交纳为 3）")
    paid_on: dt.date
    method: Literal["cash", "transfer", "other"] = "cash"
    note: str = Field("", max_length=200)


class ReverseIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class ArrearOut(Schema):
    member_id: int
    name: str
    months: list[dt.date]
    amount: Decimal
    consecutive: int
    flagged: bool
    facts: str


class SummaryMonthOut(Schema):
    due: Decimal
    paid: Decimal
    rate: float | None


class SummaryRowOut(Schema):
    org_code: str
    name: str
    months: list[SummaryMonthOut]
    remitted: Decimal
    remitted_on: dt.date | None


def _member(request, member_id: int) -> Member:
    access = access_for(request.user)
    member = get_object_or_404(access.visible_members().select_related("org"), pk=member_id)
    if not access.can_see_dues_of(member):
        raise PermissionDenied
    return member


def _branch(request, code: str) -> Organisation:
    access = access_for(request.user)
    org = get_object_or_404(access.visible_orgs().filter(kind=OrgKind.BRANCH), code=code)
    if not access.can_keep_dues(org):
        raise PermissionDenied
    return org


@router.get(
    "/members/{member_id}",
    response=MemberDuesOut,
    summary="党员的党费：基数、每月应交、欠交（本人或所在支部）",
)
def member_dues(request, member_id: DbId, year: Year | None = None):
    member = _member(request, member_id)
    today = timezone.localdate()
    year = year or today.year
    row = services.ledgers([member.pk], ledger.last_closed_month(today))[member.pk]
    return {
        "member_id": member.pk,
        "name": member.name,
        "profile": Profile.objects.filter(member=member, year=year).first(),
        "months_behind": len(row.behind),
        "owing": row.owing,
        "consecutive_unpaid": row.consecutive,
        "months": [
            {"month": s.month, "due": s.due, "paid": s.paid, "settled": s.settled}
            for s in row.states
            if s.month.year == year
        ],
    }


@router.get("/members/{member_id}/payments", response=list[PaymentOut], summary="党员的交纳记录")
@paginate
def member_payments(request, member_id: DbId):
    member = _member(request, member_id)
    return Payment.objects.filter(member=member).prefetch_related("entries").order_by("-paid_on", "-id")


@router.get("/orgs/{org_code}/arrears", response=list[ArrearOut], summary="支部欠交党费的党员")
def org_arrears(request, org_code: str):
    org = _branch(request, org_code)
    return [
        {
            "member_id": a.member.pk,
            "name": a.member.name,
            "months": a.months,
            "amount": a.amount,
            "consecutive": a.consecutive,
            "flagged": a.flagged,
            "facts": a.facts,
        }
        for a in services.arrears(services.active_members(org), timezone.localdate())
    ]


@router.post("/payments", response={201: PaymentOut, 400: Refusal}, summary="登记交纳党费")
def create_payment(request, payload: PaymentIn):
    access = access_for(request.user)
    member = get_object_or_404(access.visible_members().select_related("org"), pk=payload.member_id)
    if not access.can_keep_dues(member.org):
        raise PermissionDenied
    if payload.paid_on > timezone.localdate() or payload.paid_on.year < FIRST_YEAR:
        return Status(400, {"detail": "交纳日期不能晚于今天。"})
    months = [add_months(month_start(payload.first_month), i) for i in range(payload.months)]
    try:
        payment = services.record_payment(
            member,
            months,
            paid_on=payload.paid_on,
            method=payload.method,
            user=request.user,
            note=payload.note,
        )
    except ValidationError as exc:
        return Status(400, {"detail": "未登记：" + "；".join(exc.messages), "problems": exc.messages})
    return Status(201, payment)


@router.post(
    "/payments/{payment_id}/reverse", response={201: PaymentOut, 400: Refusal}, summary="冲正一笔交纳"
)
def reverse_payment(request, payment_id: DbId, payload: ReverseIn):
    access = access_for(request.user)
    payment = get_object_or_404(Payment.objects.filter(org__in=access.visible_orgs()), pk=payment_id)
    if not access.can_keep_dues(payment.org):
        raise PermissionDenied
    try:
        correction = services.reverse(
            payment, user=request.user, reason=payload.reason, on=timezone.localdate()
        )
    except ValidationError as exc:
        return Status(400, {"detail": "未冲正：" + "；".join(exc.messages), "problems": exc.messages})
    return Status(201, correction)


@router.get("/summary", response=list[SummaryRowOut], summary="党费收缴汇总（按支部、月份）")
def summary(request, year: Year | None = None):
    access = access_for(request.user)
    paths = access.dues_summary_paths()
    if not paths:
        raise PermissionDenied
    branches = Organisation.objects.filter(access.org_q(paths=paths), kind=OrgKind.BRANCH)
    rows = services.town_summary(branches, year or timezone.localdate().year)
    return [
        {
            "org_code": r.code,
            "name": r.name,
            "months": [{"due": c.due, "paid": c.paid, "rate": c.rate} for c in r.months],
            "remitted": r.remitted,
            "remitted_on": r.remitted_on,
        }
        for r in rows
    ]
