from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.access import access_for
from dangjian.core import history, xlsx
from dangjian.core.params import id_param, year_param
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

from .coverage import committee_rule
from .forms import TalkForm
from .models import LATE_ENTRY_DAYS, Talk
from .services import coverage_for, eligible_members, recordable_branches

PAGE_SIZE = 50
YEARS_SHOWN = 5
EXPORT_HEADERS = [
    "谈话日期",
    "所属党支部",
    "谈话人",
    "谈话对象",
    "谈话类型",
    "谈话形式",
    "谈话主题及内容",
    "提出的意见建议",
    "后续跟进事项",
    "跟进事项已落实",
    "组织生活会前谈话（年度）",
    "录入人",
    "录入时间",
    "补录",
]


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - YEARS_SHOWN, -1))


def _branch(request, code: str) -> Organisation:
    """A branch the user may see (404 otherwise)."""
    return get_object_or_404(access_for(request.user).visible_orgs().filter(kind=OrgKind.BRANCH), code=code)


def _talks(request):
    return Talk.objects.visible_to(access_for(request.user)).select_related(
        "org", "initiator", "partner", "created_by__member"
    )


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


@login_required
def index(request):
    access = access_for(request.user)
    year = year_param(request)
    branches = None
    if access.sees_many:
        in_year = Q(talks__talked_on__year=year)
        orgs = (
            access.visible_orgs()
            .filter(kind=OrgKind.BRANCH)
            .annotate(talk_count=Count("talks", filter=in_year))
            .order_by("path")
        )
        branches = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    mine, own_branch = [], None
    if access.member_id:
        mine = _talks(request).involving(access.member_id).in_year(year)
        own_branch = request.user.member.org
    return render(
        request,
        "talks/index.html",
        {
            "year": year,
            "years": _years(),
            "branches": branches,
            "mine": mine,
            "own_branch": own_branch,
            "can_record_own": own_branch is not None and request.user.has_perm("talks.add_talk", own_branch),
        },
    )


@login_required
def org_talks(request, code: str):
    org = _branch(request, code)
    year = year_param(request)
    talks = _talks(request).filter(org=org).in_year(year)
    people = Member.objects.filter(
        Q(pk__in=eligible_members(org).values("pk"))
        | Q(pk__in=Talk.objects.filter(org=org).values("initiator_id"))
        | Q(pk__in=Talk.objects.filter(org=org).values("partner_id"))
    ).order_by("name_pinyin", "id")
    member = None
    if (member_id := id_param(request.GET.get("member"))) is not None:
        member = people.filter(pk=member_id).first()
        talks = talks.involving(member.pk) if member else talks.none()
    if request.GET.get("format") == "xlsx":
        return _export(org, year, talks)
    return render(
        request,
        "talks/org_talks.html",
        {
            "org": org,
            "year": year,
            "years": _years(),
            "people": people,
            "member": member,
            "page": Paginator(talks, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": f"year={year}" + (f"&member={member.pk}" if member else ""),
            "can_record": request.user.has_perm("talks.add_talk", org),
            "late_days": LATE_ENTRY_DAYS,
        },
    )


def _export(org: Organisation, year: int, talks):
    rows = (
        (
            t.talked_on,
            t.org.name,
            t.initiator.name,
            t.partner.name,
            t.get_pairing_display(),
            t.get_form_display(),
            t.topics,
            t.opinions,
            t.follow_up,
            "是" if t.follow_up_done else "否",
            t.before_review_year or "",
            str(t.created_by) if t.created_by else "",
            t.created_at,
            "补录" if t.is_late_entry else "",
        )
        for t in talks.iterator(chunk_size=2000)
    )
    content = xlsx.workbook_bytes("谈心谈话记录", EXPORT_HEADERS, rows, org=org.name, period=f"{year}年")
    return xlsx.download(f"谈心谈话记录-{org.name}-{year}年.xlsx", content)


@login_required
def talk_create(request, code: str):
    org = get_object_or_404(recordable_branches(access_for(request.user), request.user), code=code)
    _require(request, "talks.add_talk", org)
    partner_id = id_param(request.GET.get("partner"))
    initial = {"partner": partner_id} if partner_id is not None else {}
    form = TalkForm(request.POST or None, org=org, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        with transaction.atomic():
            talk = form.save()
        messages.success(request, f"已记录 {talk.initiator.name} 与 {talk.partner.name} 的谈心谈话。")
        if request.GET.get("next") == "coverage" and request.user.has_perm("talks.view_coverage", org):
            return redirect(f"{reverse('talks:coverage', args=[org.code])}?year={talk.talked_on.year}")
        return redirect(talk)
    return render(request, "talks/edit.html", {"form": form, "org": org, "talk": None})


@login_required
def talk_detail(request, pk: int):
    talk = get_object_or_404(_talks(request), pk=pk)
    return render(
        request,
        "talks/detail.html",
        {
            "talk": talk,
            "can_change": request.user.has_perm("talks.change_talk", talk),
            "can_view_branch": request.user.has_perm("talks.view_coverage", talk.org),
            "late_days": LATE_ENTRY_DAYS,
            "history": history.changes(talk),
        },
    )


@login_required
def talk_edit(request, pk: int):
    talk = get_object_or_404(_talks(request), pk=pk)
    _require(request, "talks.change_talk", talk)
    form = TalkForm(request.POST or None, instance=talk, org=talk.org, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, "已保存修改。")
        return redirect(talk)
    return render(request, "talks/edit.html", {"form": form, "org": talk.org, "talk": talk})


@login_required
def org_coverage(request, code: str):
    org = _branch(request, code)
    _require(request, "talks.view_coverage", org)
    year = year_param(request)
    return render(
        request,
        "talks/coverage.html",
        {
            "org": org,
            "year": year,
            "years": _years(),
            "cov": coverage_for(org, year),
            "committee_rule": committee_rule(),
            "can_record": request.user.has_perm("talks.add_talk", org),
            "can_record_for_others": request.user.has_perm("talks.record_for_others", org),
        },
    )
