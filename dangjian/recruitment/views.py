import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.access import access_for
from dangjian.core import history, idcard
from dangjian.core.downloads import stored_file
from dangjian.meetings.services import UploadRefused
from dangjian.orgs.choices import OrgKind

from . import pipeline, workflow
from .forms import OPTIONAL_FIELDS, ApplicantForm, StepForm, UploadForm
from .models import Applicant, StepDocument, StepRecord
from .rules import board_orgs
from .services import StepInput, StepRefused, attach, facts_of, record_step, steps_of


def _applicants(request):
    return Applicant.objects.visible_to(access_for(request.user)).select_related("org", "member")


@login_required
def index(request):
    """The pipeline board of an organisation: a branch's files, or for a 党总支 or the town every branch."""
    access = access_for(request.user)
    orgs = board_orgs(access).order_by("path")
    if not orgs.exists():
        raise PermissionDenied
    code = request.GET.get("org", "")
    org = get_object_or_404(orgs, code=code) if code else orgs.first()
    today = timezone.localdate()
    views = pipeline.files(access.org_q("org__", (org.path,)), today)
    views.sort(
        key=lambda v: (not v.overdue, v.next_deadline.due if v.next_deadline else today, v.applicant.name)
    )
    return render(
        request,
        "recruitment/index.html",
        {
            "org": org,
            "orgs": orgs,
            "files": views,
            "stages": pipeline.stage_counts(views),
            "branches": pipeline.by_branch(views) if org.kind != OrgKind.BRANCH else [],
            "stuck": sum(bool(v.stuck) for v in views),
            "can_add": org.kind == OrgKind.BRANCH and request.user.has_perm("recruitment.add_applicant", org),
        },
    )


@login_required
def create(request, code: str):
    access = access_for(request.user)
    org = get_object_or_404(board_orgs(access).filter(kind=OrgKind.BRANCH), code=code)
    if not request.user.has_perm("recruitment.add_applicant", org):
        raise PermissionDenied
    form = ApplicantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                applicant = form.save(commit=False)
                applicant.org, applicant.created_by = org, request.user
                applicant.save()
                record_step(
                    applicant, StepInput("application", form.cleaned_data["received_on"]), request.user
                )
        except StepRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, f"已建立 {applicant.name} 的发展党员档案。")
            return redirect(applicant)
    return render(request, "recruitment/create.html", {"form": form, "org": org})


def _detail(request, applicant, step_form=None, status=200):
    steps = steps_of(applicant)
    facts = facts_of(applicant)
    today = timezone.localdate()
    access = access_for(request.user)
    form = step_form or StepForm(applicant=applicant, facts=facts)
    return render(
        request,
        "recruitment/detail.html",
        {
            "applicant": applicant,
            "steps": [(s, UploadForm(step=s.step)) for s in steps],
            "stage_name": workflow.current().stage_name(workflow.stage(facts)),
            "deadlines": workflow.deadlines(facts, today),
            "missing": [
                (workflow.current().steps[f.code].name, f.date, lacking)
                for f, lacking in workflow.missing_documents(facts)
            ],
            "probation_end": workflow.probation_end(facts),
            "form": form,
            "step_fields": json.dumps(form.field_map()),
            "show_sensitive": access.can_handle_applicants(applicant.org),
            "history": history.changes(
                applicant, masks={"id_number": idcard.mask_id, "phone": idcard.mask_phone}
            ),
            "optional_fields": json.dumps(OPTIONAL_FIELDS),
        },
        status=status,
    )


@login_required
def detail(request, pk: int):
    applicant = get_object_or_404(_applicants(request), pk=pk)
    return _detail(request, applicant)


@login_required
@require_POST
def add_step(request, pk: int):
    applicant = get_object_or_404(_applicants(request), pk=pk)
    if not request.user.has_perm("recruitment.change_applicant", applicant):
        raise PermissionDenied
    form = StepForm(request.POST, applicant=applicant, facts=facts_of(applicant))
    if form.is_valid():
        try:
            row = record_step(applicant, form.step_input(), request.user)
        except StepRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            if row.late:
                messages.warning(request, f"已登记“{row.name}”，并标记超时：{row.late}")
            else:
                messages.success(request, f"已登记“{row.name}”。")
            return redirect(applicant)
    return _detail(request, applicant, form, status=400)


@login_required
@require_POST
def upload(request, pk: int):
    step = get_object_or_404(
        StepRecord.objects.filter(applicant__in=_applicants(request)).select_related("applicant"), pk=pk
    )
    if not request.user.has_perm("recruitment.change_applicant", step.applicant):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES, step=step.step)
    if form.is_valid():
        try:
            attach(step, form.cleaned_data["kind"], form.cleaned_data["upload"], request.user)
        except UploadRefused as refused:
            messages.error(request, f"未上传：{refused}")
        else:
            messages.success(request, "材料已上传。")
    else:
        messages.error(request, "未上传：请选择材料类型和文件。")
    return redirect(step.applicant)


@login_required
def document(request, pk: int):
    found = get_object_or_404(StepDocument.objects.filter(step__applicant__in=_applicants(request)), pk=pk)
    if not found.file:
        raise Http404
    return stored_file(request, found.file, found.content_type, found.original_name)
