import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.access import access_for
from dangjian.core import xlsx
from dangjian.core.params import FIRST_YEAR
from dangjian.evaluations import qr
from dangjian.evaluations.documents import CONTENT_TYPES
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgCategory, OrgKind
from dangjian.orgs.models import Organisation

from . import notices, services, surveys
from .models import Accountability, Notice, Objection, SchemeVersion, Survey, SurveyRight

SORTS = {
    "score": ("得分率", lambda r: (r.sheet.score is None, -(r.sheet.score or 0), r.sheet.code)),
    "code": ("组织代码", lambda r: r.sheet.code),
    "change": ("同比变化", lambda r: (r.change is None, -(r.change or 0), r.sheet.code)),
}


def _office(request):
    access = access_for(request.user)
    if not access.is_office:
        raise PermissionDenied("只有党建办可以进行此操作。")
    return access


def _reader(request):
    access = access_for(request.user)
    if not access.reads_assessment:
        raise PermissionDenied("只有党建办和上级党委可以查看全镇考核。")
    return access


def _year(value, default: int) -> int:
    try:
        year = int(value or default)
    except ValueError as exc:
        raise Http404("年度格式不正确。") from exc
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404("年度超出范围。")
    return year


def _roots(access) -> list[Organisation]:
    return list(
        Organisation.objects.filter(path__in=access.view).exclude(kind=OrgKind.GROUP).order_by("path")
    )


def _branch(request, code: str) -> Organisation:
    access = access_for(request.user)
    org = get_object_or_404(access.visible_orgs().filter(kind=OrgKind.BRANCH), code=code)
    if not access.can_view_sheet(org):
        raise PermissionDenied
    return org


@login_required
def town_table(request):
    """全镇考核表: scores, grades, rank within kind, year-on-year, filters, export and charts."""
    access = _reader(request)
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    category = request.GET.get("category", "")
    category = category if category in OrgCategory.values else ""
    sort = request.GET.get("sort", "score")
    sort = sort if sort in SORTS else "score"
    roots = _roots(access)
    t = services.table(roots, year, today, category)
    rows = sorted(t.rows, key=SORTS[sort][1])
    grade = request.GET.get("grade", "")
    if grade:
        rows = [r for r in rows if r.sheet.grade == grade]
    if request.GET.get("format") == "xlsx":
        headers, body = services.table_sheet(t, rows)
        content = xlsx.workbook_bytes(
            f"{year}年度党支部考核表", headers, body, org=access.scope_name(), period=f"{year}年"
        )
        return xlsx.download(f"考核表-{year}.xlsx", content)
    query = request.GET.copy()
    query.pop("sort", None)
    return render(
        request,
        "assessment/table.html",
        {
            "t": t,
            "rows": rows,
            "year": year,
            "years": range(today.year - 3, today.year + 1),
            "category": category,
            "categories": OrgCategory.choices,
            "grade": grade,
            "sort": sort,
            "sorts": [(k, v[0]) for k, v in SORTS.items()],
            "query": query.urlencode(),
            "charts": {"distribution": t.distribution(), "areas": t.by_area()},
            "is_office": access.is_office,
            "open_objections": Objection.objects.filter(
                status=Objection.Status.OPEN, sheet__year=year
            ).count(),
        },
    )


@login_required
def sheet(request, code: str, year: int):
    """A branch's sheet: every line with what produced its points."""
    org = _branch(request, code)
    access = access_for(request.user)
    year = _year(year, year)
    today = timezone.localdate()
    try:
        found, scheme, label, frozen = services.branch_sheet(org, year, today)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    state = services.year_state(year)
    deadline = services.objection_deadline(state, scheme)
    return render(
        request,
        "assessment/sheet.html",
        {
            "org": org,
            "year": year,
            "sheet": found,
            "scheme": scheme,
            "scheme_label": label,
            "state": state,
            "frozen": frozen,
            "corrections": frozen.corrections.select_related("made_by") if frozen else [],
            "objections": frozen.objections.select_related("raised_by", "answered_by") if frozen else [],
            "deadline": deadline,
            "can_object": frozen is not None and access.can_object(org) and deadline and today <= deadline,
            "is_office": access.is_office,
            "reads_town": access.reads_assessment,
            "accountability": Accountability.objects.filter(org=org).select_related("member")
            if access.is_office
            else [],
            "entry_lines": [i for i in scheme.indicators if i.kind in ("office", "adjust")],
            "rank": services.rank_of(org, year) if not access.reads_assessment else None,
        },
    )


