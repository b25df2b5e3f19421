from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from dangjian.accounts.access import access_for
from dangjian.core import history, xlsx
from dangjian.core.params import id_param
from dangjian.members.filters import MemberFilter
from dangjian.orgs.choices import OrgCategory, OrgKind, PositionTitle

from . import structure
from .forms import PICKER_LIMIT, EndPositionForm, OrganisationForm, PositionForm
from .models import Organisation, Position


def _visible_org(request, code: str) -> Organisation:
    return get_object_or_404(access_for(request.user).visible_orgs(), code=code)


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


ORG_PAGE_SIZE = 100  # a county has thousands of organisations


@login_required
def org_list(request):
    access = access_for(request.user)
    if not access.sees_many:
        raise PermissionDenied
    orgs = access.visible_orgs().with_member_counts().order_by("path")
    kind = request.GET.get("kind", "")
    category = request.GET.get("category", "")
    if kind in OrgKind.values:
        orgs = orgs.filter(kind=kind)
    if category in OrgCategory.values:
        orgs = orgs.filter(category=category)
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                o.code,
                o.name,
                o.get_kind_display(),
                o.get_category_display(),
                o.active_members,
                o.full_members,
                "是" if o.has_committee else "否",
                o.founded_on,
            )
            for o in orgs
        )
        content = xlsx.workbook_bytes(
            "党组织名单",
            ["组织代码", "名称", "类型", "单位类别", "党员数", "正式党员数", "设支部委员会", "成立日期"],
            rows,
            org=access.scope_name(),
        )
        return xlsx.download("党组织名单.xlsx", content)
    return render(
        request,
        "orgs/list.html",
        {
            "page": Paginator(orgs, ORG_PAGE_SIZE).get_page(request.GET.get("page")),
            "query": urlencode({k: v for k, v in (("kind", kind), ("category", category)) if v}),
            "kinds": OrgKind.choices,
            "categories": OrgCategory.choices,
            "kind": kind,
            "category": category,
            "base_depth": min((len(p.strip("/").split("/")) for p in access.view), default=1),
        },
    )


@login_required
def org_detail(request, code: str):
    org = _visible_org(request, code)
    access = access_for(request.user)
    full_members = org.full_member_count()
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "full_members": full_members,
            "committee_rule": structure.load().committee,
            # Linked only where the viewer may open them (a branch secretary does not see the town's page).
            "ancestors": [(a, access.can_view_org(a)) for a in org.ancestors()],
            "children": org.children.with_member_counts().order_by("code"),
            "positions": _with_member_links(access, org.current_positions()),
            "past_positions": org.positions.filter(ended_on__isnull=False).select_related("member")[:20],
            "can_manage": request.user.has_perm("orgs.change_organisation", org),
            "history": history.changes(org),
            "position_history": history.position_changes(Position.history.filter(org_id=org.pk)),
        },
    )


def _with_member_links(access, positions) -> list:
    """Positions, each marked whether the viewer may open its holder's page (an instructor from another
    branch is listed by name only)."""
    positions = list(positions)
    ids = [p.member_id for p in positions]
    visible = set(access.visible_members().filter(pk__in=ids).values_list("pk", flat=True))
    for p in positions:
        p.member_linked = p.member_id in visible
    return positions


@login_required
def org_edit(request, code: str | None = None):
    access = access_for(request.user)
    org = _visible_org(request, code) if code else None
    parent = None
    if org is None:
        parent = get_object_or_404(access.visible_orgs(), code=request.GET.get("parent", ""))
        _require(request, "orgs.change_organisation", parent)
    else:
        _require(request, "orgs.change_organisation", org)
    parents = access.manageable_orgs().exclude(kind=OrgKind.GROUP)
    if org is not None:
        parents = parents.exclude(path__startswith=org.path)
        if org.parent_id:  # the top of one's own scope may keep its parent, but not move elsewhere
            parents = (parents | Organisation.objects.filter(pk=org.parent_id)).distinct()
    form = OrganisationForm(
        request.POST or None, instance=org, parents=parents, initial={"parent": parent} if parent else None
    )
    if org is not None and org.parent_id is None:
        form.fields["parent"].required = False
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(request, f"已保存党组织“{saved.name}”。")
        return redirect(saved)
    return render(request, "orgs/edit.html", {"form": form, "org": org, "parent": parent})


@login_required
def position_add(request, code: str):
    org = _visible_org(request, code)
    _require(request, "orgs.manage_positions", org)
    access = access_for(request.user)
    members = access.visible_members().active()
    q = request.GET.get("q", "").strip()
    if q:
        candidates = MemberFilter({"q": q}, access).queryset().active()
    else:  # the organisation's own members, and the one just chosen when the form comes back
        chosen_id = id_param(request.POST.get("member"))
        chosen = Q(pk=chosen_id) if chosen_id is not None else Q()
        candidates = members.filter(Q(org__in=Organisation.objects.subtree(org).values("pk")) | chosen)
    form = PositionForm(request.POST or None, org=org, members=members, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        position = form.save()
        messages.success(request, f"已任命 {position.member.name} 为{position.get_title_display()}。")
        return redirect(org)
    return render(
        request,
        "orgs/position_form.html",
        {"form": form, "org": org, "titles": PositionTitle, "q": q, "limit": PICKER_LIMIT},
    )


@login_required
def position_end(request, pk: int):
    access = access_for(request.user)
    position = get_object_or_404(
        Position.objects.filter(access.org_q("org__")).select_related("org", "member"), pk=pk
    )
    _require(request, "orgs.manage_positions", position.org)
    form = EndPositionForm(request.POST or None, position=position)
    if request.method == "POST" and form.is_valid():
        position.ended_on = form.cleaned_data["ended_on"]
        position.save()
        messages.success(
            request,
            f"{position.member.name} 的{position.get_title_display()}职务已于 {position.ended_on} 离任。",
        )
        return redirect(position.org)
    return render(request, "orgs/position_end.html", {"form": form, "position": position})
