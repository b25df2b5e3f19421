import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId

from .filters import MemberFilter

router = Router(tags=["党员"])


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    birth_date: dt.date
    id_number: str
    phone: str
    education: str
    work_unit: str
    joined_on: dt.date
    confirmed_on: dt.date | None
    category: str
    status: str
    org_code: str
    group_code: str | None
    is_leading_cadre: bool
    dual_org_code: str | None

    # ID and phone numbers are masked unless the caller may see them in full.
    @staticmethod
    def resolve_id_number(obj, context) -> str:
        sensitive = access_for(context["request"].user).can_see_sensitive(obj)
        return obj.id_number if sensitive else obj.masked_id_number

    @staticmethod
    def resolve_phone(obj, context) -> str:
        sensitive = access_for(context["request"].user).can_see_sensitive(obj)
        return obj.phone if sensitive else obj.masked_phone

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_group_code(obj) -> str | None:
        return obj.group.code if obj.group_id else None

    @staticmethod
    def resolve_dual_org_code(obj) -> str | None:
        return obj.dual_org.code if obj.dual_org_id else None


@router.get("/", response=list[MemberOut], summary="党员名册（按姓名拼音排序，可筛选）")
@paginate
def list_members(request, org: str = "", category: str = "", status: str = "", q: str = ""):
    params = {"org": org, "category": category, "status": status, "q": q}
    return MemberFilter(params, access_for(request.user)).queryset()


@router.get("/{member_id}", response=MemberOut, summary="党员详情")
def get_member(request, member_id: DbId):
    queryset = access_for(request.user).visible_members().select_related("org", "group", "dual_org")
    return get_object_or_404(queryset, pk=member_id)
