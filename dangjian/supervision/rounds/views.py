"""督查 rounds pages: the office's rounds and their summary, the inspector's branch page on the phone, and
the 整改 pages of branches, inspectors and the office. Thin: parse, ask `services`, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.access import access_for
from dangjian.accounts.models import User
from dangjian.compliance import services as compliance
from dangjian.core.downloads import stored_file
from dangjian.meetings.models import Record
from dangjian.orgs.models import Organisation

from ..models import Signal
from . import documents, services
from .choices import Method, RectStatus, Result, StepAction
from .models import Attachment, Finding, Round


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError as exc:
        raise ValidationError(f"{what}不是有效日期，请按“年-月-日”填写。") from exc


def _int(value: str, what: str, low: int = 0, high: int = services.SEED_MAX - 1) -> int | None:
    if not (value or "").strip():
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise ValidationError(f"{what}应为整数。") from exc
    if not low <= number <= high:
        raise ValidationError(f"{what}应在 {low} 到 {high} 之间。")
    return number


def _round_for(request, pk: int, run: bool = False) -> Round:
    access = access_for(request.user)
    round_ = get_object_or_404(services.rounds_visible(access).select_related("org"), pk=pk)
    allowed = access.can_run_round(round_) if run else access.can_read_round(round_)
    if not allowed:
        raise PermissionDenied
    return round_


@login_required
def round_list(request):
    access = access_for(request.user)
    if not (access.is_office or access.is_oversight or access.inspecting):
        raise PermissionDenied
    rounds = services.rounds_visible(access).select_related("org")
    mine = [a for a in request.user.inspections.filter(round__status="open").select_related("round", "org")]
    return render(
        request,
        "supervision/rounds/list.html",
        {
            "rounds": rounds if (access.is_office or access.is_oversight) else [],
            "mine": mine,
            "can_create": access.is_office,
        },
    )


@login_required
def round_new(request):
    access = access_for(request.user)
    if not access.is_office:
        raise PermissionDenied
    town = request.user.scope_org
    today = timezone.localdate()
    form = {
        "name": "",
        "period_start": f"{today.year}-01-01",
        "period_end": today.isoformat(),
        "methods": ["records"],
        "size": str(services.config.current().sampling.size),
        "seed": "",
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form} | {"methods": request.POST.getlist("methods")}
        try:
            round_ = services.create_round(
                request.user,
                town,
                form["name"],
                _date(form["period_start"], "检查期间开始日期"),
                _date(form["period_end"], "检查期间结束日期"),
                form["methods"],
                size=_int(form["size"], "抽取支部数", 1, 500),
                seed=_int(form["seed"], "抽样种子"),
            )
        except ValidationError as exc:
            messages.error(request, f"未建立：{exc.messages[0]}")
        else:
            messages.success(request, "已建立督查轮次，并按风险抽取了支部；请核对名单、指派督查人员。")
            return redirect(round_)
    return render(request, "supervision/rounds/new.html", {"form": form, "methods": Method.choices})


@login_required
def round_detail(request, pk: int):
    round_ = _round_for(request, pk)
    access = access_for(request.user)
    found = services.summary(round_)
    sampled = {s.org_id for s in round_.sample.all()}
    return render(
        request,
        "supervision/rounds/detail.html",
        {
            "round": round_,
            "summary": found,
            "sample": round_.sample.select_related("org"),
            "assignments": round_.assignments.select_related("org", "inspector__member"),
            "items": round_.items.all(),
            "can_run": access.can_run_round(round_) and round_.is_open,
            "others": services.branches_of(round_.org).exclude(pk__in=sampled),
            "today": timezone.localdate(),
        },
    )


def _redirect_with(request, round_, done: str, call):
    try:
        call()
    except ValidationError as exc:
        messages.error(request, f"未完成：{exc.messages[0]}")
    else:
        messages.success(request, done)
    return redirect(round_)


def _branch(round_, code: str) -> Organisation:
    return get_object_or_404(Organisation, code=code, path__startswith=round_.org.path)


@login_required
@require_POST
def round_sample(request, pk: int):
    round_ = _round_for(request, pk, run=True)
    action = request.POST.get("action")
    if action == "draw":
        return _redirect_with(
            request,
            round_,
            "已按本轮种子重新抽样。",
            lambda: services.draw_sample(round_, _int(request.POST.get("size"), "抽取支部数", 1, 500) or 1),
        )
    org = _branch(round_, request.POST.get("org", ""))
    if action == "add":
        return _redirect_with(
            request,
            round_,
            f"已将“{org.name}”加入抽查名单。",
            lambda: services.add_branch(round_, org, request.POST.get("reason", ""), request.user),
        )
    if action == "remove":
        return _redirect_with(
            request, round_, f"已将“{org.name}”移出抽查名单。", lambda: services.remove_branch(round_, org)
        )
    raise Http404


@login_required
@require_POST
def round_item(request, pk: int):
    round_ = _round_for(request, pk, run=True)
    return _redirect_with(
        request,
        round_,
        "已增加检查项。",
        lambda: services.add_item(round_, request.POST.get("name", ""), request.POST.get("points", "")),
    )


@login_required
@require_POST
def round_assign(request, pk: int):
    round_ = _round_for(request, pk, run=True)
    org = _branch(round_, request.POST.get("org", ""))
    username = (request.POST.get("username") or "").strip()

    def call():
        inspector = (
            User.objects.filter(username=username).select_related("member__org", "member__dual_org").first()
        )
        if inspector is None:
            raise ValidationError(f"没有登录名为“{username[:30]}”的账号，请核对后再指派。")
        services.assign(round_, org, inspector, request.user)

    return _redirect_with(request, round_, f"已指派督查人员到“{org.name}”。", call)


@login_required
@require_POST
def round_close(request, pk: int):
    round_ = _round_for(request, pk, run=True)
    return _redirect_with(
        request,
        round_,
        "本轮督查已结束；党员督查人员的权限随之结束，整改继续由党建办验收。",
        lambda: services.close_round(round_),
    )


@login_required
def round_export(request, pk: int, fmt: str):
    round_ = _round_for(request, pk)
    return documents.download(round_, fmt)


# ---- the inspector's branch page ----


def _inspection(request, pk: int, code: str, write: bool = False):
    access = access_for(request.user)
    round_ = get_object_or_404(services.rounds_visible(access).select_related("org"), pk=pk)
    org = get_object_or_404(Organisation, code=code, pk__in=round_.sample.values("org_id"))
    allowed = access.can_inspect(round_, org) or (not write and access.can_read_round(round_))
    if not allowed:
        raise PermissionDenied
    return access, round_, org


@login_required
def inspect(request, pk: int, code: str):
    access, round_, org = _inspection(request, pk, code)
    today = timezone.localdate()
    as_of = min(today, round_.period_end)
    verdicts = [
        v
        for v in compliance.verdicts_for(org, as_of.year, as_of)
        if v.status not in ("met", "not_applicable")
    ]
    activities = (
        services.branch_activities(org)
        .filter(date__gte=round_.period_start, date__lte=round_.period_end)
        .select_related("org")
        .prefetch_related("records")
        .order_by("-date")
    )
    findings = {
        f.item_id: f
        for f in round_.findings.filter(org=org)
        .select_related("rectification", "inspector")
        .prefetch_related("attachments")
    }
    items = [(i, findings.get(i.pk)) for i in round_.items.all()]
    return render(
        request,
        "supervision/rounds/inspect.html",
        {
            "round": round_,
            "org": org,
            "verdicts": verdicts,
            "signals": Signal.objects.filter(org=org, current=True).order_by("kind"),
            "activities": activities,
            "visits": round_.visits.filter(org=org).select_related("activity", "inspector"),
            "items": items,
            "results": Result.choices,
            "can_write": access.can_inspect(round_, org) and round_.is_open,
            "inspectors": round_.assignments.filter(org=org).select_related("inspector__member"),
            "today": today,
            "default_deadline": today
            + dt.timedelta(days=services.config.current().rectification.deadline_days),
        },
    )


@login_required
@require_POST
def inspect_finding(request, pk: int, code: str):
    _, round_, org = _inspection(request, pk, code, write=True)
    target = redirect("supervision:inspect", pk, org.code)
    try:
        deadline = request.POST.get("deadline", "")
        data = services.FindingInput(
            item_id=_int(request.POST.get("item"), "检查项", 1, 2**62) or 0,
            result=request.POST.get("result", ""),
            notes=request.POST.get("notes", ""),
            requirement=request.POST.get("requirement", ""),
            deadline=_date(deadline, "整改时限") if deadline else None,
            visit_id=_int(request.POST.get("visit"), "列席记录", 1, 2**62),
            photos=request.FILES.getlist("photos"),
        )
        finding = services.record_finding(round_, org, data, request.user)
    except ValidationError as exc:
        messages.error(request, f"未保存：{exc.messages[0]}")
        return target
    tail = "，已生成整改要求" if finding.result == Result.NONCONFORMING else ""
    messages.success(request, f"已记录“{finding.item.name}”：{finding.get_result_display()}{tail}。")
    target["Location"] += f"#item-{finding.item_id}"
    return target


@login_required
@require_POST
def inspect_visit(request, pk: int, code: str):
    _, round_, org = _inspection(request, pk, code, write=True)
    target = redirect("supervision:inspect", pk, org.code)
    try:
        activity_id = _int(request.POST.get("activity"), "活动", 1, 2**62)
        activity = services.branch_activities(org).filter(pk=activity_id).first()
        if activity is None:
            raise ValidationError("请选择该支部的一项活动。")
        services.record_visit(
            round_,
            org,
            activity,
            request.POST.get("announced") == "1",
            request.POST.get("notes", ""),
            request.user,
        )
    except ValidationError as exc:
        messages.error(request, f"未保存：{exc.messages[0]}")
    else:
        messages.success(request, "已记录列席会议。")
    return target


@login_required
def inspect_record(request, pk: int, code: str, record_id: int):
    """A record file of the inspected branch, for its inspector (who cannot open the branch's pages)."""
    _, _, org = _inspection(request, pk, code)
    record = get_object_or_404(
        Record.objects.kept().filter(activity__org__path__startswith=org.path), pk=record_id
    )
    if not record.file:
        raise Http404
    return stored_file(request, record.file, record.content_type, record.original_name or record.file.name)


@login_required
def attachment(request, pk: int):
    access = access_for(request.user)
    found = get_object_or_404(Attachment.objects.filter(finding__in=services.findings_visible(access)), pk=pk)
    return stored_file(request, found.file, found.content_type, found.original_name or found.file.name)


# ---- 整改 ----


@login_required
def rect_list(request):
    access = access_for(request.user)
    if not (access.is_office or access.is_oversight or access.manage or access.inspecting):
        raise PermissionDenied
    state = request.GET.get("state", "")
    rows = services.rectifications_visible(access).select_related(
        "finding__org", "finding__item", "finding__round"
    )
    if state in RectStatus.values:
        rows = rows.filter(status=state)
    elif state == "overdue":
        rows = rows.filter(
            status__in=(RectStatus.OPEN, RectStatus.RETURNED), deadline__lt=timezone.localdate()
        )
    return render(
        request,
        "supervision/rounds/rectifications.html",
        {
            "rows": rows.order_by("status", "deadline", "pk")[:500],
            "state": state,
            "states": RectStatus.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
def rect_detail(request, pk: int):
    access = access_for(request.user)
    rect = get_object_or_404(
        services.rectifications_visible(access).select_related(
            "finding__org", "finding__item", "finding__round"
        ),
        pk=pk,
    )
    finding: Finding = rect.finding
    return render(
        request,
        "supervision/rounds/rectification.html",
        {
            "rect": rect,
            "finding": finding,
            "photos": finding.attachments.filter(step__isnull=True),
            "steps": rect.steps.select_related("by").prefetch_related("attachments"),
            "can_answer": services.can_act(access, rect, StepAction.ANSWER) and rect.awaits_branch,
            "can_decide": services.can_act(access, rect, StepAction.ACCEPT)
            and rect.status == RectStatus.ANSWERED,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def rect_act(request, pk: int, action: str):
    access = access_for(request.user)
    rect = get_object_or_404(services.rectifications_visible(access), pk=pk)
    if action not in StepAction.values:
        raise Http404
    try:
        services.act(
            rect, action, request.POST.get("text", ""), request.user, access, request.FILES.getlist("files")
        )
    except ValidationError as exc:
        messages.error(request, f"未完成：{exc.messages[0]}")
    else:
        messages.success(
            request,
            {
                "answer": "已提交整改答复，等待验收。",
                "return": "已退回支部重新整改。",
                "accept": "已验收通过，该整改已关闭。",
            }[action],
        )
    return redirect(rect)
