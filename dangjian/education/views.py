from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dangjian.accounts.access import access_for
from dangjian.core import xlsx
from dangjian.core.downloads import stored_file
from dangjian.core.params import year_param
from dangjian.meetings.services import UploadRefused
from dangjian.members.importing import ImportRefused
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind

from . import importing, notes, policy, services
from .forms import CommentForm, ImportForm, NoteForm, TrainingEntryForm
from .models import StudyNote, Training

YEARS_SHOWN = 5


def _years():
    this = timezone.localdate().year
    return list(range(this, this - YEARS_SHOWN, -1))


def _branch(request, code: str, manage: bool = False):
    access = access_for(request.user)
    org = get_object_or_404(services.visible_branches(access).filter(kind=OrgKind.BRANCH), code=code)
    if manage and not access.can_manage_org(org):
        raise PermissionDenied
    return access, org


@login_required
def index(request):
    """The branches whose education the user reads; a member's own 学时 and 心得."""
    access = access_for(request.user)
    year = year_param(request)
    branches = services.visible_branches(access).filter(kind=OrgKind.BRANCH)
    context = {"year": year, "years": _years(), "book": policy.current()}
    if access.education_paths():
        context["overview"] = services.branch_overview(branches, year)
    if access.member_id:
        me = Member.objects.filter(pk=access.member_id)
        context["mine"] = services.completions(me, year)[0]
        context["my_notes"] = list(
            StudyNote.objects.filter(member_id=access.member_id, written_on__year=year)
        )
    return render(request, "education/index.html", context)


@login_required
def branch(request, code):
    """One branch's year: each member's 学时 against the target, 心得 counts, trainings, six-month flags."""
    access, org = _branch(request, code)
    year = year_param(request)
    members = services.branch_members(org)
    rows = services.completions(members, year, with_notes=True)
    context = {
        "org": org,
        "year": year,
        "years": _years(),
        "rows": rows,
        "summary": services.hours_rules.branch_completion(rows),
        "trainings": Training.objects.filter(org=org, held_on__year=year).prefetch_related("attendees"),
        "notes": StudyNote.objects.filter(member__in=members, written_on__year=year).select_related("member")[
            :50
        ],
        "can_manage": access.can_manage_org(org),
        "flags": services.inactive_flags_with_dues(members, timezone.localdate()),
        "book": policy.current(),
    }
    return render(request, "education/branch.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request, code):
    _, org = _branch(request, code, manage=True)
    members = services.branch_members(org).order_by("name_pinyin")
    form = TrainingEntryForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("held_on", "topic", "form", "hours", "organiser")}
        try:
            services.save_training(org, data, [m.pk for m in form.cleaned_data["attendees"]], request.user)
        except services.TrainingRefused as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, "学习培训已登记。")
            return redirect("education:branch", org.code)
    return render(request, "education/training_form.html", {"org": org, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def training_import(request, code):
    _, org = _branch(request, code, manage=True)
    if request.GET.get("template"):
        return xlsx.download("学习培训导入模板.xlsx", importing.template())
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            count = importing.import_trainings(form.cleaned_data["file"], org, request.user)
        except ImportRefused as exc:
            problems = [str(p) for p in exc.problems]
        else:
            messages.success(request, f"已导入 {count} 次学习培训。")
            return redirect("education:branch", org.code)
    return render(request, "education/import.html", {"org": org, "form": form, "problems": problems})


@login_required
@require_http_methods(["GET", "POST"])
def note_create(request):
    access = access_for(request.user)
    if not access.member_id:
        raise PermissionDenied
    form = NoteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        member = Member.objects.get(pk=access.member_id)
        try:
            note = notes.write_note(
                member, form.cleaned_data["title"], form.cleaned_data["body"], form.cleaned_data.get("file")
            )
        except UploadRefused as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, "学习心得已提交。")
            return redirect(note)
    return render(request, "education/note_form.html", {"form": form})


def _note(request, pk):
    access = access_for(request.user)
    note = get_object_or_404(StudyNote.objects.visible_to(access).select_related("member__org"), pk=pk)
    return access, note


@login_required
@require_http_methods(["GET", "POST"])
def note_detail(request, pk):
    access, note = _note(request, pk)
    can_comment = access.can_manage_member(note.member)
    form = CommentForm(request.POST or None, initial={"comment": note.comment})
    if request.method == "POST":
        if not can_comment:
            raise PermissionDenied
        if form.is_valid():
            notes.comment_note(note, form.cleaned_data["comment"], request.user)
            messages.success(request, "评语已保存。")
            return redirect(note)
    return render(request, "education/note.html", {"note": note, "form": form, "can_comment": can_comment})


@login_required
def note_file(request, pk):
    _, note = _note(request, pk)
    if not note.file:
        raise Http404
    return stored_file(request, note.file, note.content_type, note.original_name or note.file.name)


@login_required
def member_record(request, pk):
    """A member's 组织生活记录 of a year, on the page and as .xlsx."""
    access = access_for(request.user)
    member = get_object_or_404(access.visible_members().select_related("org"), pk=pk)
    if not access.can_read_member_life(member):
        raise PermissionDenied
    year = year_param(request)
    record = services.member_record(member, year)
    if request.GET.get("format") == "xlsx":
        content = xlsx.workbook_bytes(
            f"组织生活记录：{member.name}（{year}年）",
            services.RECORD_HEADERS,
            services.record_rows(member, record),
            org=member.org.name,
            period=f"{year}年",
        )
        return xlsx.download(f"{member.name}-{year}年组织生活记录.xlsx", content)
    return render(request, "education/record.html", {"member": member, "record": record, "years": _years()})