@login_required
def mine(request):
    """本支部考核: the sheet of the first branch the user runs, this year."""
    org = access_for(request.user).manageable_orgs().filter(kind=OrgKind.BRANCH).order_by("path").first()
    if org is None:
        raise PermissionDenied("只有支部书记、组织委员可以查看本支部考核。")
    return redirect("assessment:sheet", org.code, timezone.localdate().year)


def _back(org, year):
    return redirect(reverse("assessment:sheet", args=[org.code, year]))


def _float(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError("分值应为数字，例如 4 或 4.5。") from exc


@login_required
@require_POST
def entry(request, code: str, year: int):
    _office(request)
    org = _branch(request, code)
    try:
        services.save_entry(
            org,
            year,
            request.POST.get("indicator", ""),
            _float(request.POST.get("points")),
            request.POST.get("note", ""),
            request.user,
        )
    except ValidationError as exc:
        messages.error(request, f"未保存：{exc.messages[0]}")
    else:
        messages.success(request, "已保存评分和说明。")
    return _back(org, year)


@login_required
@require_POST
def correct(request, code: str, year: int):
    _office(request)
    org = _branch(request, code)
    try:
        _, _, _, frozen = services.branch_sheet(org, year, timezone.localdate())
        if frozen is None:
            raise ValidationError(f"{year}年度考核尚未定稿：得分随事实自动更新，无需更正。")
        services.correct(
            frozen,
            request.POST.get("indicator", ""),
            _float(request.POST.get("points")),
            request.POST.get("reason", ""),
            request.user,
        )
    except ValidationError as exc:
        messages.error(request, f"未更正：{exc.messages[0]}")
    else:
        messages.success(request, "已更正，原分值和理由已保留。")
    return _back(org, year)


@login_required
@require_POST
def object_to(request, code: str, year: int):
    org = _branch(request, code)
    if not access_for(request.user).can_object(org):
        raise PermissionDenied("只有本支部书记、组织委员可以提出申诉。")
    try:
        _, _, _, frozen = services.branch_sheet(org, year, timezone.localdate())
        if frozen is None:
            raise ValidationError("考核定稿后才能申诉；定稿前得分随事实更新，请先补齐记录。")
        services.raise_objection(
            frozen,
            request.POST.get("indicator", ""),
            request.POST.get("text", ""),
            request.user,
            timezone.localdate(),
        )
    except ValidationError as exc:
        messages.error(request, f"未提交：{exc.messages[0]}")
    else:
        messages.success(request, "申诉已提交，党建办答复后会在这里显示。")
    return _back(org, year)


@login_required
def objections(request):
    _reader(request)
    found = Objection.objects.select_related("sheet__org", "raised_by", "answered_by")
    state = request.GET.get("status", Objection.Status.OPEN)
    if state in Objection.Status.values:
        found = found.filter(status=state)
    return render(
        request,
        "assessment/objections.html",
        {
            "objections": found[:200],
            "status": state,
            "statuses": Objection.Status.choices,
            "is_office": access_for(request.user).is_office,
        },
    )


@login_required
@require_POST
def answer(request, pk: int):
    _office(request)
    objection = get_object_or_404(Objection, pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        points = _float(request.POST.get("points")) if accept else None
        services.answer_objection(objection, accept, request.POST.get("answer", ""), request.user, points)
    except ValidationError as exc:
        messages.error(request, f"未答复：{exc.messages[0]}")
    else:
        messages.success(request, "已答复申诉。" + ("得分已按采纳的申诉更正。" if accept else ""))
    return redirect("assessment:objections")


@login_required
@require_POST
def finalise(request, year: int):
    access = _office(request)
    try:
        services.finalise(_roots(access), year, request.user, timezone.localdate())
    except ValidationError as exc:
        messages.error(request, f"未定稿：{exc.messages[0]}")
    else:
        messages.success(request, f"{year}年度考核已定稿：得分已冻结，此后的修改须通过更正并写明理由。")
    return redirect(reverse("assessment:table") + f"?year={year}")


@login_required
@require_POST
def ranking(request, year: int):
    _office(request)
    publish = request.POST.get("publish") == "1"
    try:
        services.publish_ranking(year, publish)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            "已向各党支部公布其在同类党组织中的排名。" if publish else "已撤回排名，各党支部不再看到排名。",
        )
    return redirect(reverse("assessment:table") + f"?year={year}")


@login_required
def schemes(request):
    access = _reader(request)
    if request.method == "POST":
        _office(request)
        try:
            draft = services.create_draft(
                _year(request.POST.get("year"), timezone.localdate().year), request.user
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("assessment:schemes")
        return redirect("assessment:scheme", draft.pk)
    return render(
        request,
        "assessment/schemes.html",
        {
            "versions": SchemeVersion.objects.select_related("created_by"),
            "is_office": access.is_office,
            "year": timezone.localdate().year,
        },
    )


@login_required
def scheme(request, pk: int):
    access = _reader(request)
    version = get_object_or_404(SchemeVersion, pk=pk)
    problems = []
    if request.method == "POST":
        _office(request)
        text = request.POST.get("text", "")
        try:
            effective = dt.date.fromisoformat(request.POST.get("effective_from", ""))
        except ValueError:
            problems = ["请填写生效日期，格式如 2026-03-01。"]
        else:
            try:
                services.save_draft(version, text, effective)
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, "草稿已保存并通过校验。")
                return redirect("assessment:scheme", version.pk)
        version.text = text
    return render(
        request,
        "assessment/scheme.html",
        {
            "version": version,
            "problems": problems,
            "editable": access.is_office and version.status == SchemeVersion.Status.DRAFT,
        },
    )


@login_required
@require_POST
def publish_scheme(request, pk: int):
    _office(request)
    version = get_object_or_404(SchemeVersion, pk=pk)
    try:
        services.publish_scheme(version)
    except ValidationError as exc:
        messages.error(request, f"未发布：{'；'.join(exc.messages)}")
    else:
        messages.success(request, f"{version}已发布，自 {version.effective_from:%Y-%m-%d} 起用于计分。")
    return redirect("assessment:scheme", version.pk)


# ---- 满意度测评 ----


def _survey_orgs(access, survey):
    """The branches whose results the user reads: all for the office and 上级, else those they run."""
    if access.reads_assessment:
        return None
    ids = list(access.manageable_orgs().filter(kind=OrgKind.BRANCH).values_list("pk", flat=True))
    if not ids:
        raise PermissionDenied("只有党建办、上级党委和支部书记、组织委员可以查看测评结果。")
    return ids


@login_required
def survey_list(request):
    access = access_for(request.user)
    if request.method == "POST":
        _office(request)
        try:
            closes_on = dt.date.fromisoformat(request.POST.get("closes_on", ""))
        except ValueError:
            messages.error(request, "未发起：请填写截止日期，格式如 2026-12-31。")
            return redirect("assessment:surveys")
        try:
            survey = surveys.open_survey(
                _roots(access),
                _year(request.POST.get("year"), timezone.localdate().year),
                request.POST.get("title", ""),
                closes_on,
                request.user,
                timezone.localdate(),
            )
        except ValidationError as exc:
            messages.error(request, f"未发起：{exc.messages[0]}")
            return redirect("assessment:surveys")
        messages.success(request, "满意度测评已发起，各党支部党员登录后即可作答。")
        return redirect("assessment:survey", survey.pk)
    mine = (
        Survey.objects.filter(
            status=Survey.Status.OPEN, rights__member_id=access.member_id, rights__has_answered=False
        )
        if access.member_id
        else Survey.objects.none()
    )
    if not (access.reads_assessment or access.is_manager or access.member_id):
        raise PermissionDenied
    return render(
        request,
        "assessment/surveys.html",
        {
            "surveys": Survey.objects.all() if (access.reads_assessment or access.is_manager) else [],
            "to_answer": mine,
            "is_office": access.is_office,
            "year": timezone.localdate().year,
            "closes_on": timezone.localdate() + dt.timedelta(days=14),
        },
    )


@login_required
def survey_detail(request, pk: int):
    access = access_for(request.user)
    survey = get_object_or_404(Survey, pk=pk)
    org_ids = _survey_orgs(access, survey)
    found = surveys.results(survey, org_ids)
    branches = Organisation.objects.filter(
        kind=OrgKind.BRANCH,
        pk__in=org_ids if org_ids is not None else SurveyRight.objects.filter(survey=survey).values("org_id"),
    ).order_by("code")
    return render(
        request,
        "assessment/survey.html",
        {
            "survey": survey,
            "rows": [(b, found.get(b.pk)) for b in branches],
            "is_office": access.is_office,
            "can_issue": {b.pk for b in branches if access.is_office or access.can_manage_org(b)},
        },
    )


@login_required
@require_POST
def survey_close(request, pk: int):
    _office(request)
    survey = get_object_or_404(Survey, pk=pk)
    try:
        surveys.close_survey(survey)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "测评已结束，结果已统计并计入考核。")
    return redirect("assessment:survey", survey.pk)


