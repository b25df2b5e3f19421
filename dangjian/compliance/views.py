import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.access import access_for
from dangjian.core import xlsx
from dangjian.orgs.choices import OrgCategory, OrgKind
from dangjian.rulebook import rulebook

from . import facts, services, stored
from .engine import MET, NOT_APPLICABLE, STATUS_LABELS, forecasts
from .periods import Period, check_year

MATRIX_PAGE = 50  # branches per page of the matrix: a county's 1,800 would make a page of megabytes


def _readable_orgs(request):
    access = access_for(request.user)
    if not access.view:
        raise PermissionDenied("只有党建办、上级党委和支部书记、组织委员可以查看合规检查。")
    return access.visible_orgs()


def _year_and_period(request) -> tuple[int, Period, dt.date]:
    today = timezone.localdate()
    try:
        as_of = dt.date.fromisoformat(request.GET["as_of"]) if request.GET.get("as_of") else today
        year = check_year(int(request.GET.get("year") or as_of.year))
        label = request.GET.get("period") or str(year)
        period = Period.parse(label)
    except ValueError as exc:
        raise Http404("年份、期间或日期格式不正确。") from exc
    if period.year != year:
        period = Period(year, 1, "year")
    return year, period, as_of


def _roots(request, orgs) -> list:
    """The organisation asked for, or else the outermost of those the reader may see: the town for the
    office, every branch a 党建指导员 guides (each its own subtree), not merely the first of them."""
    code = request.GET.get("org")
    if code:
        return [get_object_or_404(orgs, code=code)]
    roots = list(
        orgs.filter(path__in=access_for(request.user).view).exclude(kind=OrgKind.GROUP).order_by("path")
    )
    if not roots:
        raise Http404
    return roots


def _scope_name(roots) -> str:
    if len(roots) == 1:
        return roots[0].name
    names = "、".join(r.name for r in roots[:2])
    return f"{names}等{len(roots)}个党组织" if len(roots) > 2 else names


@login_required
def dashboard(request):
    """The town dashboard: branches × rules for a year, quarter or month."""
    orgs = _readable_orgs(request)
    year, period, as_of = _year_and_period(request)
    roots = _roots(request, orgs)
    name = _scope_name(roots)
    generals = orgs.filter(facts.under(roots), kind=OrgKind.GENERAL_BRANCH).order_by("code")
    general = generals.filter(code=request.GET.get("general")).first() if request.GET.get("general") else None
    category = request.GET.get("category", "")
    if category not in OrgCategory.values:
        category = ""
    m = stored.matrix(
        roots, year, as_of, period, general_id=general.pk if general else None, category=category
    )
    if request.GET.get("format") == "xlsx":
        stored.fill_cells(m, m.rows)
        headers, rows = services.matrix_sheet(m)
        content = xlsx.workbook_bytes("组织生活合规矩阵", headers, rows, org=name, period=period.name)
        return xlsx.download(f"合规矩阵-{name}-{period.label}.xlsx", content)
    search = request.GET.get("q", "").strip()[:50]
    shown = [r for r in m.rows if search in r.name or search == r.code] if search else m.rows
    page = Paginator(shown, MATRIX_PAGE).get_page(request.GET.get("page"))
    stored.fill_cells(m, page.object_list)
    kept = request.GET.copy()
    for key in ("page", "part"):
        kept.pop(key, None)
    context = {"m": m, "page": page, "search": search, "year": year, "period": period, "as_of": as_of}
    context["lines"] = _matrix_lines(m, page.object_list, f"?year={year}&period={period.label}&as_of={as_of}")
    context["kept"] = kept.urlencode() + "&" if kept else ""  # the filters, before page=
    if request.htmx and request.GET.get("part") == "matrix":
        return render(request, "compliance/_matrix.html", context)
    periods = [Period(year, 1, "year"), *Period.of_year("quarter", year), *Period.of_year("month", year)]
    ranked = len(m.rows) > 1  # one branch has nobody to be ranked against
    charts = {
        "months": m.month_rates(),
        "rules": m.rule_shares(),
        "labels": STATUS_LABELS,
        "ranking": [(r.name, r.rate) for r in m.ranking()[:15]] if ranked else [],
        "bottom": [(r.name, r.rate) for r in m.ranking()[-15:][::-1]] if ranked else [],  # the worst first
    }
    return render(
        request,
        "compliance/dashboard.html",
        {
            **context,
            "scope_name": name,
            "ranked": ranked,
            "periods": periods,
            "years": range(as_of.year - 3, as_of.year + 1),
            "generals": generals,
            "general": general,
            "categories": OrgCategory.choices,
            "category": category,
            "charts": charts,
            "query": request.GET.urlencode(),
        },
    )


