"""考核 over JSON: schemes, the town table, a branch's sheet, the office's entries and corrections, 申诉,
定稿 and the ranking's publication, 满意度测评, 通报 and 问责; the same permissions and services as the
pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId, Message, Year
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind

from . import notices, services, surveys
from .models import Accountability, Notice, Objection, SchemeVersion, Survey, SurveyRight

router = Router(tags=["考核"])


def _refuse(exc: ValidationError):
    raise HttpError(400, "；".join(exc.messages)) from exc


def _year(year: int) -> int:
    """Assessments exist up to next year (a draft scheme); later years answer 404, as the pages do."""
    if year > timezone.localdate().year + 1:
        raise HttpError(404, f"{year}年度没有考核。")
    return year


def _office(request):
    access = access_for(request.user)
    if not access.is_office:
        raise PermissionDenied
    return access


def _reader(request):
    access = access_for(request.user)
    if not access.reads_assessment:
        raise PermissionDenied
    return access


def _branch(request, code: str):
    access = access_for(request.user)
    return get_object_or_404(access.visible_orgs().filter(kind=OrgKind.BRANCH), code=code)


class SchemeOut(Schema):
    id: int
    year: int
    version: int
    status: str
    effective_from: dt.date
    published_at: dt.datetime | None
    text: str


class DraftIn(Schema):
    year: Year


class DraftUpdateIn(Schema):
    text: str = Field(max_length=20000)
    effective_from: dt.date


class EvidenceOut(Schema):
    label: str
    url: str


class LineOut(Schema):
    code: str
    area: str
    name: str
    kind: str
    weight: float
    points: float | None
    detail: str
    source: str
    correction: str
    evidence: list[EvidenceOut]


class SheetOut(Schema):
    org_code: str
    org_name: str
    category: str
    year: int
    final: bool
    scheme: str
    earned: float
    available: float
    score: float | None
    grade: str
    grade_name: str
    vetoes: list[str]
    rank: list[int] | None
    lines: list[LineOut]


class RowOut(Schema):
    org_code: str
    org_name: str
    category: str
    score: float | None
    grade: str
    grade_name: str
    rank: list[int] | None
    previous: float | None
    change: float | None
    vetoes: list[str]
    points: dict[str, float | None]


class TableIn(Schema):
    year: Year
    category: str = ""


class PointsIn(Schema):
    indicator: str = Field(max_length=40)
    points: float = Field(ge=-1000, le=1000)
    note: str = Field(max_length=500)


class ObjectionIn(Schema):
    indicator: str = Field(max_length=40)
    text: str = Field(max_length=1000)


class AnswerIn(Schema):
    accept: bool
    answer: str = Field(max_length=500)
    points: float | None = Field(None, ge=-1000, le=1000)


class ObjectionOut(Schema):
    id: int
    org_code: str
    year: int
    indicator: str
    text: str
    status: str
    answer: str
    raised_at: dt.datetime
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.sheet.org.code

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.sheet.year


class YearOut(Schema):
    year: int
    final: bool
    finalised_at: dt.datetime | None
    ranking_published: bool


class RankingIn(Schema):
    publish: bool


def _sheet_out(sheet, year: int, final: bool, label: str, rank) -> dict:
    return {
        "org_code": sheet.code,
        "org_name": sheet.name,
        "category": sheet.category,
        "year": year,
        "final": final,
        "scheme": label,
        "earned": sheet.earned,
        "available": sheet.available,
        "score": sheet.score,
        "grade": sheet.grade,
        "grade_name": sheet.grade_name,
        "vetoes": sheet.vetoes,
        "rank": list(rank) if rank else None,
        "lines": [line.as_json() for line in sheet.lines],
    }


def _year_out(state) -> dict:
    return {
        "year": state.year,
        "final": state.is_final,
        "finalised_at": state.finalised_at,
        "ranking_published": state.ranking_published_at is not None,
    }


@router.get("/schemes", response=list[SchemeOut], summary="考核方案（各年度的草稿和已发布版本）")
@paginate
def list_schemes(request):
    _reader(request)
    return SchemeVersion.objects.all()


@router.get("/schemes/{scheme_id}", response=SchemeOut, summary="一个考核方案版本")
def get_scheme(request, scheme_id: DbId):
    _reader(request)
    return get_object_or_404(SchemeVersion, pk=scheme_id)


@router.post("/schemes", response=SchemeOut, summary="新建某年度的方案草稿（已有草稿时返回该草稿）")
def create_scheme(request, payload: DraftIn):
    _office(request)
    try:
        return services.create_draft(_year(payload.year), request.user)
    except ValidationError as exc:
        _refuse(exc)


@router.put("/schemes/{scheme_id}", response=SchemeOut, summary="修改方案草稿（保存前校验权重和依据）")
def update_scheme(request, scheme_id: DbId, payload: DraftUpdateIn):
    _office(request)
    draft = get_object_or_404(SchemeVersion, pk=scheme_id)
    try:
        services.save_draft(draft, payload.text, payload.effective_from)
    except ValidationError as exc:
        _refuse(exc)
    return draft


@router.post("/schemes/{scheme_id}/publish", response=SchemeOut, summary="发布方案草稿")
def publish_scheme(request, scheme_id: DbId):
    _office(request)
    draft = get_object_or_404(SchemeVersion, pk=scheme_id)
    try:
        services.publish_scheme(draft)
    except ValidationError as exc:
        _refuse(exc)
    draft.refresh_from_db()
    return draft


@router.get("/table", response=list[RowOut], summary="全镇考核表：得分、等次、同类排名、同比")
@paginate
def town_table(request, filters: Query[TableIn]):
    access = _reader(request)
    roots = list(access.visible_orgs().filter(path__in=access.view).exclude(kind=OrgKind.GROUP))
    t = services.table(roots, _year(filters.year), timezone.localdate(), filters.category)
    return [
        {
            "org_code": r.sheet.code,
            "org_name": r.sheet.name,
            "category": r.sheet.category,
            "score": r.sheet.score,
            "grade": r.sheet.grade,
            "grade_name": r.sheet.grade_name,
            "rank": list(r.rank) if r.rank else None,
            "previous": r.previous,
            "change": r.change,
            "vetoes": r.sheet.vetoes,
            "points": {line.code: line.points for line in r.sheet.lines},
        }
        for r in t.rows
    ]


@router.get("/sheets/{code}/{year}", response=SheetOut, summary="一个党支部的年度考核表（每项附证据链接）")
def get_sheet(request, code: str, year: Year):
    _year(year)
    access = access_for(request.user)
    org = _branch(request, code)
    try:
        sheet, _, label, frozen = services.branch_sheet(org, year, timezone.localdate())
    except ValidationError as exc:
        raise HttpError(404, exc.messages[0]) from exc
    rank = None if access.reads_assessment else services.rank_of(org, year)
    return _sheet_out(sheet, year, frozen is not None, label, rank)


@router.post("/sheets/{code}/{year}/entries", response=SheetOut, summary="党建办评定或加分/扣分（须写说明）")
def add_entry(request, code: str, year: Year, payload: PointsIn):
    _year(year)
    _office(request)
    org = _branch(request, code)
    try:
        services.save_entry(org, year, payload.indicator, payload.points, payload.note, request.user)
    except ValidationError as exc:
        _refuse(exc)
    sheet, _, label, frozen = services.branch_sheet(org, year, timezone.localdate())
    return _sheet_out(sheet, year, frozen is not None, label, None)


@router.post("/sheets/{code}/{year}/corrections", response=SheetOut, summary="更正定稿后的得分（须写理由）")
def add_correction(request, code: str, year: Year, payload: PointsIn):
    _year(year)
    _office(request)
    org = _branch(request, code)
    try:
        _, _, _, frozen = services.branch_sheet(org, year, timezone.localdate())
        if frozen is None:
            raise ValidationError(f"{year}年度考核尚未定稿：得分随事实自动更新，无需更正。")
        services.correct(frozen, payload.indicator, payload.points, payload.note, request.user)
    except ValidationError as exc:
        _refuse(exc)
    sheet, _, label, frozen = services.branch_sheet(org, year, timezone.localdate())
    return _sheet_out(sheet, year, True, label, None)


@router.post(
    "/sheets/{code}/{year}/objections", response=ObjectionOut, summary="对本支部考核表的一项提出申诉"
)
def raise_objection(request, code: str, year: Year, payload: ObjectionIn):
    _year(year)
    org = _branch(request, code)
    if not access_for(request.user).can_object(org):
        raise PermissionDenied
    try:
        _, _, _, frozen = services.branch_sheet(org, year, timezone.localdate())
        if frozen is None:
            raise ValidationError("考核定稿后才能申诉；定稿前得分随事实更新，请先补齐记录。")
        return services.raise_objection(
            frozen, payload.indicator, payload.text, request.user, timezone.localdate()
        )
    except ValidationError as exc:
        _refuse(exc)


@router.get("/objections", response=list[ObjectionOut], summary="考核申诉（党建办、上级党委）")
@paginate
def list_objections(request):
    _reader(request)
    return Objection.objects.select_related("sheet__org")


@router.post("/objections/{objection_id}/answer", response=ObjectionOut, summary="答复申诉（采纳时更正得分）")
def answer_objection(request, objection_id: DbId, payload: AnswerIn):
    _office(request)
    objection = get_object_or_404(Objection.objects.select_related("sheet__org"), pk=objection_id)
    try:
        services.answer_objection(objection, payload.accept, payload.answer, request.user, payload.points)
    except ValidationError as exc:
        _refuse(exc)
    objection.refresh_from_db()
    return objection


@router.post("/years/{year}/finalise", response=YearOut, summary="年度考核定稿（冻结得分）")
def finalise(request, year: Year):
    _year(year)
    access = _office(request)
    roots = list(access.visible_orgs().filter(path__in=access.view).exclude(kind=OrgKind.GROUP))
    try:
        return _year_out(services.finalise(roots, year, request.user, timezone.localdate()))
    except ValidationError as exc:
        _refuse(exc)


@router.post("/years/{year}/ranking", response=YearOut, summary="向各党支部公布或撤回同类排名")
def ranking(request, year: Year, payload: RankingIn):
    _year(year)
    _office(request)
    try:
        return _year_out(services.publish_ranking(year, payload.publish))
    except ValidationError as exc:
        _refuse(exc)


class SurveyOut(Schema):
    id: int
    year: int
    title: str
    status: str
    closes_on: dt.date


class BranchResultOut(Schema):
    org_id: int
    answers: int
    shown: bool
    by_question: list[tuple[str, dict[str, int]]]
    comments: list[str]


class AnswerSurveyIn(Schema):
    choices: dict[str, str]
    comment: str = Field("", max_length=200)


@router.get("/surveys", response=list[SurveyOut], summary="满意度测评")
@paginate
def list_surveys(request):
    access = access_for(request.user)
    if not (access.reads_assessment or access.is_manager):
        raise PermissionDenied
    return Survey.objects.all()


@router.get(
    "/surveys/{survey_id}/results", response=list[BranchResultOut], summary="测评结果（少于最低份数时不显示）"
)
def survey_results(request, survey_id: DbId):
    access = access_for(request.user)
    survey = get_object_or_404(Survey, pk=survey_id)
    if access.reads_assessment:
        org_ids = None
    elif access.is_manager:
        org_ids = list(access.manageable_orgs().filter(kind=OrgKind.BRANCH).values_list("pk", flat=True))
    else:
        raise PermissionDenied
    return list(surveys.results(survey, org_ids).values())


@router.post(
    "/surveys/{survey_id}/answer", response=Message, summary="党员填写满意度测评（不记名，每人一次）"
)
def answer_survey(request, survey_id: DbId, payload: AnswerSurveyIn):
    access = access_for(request.user)
    survey = get_object_or_404(Survey, pk=survey_id, status=Survey.Status.OPEN)
    if (
        not access.member_id
        or not SurveyRight.objects.filter(survey=survey, member_id=access.member_id).exists()
    ):
        raise PermissionDenied
    try:
        surveys.answer(survey, payload.choices, payload.comment, member=request.user.member)
    except ValidationError as exc:
        _refuse(exc)
    return {"detail": "已提交，谢谢！答卷不记名。"}


class NoticeOut(Schema):
    id: int
    year: int
    number: str
    kind: str
    title: str
    status: str
    published_on: dt.date | None
    branches: list[str]

    @staticmethod
    def resolve_number(obj) -> str:
        return notices.number_label(obj)

    @staticmethod
    def resolve_branches(obj) -> list[str]:
        return [e.org.code for e in obj.branches.all()]


def _visible_notices(request):
    access = access_for(request.user)
    if access.reads_assessment or notices.is_town_leader(access):
        return Notice.objects.prefetch_related("branches__org"), access
    orgs = access.manageable_orgs().filter(kind=OrgKind.BRANCH)
    if not orgs.exists():
        raise PermissionDenied
    published = Notice.objects.filter(status__in=[Notice.Status.PUBLISHED, Notice.Status.CLOSED])
    found = published.filter(Q(to_all=True) | Q(branches__org__in=orgs)).distinct()
    return found.prefetch_related("branches__org"), access


@router.get("/notices", response=list[NoticeOut], summary="通报（批评、表扬）")
@paginate
def list_notices(request):
    return _visible_notices(request)[0]


@router.post("/notices/{notice_id}/steps/{action}", response=NoticeOut, summary="通报流程的下一步（按顺序）")
def notice_step(request, notice_id: DbId, action: str):
    found, access = _visible_notices(request)
    notice = get_object_or_404(found, pk=notice_id)
    try:
        return notices.advance(notice, action, request.user, access, timezone.localdate())
    except ValidationError as exc:
        _refuse(exc)


class AccountabilityOut(Schema):
    id: int
    org_code: str
    member_name: str
    form: str
    form_name: str
    reason: str
    notice_id: int | None
    finding_url: str
    decided_on: dt.date
    decided_by: str

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_form_name(obj) -> str:
        return notices.forms().get(obj.form, {}).get("name", obj.form)


class AccountabilityIn(Schema):
    org_code: str = Field(max_length=40)
    member_id: DbId
    form: str = Field(max_length=32)
    reason: str = Field(max_length=1000)
    decided_on: dt.date
    decided_by: str = Field(max_length=50)
    notice_id: DbId | None = None
    finding_url: str = Field("", max_length=300)


@router.get("/accountability", response=list[AccountabilityOut], summary="问责记录（仅党建办）")
@paginate
def list_accountability(request):
    access = _office(request)
    return Accountability.objects.filter(org__in=access.visible_orgs()).select_related("org", "member")


@router.post("/accountability", response=AccountabilityOut, summary="记录对党支部负责人的问责（仅党建办）")
def record_accountability(request, payload: AccountabilityIn):
    access = _office(request)
    org = get_object_or_404(access.visible_orgs().filter(kind=OrgKind.BRANCH), code=payload.org_code)
    member = get_object_or_404(Member, pk=payload.member_id)
    notice = get_object_or_404(Notice, pk=payload.notice_id) if payload.notice_id else None
    try:
        return notices.record_accountability(
            org,
            member,
            payload.form,
            payload.reason,
            payload.decided_on,
            payload.decided_by,
            request.user,
            notice=notice,
            finding_url=payload.finding_url,
        )
    except ValidationError as exc:
        _refuse(exc)
