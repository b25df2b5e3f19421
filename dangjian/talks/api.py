"""谈心谈话 over JSON: the same scoping and permissions as the pages, and the same form for the rules."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId, Refusal, Year
from dangjian.core.params import FIRST_YEAR
from dangjian.orgs.choices import OrgKind

from .coverage import Coverage
from .forms import TalkForm
from .models import Talk
from .services import coverage_for, recordable_branches

router = Router(tags=["谈心谈话"])


class TalkOut(Schema):
    id: int
    org_code: str
    initiator_id: int
    initiator_name: str
    partner_id: int
    partner_name: str
    pairing: str
    pairing_label: str
    talked_on: dt.date
    form: str
    topics: str
    opinions: str
    follow_up: str
    follow_up_done: bool
    before_review_year: int | None
    created_at: dt.datetime
    late_entry: bool

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_initiator_name(obj) -> str:
        return obj.initiator.name

    @staticmethod
    def resolve_partner_name(obj) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_pairing_label(obj) -> str:
        return obj.get_pairing_display()

    @staticmethod
    def resolve_late_entry(obj) -> bool:
        return obj.is_late_entry


class TalkIn(Schema):
    org: str  # the branch's code
    initiator_id: DbId
    partner_id: DbId
    talked_on: dt.date
    form: str = "in_person"
    topics: str
    opinions: str = ""
    follow_up: str = ""
    follow_up_done: bool = False
    before_review_year: Year | None = None


class TermOut(Schema):
    member_id: int
    name: str
    start: dt.date
    end: dt.date | None


class RowOut(Schema):
    member_id: int
    name: str
    committee: bool
    status: str
    status_label: str
    count: int
    last_talk: dt.date | None
    joined_on: dt.date | None
    left_on: dt.date | None
    talk_ids: list[int]

    @staticmethod
    def resolve_talk_ids(obj) -> list[int]:
        return [t.talk_id for t in obj.talks]


class CoverageOut(Schema):
    org: str  # the branch's code, named as in the list's filter and the POST body
    year: int
    end: dt.date
    minimum: int
    expected: int
    covered: int
    missing: int
    complete: bool
    no_secretary: bool
    notes: list[str]
    secretaries: list[TermOut]
    rows: list[RowOut]


def _talks(request):
    return Talk.objects.visible_to(access_for(request.user)).select_related("org", "initiator", "partner")


@router.get("/", response=list[TalkOut], summary="谈心谈话记录（可按支部、年度、党员筛选）")
@paginate
def list_talks(request, org: str = "", year: Year | None = None, member: DbId | None = None):
    talks = _talks(request)
    if org:
        talks = talks.filter(org__code=org)
    if year:
        talks = talks.in_year(year)
    if member:
        talks = talks.involving(member)
    return talks


@router.get(
    "/coverage/{org_code}", response={200: CoverageOut, 400: Refusal}, summary="支部年度谈心谈话覆盖情况"
)
def get_coverage(request, org_code: str, year: Year | None = None):
    access = access_for(request.user)
    org = get_object_or_404(access.visible_orgs().filter(kind=OrgKind.BRANCH), code=org_code)
    if not request.user.has_perm("talks.view_coverage", org):
        raise PermissionDenied
    this_year = timezone.localdate().year
    if year is not None and not FIRST_YEAR <= year <= this_year:
        raise HttpError(400, f"年度应在 {FIRST_YEAR} 至 {this_year} 之间。")
    cov: Coverage = coverage_for(org, year or this_year)
    figures = ("year", "end", "minimum", "expected", "covered", "missing", "complete", "no_secretary", "rows")
    return {
        **{name: getattr(cov, name) for name in figures},
        "org": org.code,
        "notes": cov.notes(),
        "secretaries": cov.terms,
    }


@router.get("/{talk_id}", response=TalkOut, summary="谈心谈话详情")
def get_talk(request, talk_id: DbId):
    return get_object_or_404(_talks(request), pk=talk_id)


@router.post("/", response={201: TalkOut, 400: Refusal}, summary="记录谈心谈话")
def create_talk(request, payload: TalkIn):
    org = get_object_or_404(recordable_branches(access_for(request.user), request.user), code=payload.org)
    if not request.user.has_perm("talks.add_talk", org):
        raise PermissionDenied
    data = payload.dict(exclude={"org", "initiator_id", "partner_id", "follow_up_done"})
    data.update(initiator=payload.initiator_id, partner=payload.partner_id)
    if payload.follow_up_done:
        data["follow_up_done"] = "on"
    form = TalkForm({k: v for k, v in data.items() if v is not None}, org=org, user=request.user)
    if not form.is_valid():
        errors = {name: [e["message"] for e in found] for name, found in form.errors.get_json_data().items()}
        return Status(400, {"detail": "记录未保存，请按提示修改。", "errors": errors})
    form.instance.created_by = request.user
    with transaction.atomic():
        talk = form.save()
    return Status(201, talk)
