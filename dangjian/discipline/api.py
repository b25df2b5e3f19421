"""党纪处分 over JSON: the same scoping and permissions as the pages, and the same form for the rules."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId, Refusal, Year
from dangjian.orgs.choices import OrgKind

from . import levels
from .forms import SanctionForm
from .models import Sanction
from .rules import readable_orgs

router = Router(tags=["处理违纪党员"])


class LevelOut(Schema):
    code: str
    name: str
    period_years: int | None
    suspends_rights: bool
    ends_membership: bool
    ends_posts: bool
    effect: str
    source: str


class SanctionOut(Schema):
    id: int
    member_id: int
    member_name: str
    org_code: str
    level: str
    level_name: str
    decided_on: dt.date
    decided_by: str
    document_no: str
    facts: str
    period_end: dt.date | None
    lifted_on: dt.date | None
    lifted_note: str
    has_document: bool
    in_force_today: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_has_document(obj) -> bool:
        return bool(obj.document)

    @staticmethod
    def resolve_in_force_today(obj) -> bool:
        return obj.running


class SanctionIn(Schema):
    org: str  # the branch's code
    member_id: DbId
    level: str
    decided_on: dt.date
    decided_by: str
    document_no: str = ""
    facts: str


def _sanctions(request):
    return Sanction.objects.visible_to(access_for(request.user)).select_related("member", "org")


@router.get("/levels", response=list[LevelOut], summary="党纪处分种类及其影响（出处见 source）")
def list_levels(request):
    return list(levels.current().by_code.values())


@router.get("/", response=list[SanctionOut], summary="违纪党员清单（可按组织、年度、处分种类、党员筛选）")
@paginate
def list_sanctions(
    request, org: str = "", year: Year | None = None, level: str = "", member: DbId | None = None
):
    found = _sanctions(request)
    if org:
        within = get_object_or_404(readable_orgs(access_for(request.user)), code=org)
        found = found.filter(org__path__startswith=within.path)
    if year:
        found = found.in_year(year)
    if level:
        found = found.filter(level=level)
    if member:
        found = found.filter(member_id=member)
    return found


@router.get("/{sanction_id}", response=SanctionOut, summary="党纪处分详情")
def get_sanction(request, sanction_id: DbId):
    return get_object_or_404(_sanctions(request), pk=sanction_id)


@router.post("/", response={201: SanctionOut, 400: Refusal}, summary="登记党纪处分（处分文件请在页面上传）")
def create_sanction(request, payload: SanctionIn):
    org = get_object_or_404(
        access_for(request.user).manageable_orgs().filter(kind=OrgKind.BRANCH), code=payload.org
    )
    if not request.user.has_perm("discipline.add_sanction", org):
        raise PermissionDenied
    data = payload.dict(exclude={"org", "member_id"})
    form = SanctionForm({**data, "member": payload.member_id}, org=org)
    if not form.is_valid():
        errors = {name: [e["message"] for e in found] for name, found in form.errors.get_json_data().items()}
        return Status(400, {"detail": "处分未登记，请按提示修改。", "errors": errors})
    form.instance.created_by = request.user
    with transaction.atomic():
        sanction = form.save()
    return Status(201, sanction)
