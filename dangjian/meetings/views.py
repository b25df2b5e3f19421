import calendar as pycalendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.access import access_for
from dangjian.core import history, orgpicker
from dangjian.core.downloads import stored_file
from dangjian.core.validators import single_line
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

from . import services
from .forms import (
    ATTENDANCE_CHOICES,
    ActivityForm,
    AgendaForm,
    LeaveForm,
    MakeUpForm,
    MinutesForm,
    RecordForm,
    RectificationForm,
)
from .models import (
    ATTENDED,
    Activity,
    Attendance,
    LeaveState,
    MakeUpTask,
    Record,
    Rectification,
    RectificationStatus,
    Status,
    activity_choices,
    is_late,
)
from .rules import visible_activities
from .votes import written_opinions

PAGE_SIZE = 30


def _activity(request, pk: int) -> Activity:
    return get_object_or_404(
        visible_activities(request.user).select_related("host", "recorder", "speaker", "minutes_by"), pk=pk
    )


def _managed(request, pk: int) -> Activity:
    activity = _activity(request, pk)
    if not request.user.has_perm("meetings.change_activity", activity):
        raise PermissionDenied
    return activity


def _managed_row(request, queryset, pk: int):
    """A row of an activity the user manages: 404 outside what they see, 403 without the right."""
    row = get_object_or_404(
        queryset.select_related("activity__org"), pk=pk, activity__in=visible_activities(request.user)
    )
    if not request.user.has_perm("meetings.change_activity", row.activity):
        raise PermissionDenied
    return row


def _org_filter(request, access) -> orgpicker.OrgPick:
    return orgpicker.pick_org(access.visible_orgs(), request.GET.get("org", ""))


def _branch_members(activity: Activity):
    branch = services.branch_of(activity.org)
    return Member.objects.filter(org=branch).active()


@login_required
def activity_list(request):
    access = access_for(request.user)
    activities = visible_activities(request.user)
    pick = _org_filter(request, access)
    if pick.text:
        activities = activities.filter(org__path__startswith=pick.org.path) if pick.org else activities.none()
    if kind := request.GET.get("kind", ""):
        activities = activities.filter(kind=kind)
    today = timezone.localdate()
    upcoming = (
        visible_activities(request.user)
        .filter(status=Status.PLANNED, date__gte=today)
        .order_by("date", "planned_start")
    )
    makeups = (
        MakeUpTask.objects.filter(
            attendance__member_id=access.member_id, done_at__isnull=True
        ).select_related("attendance__activity")
        if access.member_id
        else []
    )
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/list.html",
        {
            "page": page,
            "upcoming": upcoming[:10],
            "makeups": makeups,
            "org_pick": pick,
            "org_code": pick.code,
            "kind": kind,
            "kinds": activity_choices(),
            "can_add": request.user.has_perm("meetings.add_activity"),
            "can_import": request.user.has_perm("meetings.import_activities"),
        },
    )