@login_required
@require_POST
def survey_codes(request, pk: int, code: str):
    access = access_for(request.user)
    survey = get_object_or_404(Survey, pk=pk)
    org = get_object_or_404(access.manageable_orgs().filter(kind=OrgKind.BRANCH), code=code)
    try:
        count = int(request.POST.get("count") or 0)
        codes = surveys.issue_codes(survey, org, count)
    except (ValueError, ValidationError) as exc:
        messages.error(request, getattr(exc, "messages", ["数量应为整数。"])[0])
        return redirect("assessment:survey", survey.pk)
    link = request.build_absolute_uri(reverse("assessment:public_answer"))
    return render(
        request,
        "assessment/survey_codes.html",
        {
            "survey": survey,
            "org": org,
            "link": link,
            "codes": [(c, qr.svg(f"{link}?code={c}")) for c in codes],
        },
    )


def _choices(request, survey) -> dict[str, str]:
    return {q["code"]: request.POST.get(f"q-{q['code']}", "") for q in survey.questions["questions"]}


@login_required
def survey_answer(request, pk: int):
    """A member answers, once; the answer is stored without any link to them."""
    access = access_for(request.user)
    survey = get_object_or_404(Survey, pk=pk, status=Survey.Status.OPEN)
    right = (
        SurveyRight.objects.filter(survey=survey, member_id=access.member_id).select_related("org").first()
        if access.member_id
        else None
    )
    if right is None:
        raise PermissionDenied("您不在本次测评的范围内。")
    problems = []
    if request.method == "POST":
        try:
            surveys.answer(
                survey, _choices(request, survey), request.POST.get("comment", ""), member=request.user.member
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, "已提交，谢谢！您的答卷不记名，任何人都无法看到是谁填写的。")
            return redirect("home")
    return render(
        request,
        "assessment/answer.html",
        {
            "survey": survey,
            "org": right.org,
            "answered": right.has_answered,
            "problems": problems,
            "post": request.POST,
        },
    )


