import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from dangjian.accounts.access import access_for

from .choices import OrgKind

router = Router(tags=["党组织"])


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    category: str
    parent_code: str | None
    founded_on: dt.date
    active_members: int
    full_members: int
    has_committee: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj["kind_label"] if isinstance(obj, dict) else obj.get_kind_display()

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        if isinstance(obj, dict):
            return obj["parent_code"]
        return obj.parent.code if obj.parent_id else None


class PositionOut(Schema):
    title: str
    title_label: str
    member_id: int
    member_name: str
    started_on: dt.date
    ended_on: dt.date | None


class OrgDetailOut(OrgOut):
    positions: list[PositionOut]


def _org_out(org) -> dict:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "category": org.category,
        "parent_code": org.parent.code if org.parent_id else None,
        "founded_on": org.founded_on,
        "active_members": org.active_members,
        "full_members": org.full_members,
        "has_committee": org.has_committee,
    }


@router.get("/", response=list[OrgOut], summary="可见的党组织（分页）")
@paginate
def list_orgs(request, kind: OrgKind | None = None):
    orgs = access_for(request.user).visible_orgs().with_member_counts().select_related("parent")
    if kind:
        orgs = orgs.filter(kind=kind)
    return orgs.order_by("path")


@router.get("/{code}", response=OrgDetailOut, summary="党组织详情及现任职务")
def get_org(request, code: str):
    org = get_object_or_404(
        access_for(request.user).visible_orgs().with_member_counts().select_related("parent"), code=code
    )
    positions = [
        {
            "title": p.title,
            "title_label": p.get_title_display(),
            "member_id": p.member_id,
            "member_name": p.member.name,
            "started_on": p.started_on,
            "ended_on": p.ended_on,
        }
        for p in org.current_positions()
    ]
    return {**_org_out(org), "positions": positions}