@login_required
def activity_edit(request, pk: int | None = None):
    access = access_for(request.user)
    activity = _managed(request, pk) if pk else None
    if activity is None and not request.user.has_perm("meetings.add_activity"):
        raise PermissionDenied
    orgs = Organisation.objects.filter(access.org_q(paths=access.manage) | Q(pk__in=access.lecture))
    lecture_only = frozenset(access.lecture) - set(access.manageable_orgs().values_list("pk", flat=True))
    initial = None
    if activity is None:
        initial = {"org": _default_org(orgs, request.GET.get("org", ""))}
        if lecture_only:
            initial |= {"kind": "party_lecture", "speaker": access.member_id}
    form = ActivityForm(
        request.POST or None, instance=activity, orgs=orgs, lecture_only=lecture_only, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = services.save_activity(form.save(commit=False), request.user)
        messages.success(
            request,
            f"已保存“{saved.title}”。" + ("已通知应参加的党员。" if saved.status == Status.PLANNED else ""),
        )
        return redirect(saved)
    return render(request, "meetings/edit.html", {"form": form, "activity": activity})


def _default_org(orgs, code: str) -> int | None:
    """The organisation a new activity is for: the one asked for, else the only one the user runs above its
    党小组 (a 书记 plans for their branch; the office, running many, chooses)."""
    if code:
        return orgs.filter(code=code).values_list("pk", flat=True).first()
    above_groups = list(orgs.exclude(kind=OrgKind.GROUP).values_list("pk", flat=True)[:2])
    return above_groups[0] if len(above_groups) == 1 else None


@login_required
def activity_detail(request, pk: int):
    activity = _activity(request, pk)
    access = access_for(request.user)
    can_manage = request.user.has_perm("meetings.change_activity", activity)
    attendance = list(
        activity.attendance.select_related("member", "entered_by").order_by(
            "-expected", "member__name_pinyin"
        )
    )
    mine = next((a for a in attendance if a.member_id == access.member_id), None)
    counts = {label: sum(1 for a in attendance if a.status == value) for value, label in ATTENDANCE_CHOICES}
    members = _branch_members(activity)
    records = list(activity.records.select_related("uploaded_by", "removed_by"))
    return render(
        request,
        "meetings/detail.html",
        {
            "activity": activity,
            "item": activity.item,
            "can_manage": can_manage,
            "can_record": request.user.has_perm("meetings.record_attendance", activity),
            "checklist": services.record_checklist(activity),
            "parts_done": services.parts_done(activity),
            "stages": services.stage_checklist(activity),
            "records": [r for r in records if not r.removed_at],
            "removed": [r for r in records if r.removed_at],
            "agenda": activity.agenda.select_related("subject"),
            "rectifications": activity.rectifications.select_related("owner"),
            "mine": mine,
            "counts": counts,
            "expected": sum(1 for a in attendance if a.expected),
            "leave_form": LeaveForm() if mine is not None or access.member_id else None,
            "record_form": RecordForm(codes=_record_codes(activity)) if can_manage else None,
            "agenda_form": AgendaForm(members=members)
            if can_manage and activity.kind == "general_meeting"
            else None,
            "rect_form": RectificationForm(members=members)
            if can_manage and activity.kind == "org_life_meeting"
            else None,
            "eligible": len(services.eligible_voters(services.branch_of(activity.org), activity.date))
            if activity.kind == "general_meeting"
            else None,
            "written_rule": written_opinions(),
            "history": history.changes(activity),
            "minutes_late": activity.minutes_at is not None and is_late(activity.minutes_at, activity.date),
        },
    )


def _record_codes(activity: Activity) -> tuple[str, ...]:
    """The records an activity's item requires, and photos (活动剪影) for any kind."""
    item = activity.item
    book = services.rulebook.current()
    if not item or not item.records:
        return tuple(book.record_kinds)
    photos = tuple(code for code, kind in book.record_kinds.items() if kind.media == "image")
    return tuple(dict.fromkeys(item.records + photos))


@login_required
def minutes_edit(request, pk: int):
    activity = _managed(request, pk)
    form = MinutesForm(request.POST or None, initial={"minutes": activity.minutes})
    if request.method == "POST" and form.is_valid():
        services.save_minutes(activity, form.cleaned_data["minutes"], request.user)
        messages.success(request, "会议记录已保存。")
        return redirect(activity)
    return render(request, "meetings/minutes.html", {"activity": activity, "form": form})


@login_required
def activity_print(request, pk: int):
    activity = _activity(request, pk)
    attendance = activity.attendance.select_related("member").order_by("-expected", "member__name_pinyin")
    return render(
        request,
        "meetings/print.html",
        {
            "activity": activity,
            "attendance": attendance,
            "expected": sum(1 for a in attendance if a.expected),
            "agenda": activity.agenda.select_related("subject"),
            "rectifications": activity.rectifications.select_related("owner"),
        },
    )


# ---- attendance ----


@login_required
def attendance(request, pk: int):
    activity = _activity(request, pk)
    access = access_for(request.user)
    method = services.entry_method(access, activity)
    if method is None and not access.can_view_org(activity.org):
        raise PermissionDenied
    editable = services.recordable(access, activity) if method else Attendance.objects.none()
    editable_ids = set(editable.values_list("member_id", flat=True))
    if request.method == "POST":
        if method is None:
            raise PermissionDenied
        changed = 0
        try:
            with transaction.atomic():
                for row in editable.select_related("member"):
                    value = request.POST.get(f"status_{row.member_id}")
                    if value and value != row.status:
                        services.record_attendance(activity, row.member, value, request.user, method)
                        changed += 1
        except ValueError as exc:
            messages.error(request, f"出勤未保存：{exc}")
        else:
            messages.success(request, f"已登记 {changed} 人的出勤。")
        return redirect("meetings:attendance", pk=activity.pk)
    rows = activity.attendance.select_related(
        "member", "entered_by", "leave_decided_by", "makeup", "makeup__done_by"
    ).order_by("-expected", "member__name_pinyin")
    return render(
        request,
        "meetings/attendance.html",
        {
            "activity": activity,
            "rows": rows,
            "editable_ids": editable_ids,
            "choices": ATTENDANCE_CHOICES,
            "can_manage": request.user.has_perm("meetings.change_activity", activity),
            "makeup_form": MakeUpForm(),
        },
    )


@login_required
@require_POST
def leave_ask(request, pk: int):
    activity = _activity(request, pk)
    access = access_for(request.user)
    form = LeaveForm(request.POST)
    member = Member.objects.filter(pk=access.member_id).first()
    if member is None:
        raise PermissionDenied
    try:
        if not form.is_valid():
            own = [e.messages[0] for e in form.errors.as_data()["reason"] if e.code == single_line.code]
            raise ValueError(f"请假事由{own[0]}" if own else "请填写请假事由（不超过200字）。")
        services.ask_leave(activity, member, form.cleaned_data["reason"])
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "请假申请已提交，等待支部书记审批。")
    return redirect(activity)


