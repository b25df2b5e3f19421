from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from dangjian.accounts.access import access_for
from dangjian.core import history, orgpicker, xlsx
from dangjian.core.downloads import stored_file
from dangjian.core.params import id_param, year_param
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

from . import levels
from .forms import SanctionForm
from .models import Sanction
from .rules import readable_orgs
from .services import attach_document, posts_to_end, sanction_list

PAGE_SIZE = 50
YEARS_SHOWN = 5
EXPORT_HEADERS = [
    "姓名",
    "所在党支部",
    "处分种类",
    "处分决定日期",
    "作出处分决定的党组织",
    "处分决定文号",
    "违纪事实及处分依据",
    "察看期满日期",
    "撤销或恢复日期",
    "撤销或恢复说明",
    "录入人",
    "录入时间",
]


def _sanctions(request):
    return Sanction.objects.visible_to(access_for(request.user)).select_related(
        "member__org", "org", "created_by__member"
    )


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


@login_required
def index(request):
    """The 违纪党员清单 of an organisation and year for its readers; a member's own sanctions otherwise."""
    access = access_for(request.user)
    year = year_param(request)
    codes = levels.current().by_code
    level = request.GET.get("level", "")
    level = level if level in codes else ""
    orgs = readable_orgs(access).order_by("path")
    first = orgs.first()  # None: the user reads no list, only their own sanctions
    if first is None and request.GET.get("org"):
        raise Http404
    pick = orgpicker.pick_org(orgs, request.GET.get("org", "")) if first else None
    if pick and not pick.text:
        pick.org = first
    org = pick.org if pick else None
    if pick:
        found = sanction_list(org, year, level) if org else []
    else:
        found = _sanctions(request).filter(member_id=access.member_id).order_by("-decided_on", "-id")
    if request.GET.get("format") == "xlsx" and org is not None:
        return _export(org, year, found)
    return render(
        request,
        "discipline/index.html",
        {
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - YEARS_SHOWN, -1)),
            "level": level,
            "levels": codes.values(),
            "org_pick": pick,
            "org": org,
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": f"org={org.code}&year={year}&level={level}" if org else "",
            "can_record": org is not None
            and org.kind == OrgKind.BRANCH
            and request.user.has_perm("discipline.add_sanction", org),
            "source": levels.current().source,
        },
        status=404 if pick and pick.problem else 200,  # nothing to list: say why, as a 404
    )


def _export(org: Organisation, year: int, found):
    rows = (
        (
            s.member.name,
            s.org.name,
            s.level_name,
            s.decided_on,
            s.decided_by,
            s.document_no,
            s.facts,
            s.period_end or "",
            s.lifted_on or "",
            s.lifted_note,
            str(s.created_by) if s.created_by else "",
            s.created_at,
        )
        for s in found.select_related("created_by__member").iterator(chunk_size=2000)
    )
    content = xlsx.workbook_bytes("违纪党员清单", EXPORT_HEADERS, rows, org=org.name, period=f"{year}年")
    return xlsx.download(f"违纪党员清单-{org.name}-{year}年.xlsx", content)


def _save(form) -> Sanction:
    with transaction.atomic():
        sanction = form.save(commit=False)
        if form.checked:
            attach_document(sanction, form.checked, form.cleaned_data["upload"].name)
        sanction.save()
    return sanction


@login_required
def create(request, code: str):
    org = get_object_or_404(access_for(request.user).manageable_orgs().filter(kind=OrgKind.BRANCH), code=code)
    _require(request, "discipline.add_sanction", org)
    member_id = id_param(request.GET.get("member"))
    initial = {"member": member_id} if member_id is not None else {}
    form = SanctionForm(request.POST or None, request.FILES or None, org=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        sanction = _save(form)
        messages.success(request, f"已登记 {sanction.member.name} 的{sanction.level_name}处分。")
        return redirect(sanction)
    return render(request, "discipline/edit.html", {"form": form, "org": org, "sanction": None})


@login_required
def detail(request, pk: int):
    sanction = get_object_or_404(_sanctions(request), pk=pk)
    return render(
        request,
        "discipline/detail.html",
        {
            "sanction": sanction,
            "level": sanction.level_info,
            "posts_to_end": posts_to_end(sanction),
            "can_change": request.user.has_perm("discipline.change_sanction", sanction),
            "can_view_list": request.user.has_perm("discipline.view_list", sanction.org),
            "history": history.changes(sanction),
        },
    )


@login_required
def edit(request, pk: int):
    sanction = get_object_or_404(_sanctions(request), pk=pk)
    _require(request, "discipline.change_sanction", sanction)
    form = SanctionForm(request.POST or None, request.FILES or None, instance=sanction, org=sanction.org)
    if request.method == "POST" and form.is_valid():
        _save(form)
        messages.success(request, "已保存修改。")
        return redirect(sanction)
    return render(request, "discipline/edit.html", {"form": form, "org": sanction.org, "sanction": sanction})


@login_required
def document(request, pk: int):
    sanction = get_object_or_404(_sanctions(request), pk=pk)
    if not sanction.document:
        raise Http404
    filename = sanction.document_name or sanction.document.name.rsplit("/", 1)[-1]
    return stored_file(request, sanction.document, sanction.document_type, filename)