def _matrix_lines(m, rows, query: str) -> list[tuple]:
    """The rows of a matrix page as the template writes them: (row, its link, its cells as (status,
    text, link)), built here in one pass; a county's page has hundreds of cells."""
    lines = []
    for row in rows:
        cells = []
        for rule in m.rules:
            cell = row.cells.get(rule.code)
            status = cell.status if cell else NOT_APPLICABLE
            text = "—" if status == NOT_APPLICABLE else f"{cell.label} {cell.counted}/{cell.required}"
            link = reverse("compliance:verdict", args=[row.code, rule.code]) + query
            cells.append((status, text, link, rule.name))
        lines.append((row, reverse("compliance:org", args=[row.code]) + query, cells))
    return lines


@login_required
def org_page(request, code: str):
    """A branch's own verdicts, this period's to-do list and, loaded when scrolled to, its past years.

    Each year is computed once: the chosen period's verdicts and the to-do come from one computation
    of the year; each past year is computed by its own request for the `history` part."""
    org = get_object_or_404(_readable_orgs(request).exclude(kind=OrgKind.GROUP), code=code)
    year, period, as_of = _year_and_period(request)
    past = [y for y in range(as_of.year - 1, as_of.year - 4, -1) if y >= org.founded_on.year]
    if request.GET.get("part") == "history":
        history = [services.year_summary(org, y, as_of) for y in past]
        page = "compliance/_org_history.html" if request.htmx else "compliance/org_history.html"
        return render(request, page, {"org": org, "history": history})
    whole_year = services.verdicts_for(org, year, as_of)
    verdicts = services.in_period(whole_year, period)
    only_open = request.GET.get("open") == "1"  # 只看未达标/进行中
    applicable = [v for v in verdicts if v.status != "not_applicable"]
    met = [v for v in applicable if v.status == MET]
    return render(
        request,
        "compliance/org.html",
        {
            "org": org,
            "year": year,
            "period": period,
            "as_of": as_of,
            "verdicts": verdicts,
            "open_verdicts": [v for v in applicable if v.status != MET],
            "met_verdicts": met,
            "only_open": only_open,
            "todo": forecasts(whole_year) if as_of.year == year else [],
            "has_history": bool(past),
            "rules_version": rulebook.current().version,
            "years": range(as_of.year - 3, as_of.year + 1),
            "periods": [
                Period(year, 1, "year"),
                *Period.of_year("quarter", year),
                *Period.of_year("month", year),
            ],
        },
    )


@login_required
def verdict_detail(request, code: str, rule: str):
    """Drill-down from a matrix cell: one rule for one branch (and its 党小组) in the period."""
    org = get_object_or_404(_readable_orgs(request).exclude(kind=OrgKind.GROUP), code=code)
    item = rulebook.current().items.get(rule)
    if item is None:
        raise Http404("没有这条规则。")
    year, period, as_of = _year_and_period(request)
    found = [v for v in services.verdicts_for(org, year, as_of, within=period) if v.rule == rule]
    return render(
        request,
        "compliance/verdict.html",
        {
            "org": org,
            "item": item,
            "period": period,
            "as_of": as_of,
            "verdicts": found,
            "year": year,
        },
    )


@login_required
def mine(request):
    """本支部合规: the first organisation the user runs."""
    org = access_for(request.user).manageable_orgs().exclude(kind=OrgKind.GROUP).order_by("path").first()
    if org is None:
        raise PermissionDenied("只有支部书记、组织委员可以查看本支部合规情况。")
    query = request.GET.urlencode()  # keeps the filters, e.g. ?open=1 (只看未达标/进行中)
    return redirect(reverse("compliance:org", args=[org.code]) + (f"?{query}" if query else ""))