@login_required
@require_POST
def leave_decide(request, pk: int):
    row = _managed_row(request, Attendance.objects.all(), pk)
    try:
        services.decide_leave(row, request.POST.get("approve") == "1", request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"已{'批准' if row.leave_state == LeaveState.APPROVED else '不批准'}{row.member}的请假。"
        )
    return redirect("meetings:attendance", pk=row.activity_id)


@login_required
@require_POST
def makeup_add(request, pk: int):
    row = _managed_row(request, Attendance.objects.select_related("member"), pk)
    form = MakeUpForm(request.POST)
    if row.status not in ("absent", "leave"):
        messages.error(request, "只有缺席或请假的党员需要补学。")
    elif not form.is_valid():
        messages.error(
            request, "补学未布置：" + "；".join(e for errors in form.errors.values() for e in errors)
        )
    else:
        MakeUpTask.objects.update_or_create(
            attendance=row, defaults={**form.cleaned_data, "created_by": request.user}
        )
        from dangjian.notifications.services import notify

        notify(
            [row.member_id],
            key=f"makeup:{row.pk}",
            title=f"补学任务：{row.activity.title}",
            body=f"{form.cleaned_data['content']}，请于{form.cleaned_data['due_on']:%Y-%m-%d}前完成。",
            url=reverse("meetings:list"),
        )
        messages.success(request, f"已给{row.member}布置补学。")
    return redirect("meetings:attendance", pk=row.activity_id)


@login_required
@require_POST
def makeup_done(request, pk: int):
    """The member marks their own 补学 done; the secretary may mark it for a member (without an account,
    say), and the task records who did."""
    access = access_for(request.user)
    task = get_object_or_404(
        MakeUpTask.objects.select_related("attendance__activity__org", "attendance__member"),
        Q(attendance__member_id=access.member_id)
        | Q(attendance__activity__in=visible_activities(request.user)),
        pk=pk,
    )
    own = task.attendance.member_id == access.member_id
    if not own and not request.user.has_perm("meetings.change_activity", task.attendance.activity):
        raise PermissionDenied
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), request.user
        task.save(update_fields=["done_at", "done_by"])
    if own:
        messages.success(request, "补学已标记完成。")
        return redirect("meetings:list")
    messages.success(request, f"已代{task.attendance.member}标记补学完成。")
    return redirect("meetings:attendance", pk=task.attendance.activity_id)


