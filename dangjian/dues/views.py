"""党费 pages: thin views over `services`; every one asks `access` who may see or keep what."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.access import access_for
from dangjian.core import xlsx
from dangjian.core.params import year_param
from dangjian.meetings.models import Activity, Status
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

from . import documents, importing, reminders, services
from .forms import ApproveForm, ImportForm, PaymentForm, ProfileForm, ReliefForm, RemittanceForm, ReverseForm
from .models import Payment, Profile, Relief, Remittance
from .rates import add_months, current, month_start


def _kept_branch(request, code: str) -> Organisation:
    """A branch whose ledger the user keeps (404 for one they cannot see, 403 for one they only read)."""
    access = access_for(request.user)
    org = get_object_or_404(access.visible_orgs().filter(kind=OrgKind.BRANCH), code=code)
    if not access.can_keep_dues(org):
        raise PermissionDenied
    return org


def _month_param(request) -> int | None:
    try:
        month = int(request.GET.get("month", ""))
    except ValueError:
        return None
    return month if 1 <= month <= 12 else None


@login_required
def index(request):
    access = access_for(request.user)
    year = year_param(request)
    kept = access.manageable_orgs().filter(kind=OrgKind.BRANCH).order_by("path") if access.manage else []
    context = {
        "year": year,
        "branches": kept,
        "summary": bool(access.dues_summary_paths()),
    }
    if access.member_id:
        context.update(_mine(access.member_id, year))
    return render(request, "dues/index.html", context)


def _mine(member_id: int, year: int) -> dict:
    today = timezone.localdate()
    row = services.ledgers([member_id], month_start(today))[member_id]
    behind = [s for s in row.states if not s.settled and s.month < month_start(today)]
    return {
        "profile": Profile.objects.filter(member_id=member_id, year=year).first(),
        "states": [s for s in reversed(row.states) if s.month.year == year],
        "behind": behind,
        "owing": sum((s.owing for s in behind), services.ZERO),
        "payments": Payment.objects.filter(member_id=member_id, paid_on__year=year)
        .prefetch_related("entries")
        .order_by("-paid_on", "-id"),
        "reliefs": Relief.objects.filter(member_id=member_id),
    }


@login_required
@require_POST
def confirm(request):
    access = access_for(request.user)
    if not access.member_id:
        raise PermissionDenied
    year = year_param(request) if "year" in request.GET else timezone.localdate().year
    profile = get_object_or_404(Profile, member_id=access.member_id, year=year)
    Profile.objects.filter(pk=profile.pk).update(confirmed_at=timezone.now())
    messages.success(request, f"已确认 {year} 年的党费基数和每月金额。")
    return redirect(reverse("dues:index") + f"?year={year}")


@login_required
def org_page(request, code: str):
    org = _kept_branch(request, code)
    access = access_for(request.user)
    year = year_param(request)
    today = timezone.localdate()
    members = list(services.active_members(org))
    profiles = {p.member_id: p for p in Profile.objects.filter(member__in=members, year=year)}
    behind = {a.member.pk: a for a in services.arrears(members, today)}
    rows = [(m, profiles.get(m.pk), behind.get(m.pk)) for m in members]
    return render(
        request,
        "dues/org.html",
        {
            "org": org,
            "year": year,
            "rows": rows,
            "arrears": list(behind.values()),
            "reliefs": Relief.objects.filter(member__org=org).select_related("member"),
            "can_approve": access.can_approve_dues_relief(org),
            "payments": Payment.objects.filter(org=org)
            .select_related("member", "recorded_by", "reversed_by", "activity")
            .prefetch_related("entries")[:50],
            "rates": current(),
        },
    )


@login_required
def profile_edit(request, code: str, member_id: int):
    org = _kept_branch(request, code)
    member = get_object_or_404(services.active_members(org), pk=member_id)
    year = year_param(request) if "year" in request.GET else timezone.localdate().year
    existing = Profile.objects.filter(member=member, year=year).first()
    initial = (
        {"category": existing.category, "base": existing.base, "fixed": existing.fixed} if existing else {}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.set_profile(member, year, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"已核定 {member.name} {year} 年党费：每月 {profile.monthly} 元（{profile.clause}）。",
            )
            return redirect(reverse("dues:org", args=[org.code]) + f"?year={year}")
    return render(
        request,
        "dues/profile_form.html",
        {"org": org, "member": member, "year": year, "form": form, "rates": current()},
    )


@login_required
def pay(request, code: str):
    org = _kept_branch(request, code)
    members = list(services.active_members(org))
    today = timezone.localdate()
    form = PaymentForm(
        request.POST or None,
        members=members,
        initial={"paid_on": today, "first_month": month_start(today), "member": request.GET.get("member")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        member = next(m for m in members if m.pk == d["member"])
        months = [add_months(month_start(d["first_month"]), i) for i in range(d["months"])]
        try:
            payment = services.record_payment(
                member, months, paid_on=d["paid_on"], method=d["method"], user=request.user, note=d["note"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记 {member.name} 交纳党费 {payment.amount} 元。")
            return redirect("dues:org", org.code)
    return render(request, "dues/pay.html", {"org": org, "form": form})


@login_required
@require_POST
def reverse_payment(request, pk: int):
    access = access_for(request.user)
    payment = get_object_or_404(Payment.objects.filter(org__in=access.visible_orgs()), pk=pk)
    if not access.can_keep_dues(payment.org):
        raise PermissionDenied
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未冲正：请填写冲正原因。")
    else:
        try:
            services.reverse(
                payment, user=request.user, reason=form.cleaned_data["reason"], on=timezone.localdate()
            )
        except ValidationError as exc:
            messages.error(request, "未冲正：" + "；".join(exc.messages))
        else:
            messages.success(
                request, f"已冲正 {payment.member.name} {payment.paid_on:%Y-%m-%d} 的 {payment.amount} 元。"
            )
    return redirect("dues:org", payment.org.code)


@login_required
def relief_create(request, code: str):
    org = _kept_branch(request, code)
    form = ReliefForm(request.POST or None, members=services.active_members(org))
    if request.method == "POST" and form.is_valid():
        relief = form.save(commit=False)
        relief.recorded_by = request.user
        relief.save()
        messages.success(request, "已记录支部的减免决定；报上一级党委批准并登记批准后才生效。")
        return redirect("dues:org", org.code)
    return render(request, "dues/relief_form.html", {"org": org, "form": form, "rates": current()})


@login_required
@require_POST
def relief_approve(request, pk: int):
    access = access_for(request.user)
    relief = get_object_or_404(Relief.objects.filter(member__org__in=access.visible_orgs()), pk=pk)
    if not access.can_approve_dues_relief(relief.member.org):
        raise PermissionDenied
    form = ApproveForm(request.POST)
    if relief.approved_on:
        messages.error(request, "该减免已登记批准。")
    elif not form.is_valid():
        messages.error(request, "未登记批准：请填写批准日期和批准的党委。")
    else:
        relief.approved_on, relief.approver = form.cleaned_data["approved_on"], form.cleaned_data["approver"]
        relief.approved_by = request.user
        relief.save()
        messages.success(
            request, f"已登记 {relief.member.name} 的减免批准，自 {relief.start:%Y年%m月} 起生效。"
        )
    return redirect("dues:org", relief.member.org.code)


@login_required
def import_view(request, code: str):
    org = _kept_branch(request, code)
    if request.GET.get("template"):
        return xlsx.download("党费交纳台账导入模板.xlsx", importing.template())
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            payments = importing.run(
                org, form.cleaned_data["file"], user=request.user, today=timezone.localdate()
            )
        except importing.Refused as exc:
            problems = exc.problems
        else:
            messages.success(request, f"已导入 {len(payments)} 笔党费交纳记录。")
            return redirect("dues:org", org.code)
    return render(request, "dues/import.html", {"org": org, "form": form, "problems": problems})


@login_required
def ledger_export(request, code: str, fmt: str):
    org = _kept_branch(request, code)
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    year, month = year_param(request), _month_param(request)
    doc = documents.branch_ledger(org, year, month)
    if fmt == "pdf":
        response = HttpResponse(documents.to_pdf(doc), content_type="application/pdf")
        return xlsx.attachment(response, doc.filename("pdf"))
    return xlsx.download(doc.filename("xlsx"), documents.to_xlsx(doc))


@login_required
@require_POST
def remind(request, code: str):
    org = _kept_branch(request, code)
    sent = reminders.remind_arrears(org, timezone.localdate())
    messages.success(
        request,
        f"已向 {sent} 名欠交党费的党员发送提醒。" if sent else "没有需要提醒的党员（或本月已提醒过）。",
    )
    return redirect("dues:org", org.code)


@login_required
def activity_pay(request, pk: int):
    access = access_for(request.user)
    activity = get_object_or_404(
        Activity.objects.filter(access.org_q("org__"), kind=current().theme_item).select_related("org"), pk=pk
    )
    if not access.can_keep_dues(activity.org):
        raise PermissionDenied
    present = services.present_members(activity)
    month = month_start(activity.date)
    rows = services.ledgers([m.pk for m in present], month)
    paid_here = set(
        Payment.objects.filter(activity=activity, kind=Payment.Kind.PAYMENT).values_list(
            "member_id", flat=True
        )
    )
    if request.method == "POST":
        if activity.status != Status.HELD:
            messages.error(request, "活动尚未登记为已召开，不能登记交纳党费。")
            return redirect("dues:activity", activity.pk)
        chosen = [int(v) for v in request.POST.getlist("member") if v.isdigit()]
        method = request.POST.get("method", "cash")
        try:
            with transaction.atomic():
                result = services.pay_at_activity(
                    activity,
                    chosen,
                    method=method,
                    user=request.user,
                    with_arrears=bool(request.POST.get("arrears")),
                )
        except ValidationError as exc:
            messages.error(request, "未登记：" + "；".join(exc.messages))
        else:
            total = sum((p.amount for p in result.recorded), services.ZERO)
            messages.success(request, f"已登记 {len(result.recorded)} 名党员交纳党费，共 {total} 元。")
            for line in result.skipped:
                messages.info(request, line)
        return redirect("dues:activity", activity.pk)
    people = []
    for m in present:
        row = rows.get(m.pk)
        this = next((s for s in (row.states if row else []) if s.month == month), None)
        behind = [s for s in (row.states if row else []) if s.month < month and not s.settled]
        people.append({"member": m, "this": this, "behind": behind, "paid_here": m.pk in paid_here})
    return render(
        request,
        "dues/activity.html",
        {"activity": activity, "people": people, "month": month, "held": activity.status == Status.HELD},
    )


@login_required
def summary(request):
    access = access_for(request.user)
    paths = access.dues_summary_paths()
    if not paths:
        raise PermissionDenied
    year = year_param(request)
    branches = Organisation.objects.filter(access.org_q(paths=paths), kind=OrgKind.BRANCH)
    rows = services.town_summary(branches, year)
    if request.GET.get("format") == "xlsx":
        return xlsx.download(
            f"党费收缴汇总-{year}.xlsx", documents.summary_xlsx(rows, year, access.scope_name())
        )
    totals = [
        services.SummaryCell(
            sum((r.months[i].due for r in rows), services.ZERO),
            sum((r.months[i].paid for r in rows), services.ZERO),
        )
        for i in range(12)
    ]
    chart = {"labels": [f"{i}月" for i in range(1, 13)], "rates": [c.rate for c in totals]}
    keep = (
        Organisation.objects.filter(access.org_q(paths=access.manage))
        .exclude(kind=OrgKind.GROUP)
        .order_by("path")
    )
    return render(
        request,
        "dues/summary.html",
        {
            "year": year,
            "rows": rows,
            "totals": totals,
            "chart": chart,
            "remit_form": RemittanceForm(orgs=keep, initial={"remitted_on": timezone.localdate()})
            if access.manage
            else None,
            "remittances": Remittance.objects.filter(
                access.org_q("org__", paths=paths), month__year=year
            ).select_related("org")[:50],
        },
    )


@login_required
@require_POST
def remit(request):
    access = access_for(request.user)
    if not access.manage:
        raise PermissionDenied
    orgs = Organisation.objects.filter(access.org_q(paths=access.manage)).exclude(kind=OrgKind.GROUP)
    form = RemittanceForm(request.POST, orgs=orgs)
    if form.is_valid():
        d = form.cleaned_data
        Remittance.objects.create(
            org_id=d["org"],
            month=month_start(d["month"]),
            amount=d["amount"],
            remitted_on=d["remitted_on"],
            to=d["to"],
            recorded_by=request.user,
        )
        messages.success(request, f"已登记上缴 {d['amount']} 元。")
    else:
        messages.error(
            request,
            "未登记上缴："
            + "；".join(
                f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items() if k in form.fields
            ),
        )
    return redirect(reverse("dues:summary") + f"?year={timezone.localdate().year}")


def member_of(request, member_id: int) -> Member:
    """A member whose dues the user may see (404 otherwise): used by the API."""
    access = access_for(request.user)
    member = get_object_or_404(Member.objects.select_related("org"), pk=member_id)
    if not access.can_see_dues_of(member):
        raise PermissionDenied if access.can_view_member(member) else get_object_or_404(Member.objects.none())
    return member