def public_answer(request):
    """群众 answer with a one-time code (from a printed slip or its QR code); no login."""
    survey = Survey.objects.filter(status=Survey.Status.OPEN).order_by("-pk").first()
    problems, done = [], False
    code = request.POST.get("code") or request.GET.get("code", "")
    if request.method == "POST" and survey is not None:
        try:
            surveys.answer(survey, _choices(request, survey), request.POST.get("comment", ""), code=code)
        except ValidationError as exc:
            problems = exc.messages
        else:
            done = True
    return render(
        request,
        "assessment/answer.html",
        {
            "survey": survey,
            "public": True,
            "code": code,
            "problems": problems,
            "done": done,
            "post": request.POST,
        },
    )


# ---- 通报 and 问责 ----


def _notices(request):
    """The 通报 a user reads: all for the office and 上级 (and a 镇党委 leader), else the published ones
    naming a branch they run or sent to all."""
    access = access_for(request.user)
    if access.reads_assessment or notices.is_town_leader(access):
        return Notice.objects.all(), access
    orgs = access.manageable_orgs().filter(kind=OrgKind.BRANCH)
    if not orgs.exists():
        raise PermissionDenied("只有党建办、上级党委、镇党委领导和被通报党支部的负责人可以查看通报。")
    published = Notice.objects.filter(status__in=[Notice.Status.PUBLISHED, Notice.Status.CLOSED])
    return published.filter(Q(to_all=True) | Q(branches__org__in=orgs)).distinct(), access