# ---- QR sign-in ----


@login_required
def qr(request, pk: int):
    activity = _managed_or_recorder(request, pk)
    return render(request, "meetings/qr.html", {"activity": activity, **_qr_context(request, activity)})


@login_required
def qr_fragment(request, pk: int):
    activity = _managed_or_recorder(request, pk)
    return render(request, "meetings/_qr.html", {"activity": activity, **_qr_context(request, activity)})


def _managed_or_recorder(request, pk: int) -> Activity:
    activity = _activity(request, pk)
    if not request.user.has_perm("meetings.record_attendance", activity):
        raise PermissionDenied
    return activity


@login_required
def qr_print(request, pk: int):
    """A sheet to print and put up at the door: its code does not rotate and signs in only inside the
    sign-in window."""
    activity = _managed_or_recorder(request, pk)
    url = request.build_absolute_uri(reverse("meetings:signin", args=[services.printed_token(activity.pk)]))
    opens, closes = services.signin_window(activity)
    return render(
        request,
        "meetings/qr_print.html",
        {"activity": activity, "svg": services.qr_svg(url), "opens": opens, "closes": closes},
    )


def _qr_context(request, activity: Activity) -> dict:
    url = request.build_absolute_uri(reverse("meetings:signin", args=[services.signin_token(activity.pk)]))
    opens, closes = services.signin_window(activity)
    signed = activity.attendance.filter(status__in=("present", "late")).count()
    return {
        "svg": services.qr_svg(url),
        "url": url,
        "opens": opens,
        "closes": closes,
        "signed": signed,
        "expected": activity.attendance.filter(expected=True).count(),
        "seconds": services.policy.TOKEN_SECONDS,
        # a screen code stays valid in its window and the next one (services.read_token)
        "link_minutes": max(1, 2 * services.policy.TOKEN_SECONDS // 60),
    }


@login_required
def signin(request, token: str):
    """The member's phone page: GET shows the activity, POST signs in. Nothing is recorded on a refusal.

    Kept lean (a page of its own, few queries): a whole meeting scans within the same minute."""
    member_id = request.user.member_id
    context: dict = {"token": token}
    try:
        activity = services.signin_activity(services.read_token(token))
        context["activity"] = activity
        if request.method == "POST":
            context["result"] = services.sign_in(activity, member_id, request.user)
        else:
            row = Attendance.objects.filter(
                activity=activity, member_id=member_id, status__in=ATTENDED
            ).first()
            if row is not None:
                context["result"] = services.SignInResult(False, row.status, row.entered_at)
            else:
                services.check_window(activity, timezone.now())
    except services.SignInRefused as exc:
        context["refused"] = str(exc)
    status = 400 if "refused" in context and request.method == "POST" else 200
    # Rendered without the site's context processors (navigation costs queries this page does not show).
    context["csrf_token"] = get_token(request)
    return HttpResponse(loader.get_template("meetings/signin.html").render(context), status=status)


# ---- records, agenda, rectifications ----


@login_required
@require_POST
def record_upload(request, pk: int):
    activity = _managed(request, pk)
    form = RecordForm(request.POST, request.FILES, codes=_record_codes(activity))
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
        messages.error(request, "记录未保存：" + "；".join(problems))
        return redirect(activity)
    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    try:
        if upload:
            services.store_record(activity, kind, upload, request.user)
        else:
            services.file_paper_record(activity, kind, form.cleaned_data["reference"], request.user)
    except services.UploadRefused as exc:
        messages.error(request, f"{'上传未成功' if upload else '记录未保存'}：{exc}")
    else:
        messages.success(request, "记录已上传。" if upload else "已登记纸质存档位置。")
    return redirect(activity)


@login_required
@require_POST
def record_remove(request, pk: int):
    """Whoever manages the activity takes back a record filed by mistake (kept, listed as removed)."""
    record = _managed_row(request, Record.objects.all(), pk)
    try:
        services.remove_record(record, request.user)
    except services.UploadRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已移除“{record.kind_name}：{record}”，它不再计为该活动的记录。")
    return redirect(record.activity)


@login_required
def record_file(request, pk: int):
    record = get_object_or_404(
        Record.objects.select_related("activity"), pk=pk, activity__in=visible_activities(request.user)
    )
    if not record.file:
        raise Http404
    if record.removed_at and not request.user.has_perm("meetings.change_activity", record.activity):
        raise Http404  # a file removed as wrong is shown only to those who manage the activity
    filename = record.original_name or record.file.name.rsplit("/", 1)[-1]
    return stored_file(request, record.file, record.content_type, filename)


@login_required
@require_POST
def agenda_add(request, pk: int):
    activity = _managed(request, pk)
    form = AgendaForm(request.POST, members=_branch_members(activity))
    if activity.kind != "general_meeting":
        messages.error(request, "只有支部党员大会登记议题和表决。")
    elif not form.is_valid():
        messages.error(
            request, "议题未保存：" + "；".join(e for errors in form.errors.values() for e in errors)
        )
    else:
        item = form.save(commit=False)
        item.activity = activity
        item.eligible = len(services.eligible_voters(services.branch_of(activity.org), activity.date))
        outcome = item.outcome
        problems = [*services.agenda_problems(item), *outcome.problems]
        if problems:
            messages.error(request, "议题未保存：" + "；".join(problems))
        else:
            item.save()
            messages.success(
                request,
                f"议题已保存：{'达到' if outcome.quorum_met else '未达到'}法定人数，"
                f"{'通过' if outcome.passed else '未通过'}。",
            )
    return redirect(activity)


@login_required
@require_POST
def rectification_add(request, pk: int):
    activity = _managed(request, pk)
    form = RectificationForm(request.POST, members=_branch_members(activity))
    if activity.kind != "org_life_meeting":
        messages.error(request, "只有组织生活会登记整改措施。")
    elif not form.is_valid():
        messages.error(request, "整改措施未保存：请填写措施、责任人和完成时限。")
    elif form.cleaned_data["due_on"] < activity.date:
        messages.error(request, f"整改措施未保存：完成时限不能早于会议日期（{activity.date:%Y-%m-%d}）。")
    else:
        item = form.save(commit=False)
        item.activity = activity
        item.save()
        messages.success(request, "整改措施已登记。")
    return redirect(activity)


@login_required
@require_POST
def rectification_done(request, pk: int):
    item = _managed_row(request, Rectification.objects.all(), pk)
    item.status, item.done_at = RectificationStatus.DONE, item.done_at or timezone.now()
    item.save()
    messages.success(request, f"整改措施“{item.content}”已完成。")
    return redirect(item.activity)


# ---- calendar ----


@login_required
def month_calendar(request):
    access = access_for(request.user)
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", f"{today:%Y-%m}").split("-"))
        if not dt.MINYEAR < year < dt.MAXYEAR:  # the months either side must exist too
            raise ValueError
        first = dt.date(year, month, 1)
    except ValueError:
        if "month" in request.GET:
            messages.error(request, "月份应写成 2025-06 这样的年-月，且年份在 2 至 9998 之间；已显示本月。")
        first = today.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    activities = (
        visible_activities(request.user).filter(date__range=(first, last)).exclude(status=Status.CANCELLED)
    )
    pick = _org_filter(request, access)
    if pick.text:
        activities = activities.filter(org__path__startswith=pick.org.path) if pick.org else activities.none()
    by_day: dict[dt.date, list[Activity]] = {}
    for a in activities.select_related("org__parent").order_by("planned_start"):
        by_day.setdefault(a.date, []).append(a)
    weeks = [
        [(d, by_day.get(d, [])) if d.month == first.month else (None, []) for d in week]
        for week in pycalendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return render(
        request,
        "meetings/calendar.html",
        {
            "weeks": weeks,
            "first": first,
            "previous": previous,
            "following": following,
            "org_pick": pick,
            "org": pick.org,
            "org_code": pick.code,
            "today": today,
            "count": sum(len(v) for v in by_day.values()),
        },
    )
