"""发展党员 over JSON: the same scoping, permissions and rules (services.record_step) as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId, Refusal
from dangjian.core.validators import SingleLineText
from dangjian.meetings.models import AgendaItem

from . import pipeline, workflow
from .models import Applicant
from .rules import board_orgs
from .services import StepInput, StepRefused, facts_of, record_step, steps_of

router = Router(tags=["发展党员"])


class StepRuleOut(Schema):
    code: str
    no: int
    stage: str
    name: str
    after: list[str]
    documents: list[str]
    required: list[str]
    source: str


class DeadlineOut(Schema):
    step: str
    name: str
    due: dt.date
    overdue: bool
    rule: str


class StepOut(Schema):
    id: int
    code: str
    name: str
    date: dt.date
    end_date: dt.date | None
    late: str
    documents: list[str]
    recorded_at: dt.datetime

    @staticmethod
    def resolve_documents(obj) -> list[str]:
        return [d.kind for d in obj.documents.all()]


class ApplicantOut(Schema):
    id: int
    org_code: str
    name: str
    stage: str
    stage_name: str
    member_id: int | None

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code


class ApplicantDetailOut(ApplicantOut):
    masked_id_number: str
    step_records: list[StepOut]
    deadlines: list[DeadlineOut]


class StageCount(Schema):
    stage: str
    name: str
    count: int


class FileOut(Schema):
    applicant: ApplicantOut
    next_deadline: DeadlineOut | None
    stuck: list[str]


class BoardOut(Schema):
    org_code: str
    stages: list[StageCount]
    files: list[FileOut]


class StepIn(Schema):
    code: str = Field(max_length=32)
    date: dt.date | None = None
    end_date: dt.date | None = None
    months: int = Field(0, ge=0, le=24)
    special: bool = False
    days: int = Field(0, ge=0, le=365)
    hours: Decimal = Field(Decimal(0), ge=0, le=999, decimal_places=1)
    people: list[DbId] = Field(default_factory=list, max_length=2)
    agenda_item: DbId | None = None
    note: Annotated[SingleLineText, Field(max_length=500)] = ""


def _applicants(request):
    return Applicant.objects.visible_to(access_for(request.user)).select_related("org")


@router.get(
    "/workflow", response=list[StepRuleOut], summary="发展党员的步骤、顺序和所需材料（出处见 source）"
)
def list_steps(request):
    return [
        {**s.__dict__, "after": list(s.after), "documents": list(s.documents), "required": list(s.required)}
        for s in workflow.current().steps.values()
    ]


@router.get("/board", response=BoardOut, summary="发展党员进度：各阶段人数、需处理的档案及正在计算的时限")
def board(request, org: str):
    access = access_for(request.user)
    found = get_object_or_404(board_orgs(access), code=org)
    views = pipeline.files(access.org_q("org__", (found.path,)), timezone.localdate())
    return {
        "org_code": found.code,
        "stages": [{"stage": c, "name": n, "count": k} for c, n, k in pipeline.stage_counts(views)],
        "files": [
            {"applicant": v.applicant, "next_deadline": v.next_deadline, "stuck": v.stuck} for v in views
        ],
    }


@router.get("/applicants", response=list[ApplicantOut], summary="发展党员档案（可按组织、阶段筛选）")
@paginate
def list_applicants(request, org: str = "", stage: str = ""):
    found = _applicants(request)
    if org:
        within = get_object_or_404(board_orgs(access_for(request.user)), code=org)
        found = found.filter(org__path__startswith=within.path)
    if stage:
        found = found.filter(stage=stage)
    return found


def _detail(applicant: Applicant) -> Applicant:
    applicant.step_records = steps_of(applicant)
    applicant.deadlines = workflow.deadlines(facts_of(applicant), timezone.localdate())
    return applicant


@router.get("/applicants/{applicant_id}", response=ApplicantDetailOut, summary="发展党员档案详情")
def get_applicant(request, applicant_id: DbId):
    return _detail(get_object_or_404(_applicants(request), pk=applicant_id))


@router.post(
    "/applicants/{applicant_id}/steps",
    response={201: ApplicantDetailOut, 400: Refusal},
    summary="登记一个步骤（顺序、时限按规则检查；材料请在页面上传）",
)
def add_step(request, applicant_id: DbId, payload: StepIn):
    applicant = get_object_or_404(_applicants(request), pk=applicant_id)
    if not request.user.has_perm("recruitment.change_applicant", applicant):
        raise PermissionDenied
    item = None
    if payload.agenda_item is not None:
        item = AgendaItem.objects.filter(pk=payload.agenda_item, activity__org=applicant.org).first()
        if item is None:
            return Status(
                400, {"detail": "步骤未登记。", "problems": ["所选表决议题不是本支部党员大会的议题。"]}
            )
    data = StepInput(**{**payload.dict(), "people": tuple(payload.people), "agenda_item": item})
    try:
        record_step(applicant, data, request.user)
    except StepRefused as refused:
        return Status(400, {"detail": "步骤未登记，请按提示处理。", "problems": refused.problems})
    return Status(201, _detail(Applicant.objects.select_related("org").get(pk=applicant.pk)))
