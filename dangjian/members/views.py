from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from dangjian.accounts.access import access_for
from dangjian.accounts.models import User
from dangjian.core import history, idcard, orgpicker, xlsx
from dangjian.orgs.models import Organisation, Position

from . import importing, services
from .choices import DEPARTED_STATUSES, Category, Status
from .filters import IdFirstPaginator, MemberFilter
from .forms import ImportForm, MemberForm, TransferForm
from .models import Member

PAGE_SIZE = 50


def _visible_member(request, pk: int) -> Member:
    queryset = access_for(request.user).visible_members().select_related("org", "group", "dual_org")
    return get_object_or_404(queryset, pk=pk)


@login_required
def member_list(request):
    access = access_for(request.user)
    if not access.sees_many:
        return redirect("members:detail", pk=access.member_id) if access.member_id else redirect("home")
    filters = MemberFilter(request.GET, access)
    members = filters.queryset()
    if request.GET.get("format") == "xlsx":
        return _export(request, access, members, filters.org)
    page = IdFirstPaginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/list.html",
        {
            "filters": filters,
            "org_pick": orgpicker.offer(filters.org_pick, access.visible_orgs()),
            "page": page,
            "categories": Category.choices,
            "statuses": Status.choices,
            "can_import": access.is_manager,  # = members.import_members, without the model backends' queries
            "query": filters.querystring(),
        },
    )


def _export(request, access, members, org):
    full = request.GET.get("full") == "1" and access.is_manager
    if full:
        members = members.filter(access.org_q("org__", paths=access.manage))
    rows = (
        (
            m.name,
            m.id_number if full else m.masked_id_number,
            m.get_gender_display(),
            m.ethnicity,
            m.birth_date,
            m.phone if full else m.masked_phone,
            m.get_education_display(),
            m.work_unit,
            m.joined_on,
            m.confirmed_on,
            m.get_category_display(),
            m.get_status_display(),
            m.org.code,
            m.group.code if m.group else "",
            "是" if m.is_leading_cadre else "否",
            m.dual_org.code if m.dual_org else "",
        )
        for m in members.iterator(chunk_size=2000)
    )
    title = "党员名册（含完整证件号，请妥善保管）" if full else "党员名册"
    content = xlsx.workbook_bytes(
        title, importing.HEADERS, rows, org=org.name if org else access.scope_name()
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx.download(f"党员名册{'（含完整证件号）' if full else ''}-{stamp}.xlsx", content)


@login_required
def member_detail(request, pk: int):
    member = _visible_member(request, pk)
    access = access_for(request.user)
    sensitive = request.user.has_perm("members.view_sensitive", member)
    masks = {} if sensitive else {"id_number": idcard.mask_id, "phone": idcard.mask_phone}
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "sensitive": sensitive,
            "can_manage": request.user.has_perm("members.change_member", member),
            "positions": member.positions.select_related("org").order_by("-started_on"),
            "transfers": member.transfers.select_related("from_org", "to_org", "created_by"),
            "account": getattr(member, "account", None),
            "departed": member.status in DEPARTED_STATUSES,
            "org_linked": access.can_view_org(member.org),
            "dual_org_linked": member.dual_org_id is not None and access.can_view_org(member.dual_org),
            "history": history.changes(member, masks=masks),
            "position_history": history.position_changes(Position.history.filter(member_id=member.pk)),
            "account_history": history.changes_of(User.history.filter(member_id=member.pk), User),
        },
    )


@login_required
def member_edit(request, pk: int | None = None):
    access = access_for(request.user)
    member = _visible_member(request, pk) if pk else None
    if member is not None and not request.user.has_perm("members.change_member", member):
        raise PermissionDenied
    orgs = access.manageable_orgs()
    if member is None and not orgs.exists():
        raise PermissionDenied
    form = MemberForm(
        request.POST or None,
        instance=member,
        orgs=orgs,
        all_orgs=Organisation.objects.all(),
        visible_members=access.visible_members(),
        initial={"org": request.GET.get("org")} if member is None else None,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(request, f"已保存党员“{saved.name}”的信息。")
        return redirect(saved)
    return render(request, "members/edit.html", {"form": form, "member": member})


@login_required
def member_transfer(request, pk: int):
    access = access_for(request.user)
    member = _visible_member(request, pk)
    if not request.user.has_perm("members.change_member", member):
        raise PermissionDenied
    form = TransferForm(request.POST or None, member=member, orgs=access.manageable_orgs())
    if request.method == "POST" and form.is_valid():
        record = services.transfer(
            member,
            form.cleaned_data["to_org"],
            form.cleaned_data["transferred_on"],
            form.cleaned_data["reason"],
            request.user,
        )
        messages.success(request, f"{member.name} 的组织关系已由 {record.from_org} 转入 {record.to_org}。")
        return redirect("members:detail", pk=member.pk)
    return render(request, "members/transfer.html", {"form": form, "member": member})


@login_required
def member_import(request):
    access = access_for(request.user)
    if not request.user.has_perm("members.import_members"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    refused: list[importing.Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = importing.import_members(
                form.cleaned_data["file"], access.manageable_orgs(), request.user
            )
        except importing.ImportRefused as exc:
            refused = exc.problems
        else:
            messages.success(
                request,
                result.summary(),
            )
            return redirect("members:list")
    return render(request, "members/import.html", {"form": form, "problems": refused})


@login_required
def import_template(request):
    if not request.user.has_perm("members.import_members"):
        raise PermissionDenied
    return xlsx.download("党员名册导入模板.xlsx", importing.template_bytes())
