"""督查 rounds, findings and 整改 over JSON: the same scoping and services as the pages. Photos and evidence
files are uploaded on the pages; the API reads their links."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId, Refusal
from dangjian.orgs.models import Organisation

from . import services
from .choices import RectStatus, StepAction
from .models import Finding, Round

router = Router(tags=["督查"])
Seed = Annotated[int, Field(ge=0, le=services.SEED_MAX - 1, description="抽样种子；不填则随机生成")]
Size = Annotated[int, Field(ge=1, le=500, description="抽取支部数")]


def _refused(exc: ValidationError) -> Status:
    return Status(400, {"detail": exc.messages[0], "problems": exc.messages})


class PickOut(Schema):
    org_code: str
    org_name: str
    by_desk: bool
    weight: float
    reason: str

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class ItemOut(Schema):
    id: int
    seq: int
    rule: str
    name: str
    records: str
    leaders: str
    points: str


class RoundOut(Schema):
    id: int
    name: str
    period_start: dt.date
    period_end: dt.date
    methods: list[str]
    seed: int
    status: str
    created_at: dt.datetime
    closed_at: dt.datetime | None


class RoundDetailOut(RoundOut):
    items: list[ItemOut]
    sample: list[PickOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())

    @staticmethod
    def resolve_sample(obj) -> list:
        return list(obj.sample.select_related("org"))


class RoundIn(Schema):
    name: str
    period_start: dt.date
    period_end: dt.date
    methods: list[str]
    size: Size | None = None
    seed: Seed | None = None


class AttachmentOut(Schema):
    id: int
    name: str
    url: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class FindingOut(Schema):
    id: int
    round_id: int
    org_code: str
    item_id: int
    item: str
    result: str
    result_label: str
    notes: str
    found_at: dt.datetime
    rectification_id: int | None
    photos: list[AttachmentOut]

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_item(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_result_label(obj) -> str:
        return obj.get_result_display()

    @staticmethod
    def resolve_rectification_id(obj) -> int | None:
        rect = getattr(obj, "rectification", None)
        return rect.pk if rect else None

    @staticmethod
    def resolve_photos(obj) -> list:
        return [a for a in obj.attachments.all() if a.step_id is None]


class FindingIn(Schema):
    org: str = Field(description="党支部组织代码")
    item_id: DbId
    result: Literal["conforming", "partly", "nonconforming"]
    notes: str = ""
    requirement: str = ""
    deadline: dt.date | None = None


class StepOut(Schema):
    action: str
    action_label: str
    text: str
    at: dt.datetime
    evidence: list[AttachmentOut]

    @staticmethod
    def resolve_action_label(obj) -> str:
        return obj.get_action_display()

    @staticmethod
    def resolve_evidence(obj) -> list:
        return list(obj.attachments.all())


class RectificationOut(Schema):
    id: int
    finding_id: int
    org_code: str
    org_name: str
    round_name: str
    item: str
    requirement: str
    deadline: dt.date
    status: str
    status_label: str
    overdue: bool
    closed_at: dt.datetime | None
    steps: list[StepOut]

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.finding.org.code

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.finding.org.name

    @staticmethod
    def resolve_round_name(obj) -> str:
        return obj.finding.round.name

    @staticmethod
    def resolve_item(obj) -> str:
        return obj.finding.item.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class RectFilters(Schema):
    state: Literal["", "open", "answered", "returned", "accepted", "overdue"] = ""


class StepIn(Schema):
    text: str = ""


def _round(request, pk: int, run: bool = False) -> Round:
    access = access_for(request.user)
    round_ = get_object_or_404(services.rounds_visible(access).select_related("org"), pk=pk)
    if not (access.can_run_round(round_) if run else access.can_read_round(round_)):
        raise PermissionDenied
    return round_


@router.get("/rounds", response=list[RoundOut], summary="督查轮次")
@paginate
def list_rounds(request):
    access = access_for(request.user)
    if not (access.is_office or access.is_oversight):
        raise PermissionDenied
    return services.rounds_visible(access)


@router.post(
    "/rounds", response={201: RoundDetailOut, 400: Refusal}, summary="新建督查轮次（自动生成清单并抽样）"
)
def create_round(request, payload: RoundIn):
    if not access_for(request.user).is_office:
        raise PermissionDenied
    try:
        round_ = services.create_round(
            request.user,
            request.user.scope_org,
            payload.name,
            payload.period_start,
            payload.period_end,
            payload.methods,
            size=payload.size,
            seed=payload.seed,
        )
    except ValidationError as exc:
        return _refused(exc)
    return Status(201, round_)


@router.get("/rounds/{round_id}", response=RoundDetailOut, summary="督查轮次详情：清单、抽查支部及理由")
def get_round(request, round_id: DbId):
    return _round(request, round_id)


@router.get("/rounds/{round_id}/findings", response=list[FindingOut], summary="本轮的督查发现")
@paginate
def list_findings(request, round_id: DbId):
    access = access_for(request.user)
    round_ = get_object_or_404(services.rounds_visible(access), pk=round_id)
    return (
        services.findings_visible(access)
        .filter(round=round_)
        .select_related("org", "item", "rectification")
        .prefetch_related("attachments")
    )


@router.post(
    "/rounds/{round_id}/findings",
    response={200: FindingOut, 400: Refusal},
    summary="记录一个检查项的结果（不符合时生成整改要求；照片请在页面上传）",
)
def record_finding(request, round_id: DbId, payload: FindingIn):
    access = access_for(request.user)
    round_ = get_object_or_404(services.rounds_visible(access).select_related("org"), pk=round_id)
    org = get_object_or_404(Organisation, code=payload.org, pk__in=round_.sample.values("org_id"))
    if not access.can_inspect(round_, org):
        raise PermissionDenied
    data = services.FindingInput(
        item_id=payload.item_id,
        result=payload.result,
        notes=payload.notes,
        requirement=payload.requirement,
        deadline=payload.deadline,
    )
    try:
        finding = services.record_finding(round_, org, data, request.user)
    except ValidationError as exc:
        return _refused(exc)
    return Finding.objects.select_related("org", "item", "rectification").get(pk=finding.pk)


def _rects(request):
    return (
        services.rectifications_visible(access_for(request.user))
        .select_related("finding__org", "finding__item", "finding__round")
        .prefetch_related("steps__attachments")
    )


@router.get(
    "/rectifications", response=list[RectificationOut], summary="督查整改（可按状态筛选，overdue 为已逾期）"
)
@paginate
def list_rectifications(request, filters: Query[RectFilters]):
    access = access_for(request.user)
    if not (access.is_office or access.is_oversight or access.manage or access.inspecting):
        raise PermissionDenied
    rows = _rects(request)
    if filters.state == "overdue":
        return rows.filter(
            status__in=(RectStatus.OPEN, RectStatus.RETURNED), deadline__lt=timezone.localdate()
        )
    return rows.filter(status=filters.state) if filters.state else rows


@router.get("/rectifications/{rect_id}", response=RectificationOut, summary="督查整改详情及过程")
def get_rectification(request, rect_id: DbId):
    return get_object_or_404(_rects(request), pk=rect_id)


@router.post(
    "/rectifications/{rect_id}/{action}",
    response={200: RectificationOut, 400: Refusal},
    summary="整改答复（answer，支部）、退回（return）或验收（accept，督查人员或党建办）",
)
def act(request, rect_id: DbId, action: Literal["answer", "return", "accept"], payload: StepIn):
    access = access_for(request.user)
    rect = get_object_or_404(_rects(request), pk=rect_id)
    try:
        services.act(rect, StepAction(action), payload.text, request.user, access)
    except ValidationError as exc:
        return _refused(exc)
    return get_object_or_404(_rects(request), pk=rect_id)