@login_required
def notice_list(request):
    found, access = _notices(request)
    if request.method == "POST":
        _office(request)
        p = request.POST
        named = []
        branches = Organisation.objects.filter(kind=OrgKind.BRANCH)
        try:
            for n in range(1, 4):
                if p.get(f"org_{n}"):
                    org = branches.filter(code=p[f"org_{n}"]).first()
                    if org is None:
                        raise ValidationError(f"第{n}个党支部代码不存在。")
                    named.append((org, p.get(f"facts_{n}", ""), p.get(f"url_{n}", "")))
            due = dt.date.fromisoformat(p["due_on"]) if p.get("due_on") else None
            notice = notices.draft(
                _year(p.get("year"), timezone.localdate().year),
                p.get("kind", ""),
                p.get("title", ""),
                p.get("body", ""),
                p.get("requirement", ""),
                due,
                p.get("to_all") == "1",
                named,
                request.user,
            )
        except ValueError:
            messages.error(request, "未保存：整改期限应为日期，格式如 2026-12-31。")
        except ValidationError as exc:
            messages.error(request, f"未保存：{'；'.join(exc.messages)}")
        else:
            messages.success(request, "通报草稿已保存。")
            return redirect("assessment:notice", notice.pk)
        return redirect("assessment:notices")
    return render(
        request,
        "assessment/notices.html",
        {
            "notices": found,
            "is_office": access.is_office,
            "year": timezone.localdate().year,
            "kinds": Notice.Kind.choices,
        },
    )


@login_required
def notice_detail(request, pk: int):
    found, access = _notices(request)
    notice = get_object_or_404(found, pk=pk)
    entries = list(notice.branches.select_related("org"))
    return render(
        request,
        "assessment/notice.html",
        {
            "notice": notice,
            "number": notices.number_label(notice),
            "entries": entries,
            "is_office": access.is_office,
            "is_leader": notices.is_town_leader(access),
            "can_respond": {e.pk for e in entries if access.can_object(e.org)},
        },
    )


@login_required
@require_POST
def notice_step(request, pk: int, action: str):
    found, access = _notices(request)
    notice = get_object_or_404(found, pk=pk)
    try:
        notices.advance(notice, action, request.user, access, timezone.localdate())
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已{notices.STEP_NAMES.get(action, action)}。")
    return redirect("assessment:notice", notice.pk)


@login_required
@require_POST
def notice_respond(request, pk: int, code: str):
    found, access = _notices(request)
    notice = get_object_or_404(found, pk=pk)
    entry = get_object_or_404(notice.branches.select_related("org"), org__code=code)
    if not access.can_object(entry.org):
        raise PermissionDenied("只有被通报党支部的书记、副书记、组织委员可以答复整改情况。")
    try:
        notices.respond(entry, request.POST.get("response", ""))
    except ValidationError as exc:
        messages.error(request, f"未提交：{exc.messages[0]}")
    else:
        messages.success(request, "整改情况已提交，党建办核实后销号。")
    return redirect("assessment:notice", notice.pk)


@login_required
def notice_docx(request, pk: int):
    found, _ = _notices(request)
    notice = get_object_or_404(found, pk=pk)
    content = HttpResponse(notices.docx(notice), content_type=CONTENT_TYPES["docx"])
    return xlsx.attachment(content, f"{notices.number_label(notice)}{notice.title}.docx")


@login_required
def accountability(request):
    access = _office(request)
    if request.method == "POST":
        p = request.POST
        try:
            org = get_object_or_404(access.visible_orgs().filter(kind=OrgKind.BRANCH), code=p.get("org", ""))
            member = Member.objects.filter(pk=int(p.get("member") or 0)).first()
            if member is None:
                raise ValidationError("请选择负责人（党员编号）。")
            notice = Notice.objects.filter(pk=int(p.get("notice") or 0)).first()
            notices.record_accountability(
                org,
                member,
                p.get("form", ""),
                p.get("reason", ""),
                dt.date.fromisoformat(p.get("decided_on", "")),
                p.get("decided_by", ""),
                request.user,
                notice=notice,
                finding_url=p.get("finding_url", ""),
            )
        except ValueError:
            messages.error(request, "未保存：决定日期应为日期，编号应为数字。")
        except ValidationError as exc:
            messages.error(request, f"未保存：{'；'.join(exc.messages)}")
        else:
            messages.success(request, "问责记录已保存。")
        return redirect("assessment:accountability")
    return render(
        request,
        "assessment/accountability.html",
        {
            "records": Accountability.objects.select_related("org", "member", "notice")[:200],
            "forms": notices.forms().values(),
        },
    )
