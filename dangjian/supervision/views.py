from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dangjian.accounts.access import access_for
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

from . import services
from .choices import SignalKind

PAGE_SIZE = 30


@login_required
def desk(request):
    """The office's signals desk: open (or dismissed) signals, filtered by kind, branch and year."""
    access = access_for(request.user)
    signals = services.visible(access)
    f = services.Filters.parse(request.GET)
    scoped = services.filtered(signals, services.Filters(org=f.org, period=f.period, state="open"))
    shown = services.filtered(signals, f)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/desk.html",
        {
            "filters": f,
            "counts": [(SignalKind(k), n) for k, n in services.counts_by_kind(scoped).items()],
            "page": Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page")),
            "branches": Organisation.objects.filter(
                access.org_q(paths=access.signal_paths), kind__in=(OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)
            ).order_by("code"),
            "periods": list(signals.values_list("period", flat=True).distinct().order_by("-period")),
            "kinds": SignalKind.choices,
            "dismissed": signals.dismissed().count(),
            "query": query.urlencode(),
        },
    )


@login_required
def detail(request, pk: int):
    access = access_for(request.user)
    signal = get_object_or_404(services.visible(access), pk=pk)
    return render(
        request,
        "supervision/detail.html",
        {
            "signal": signal,
            "evidence": services.evidence(signal, access),
            "can_dismiss": access.can_dismiss_signal(signal.org) and not signal.is_dismissed,
            "reason_max": services.REASON_MAX,
        },
    )


@login_required
@require_POST
def dismiss(request, pk: int):
    access = access_for(request.user)
    signal = get_object_or_404(services.visible(access), pk=pk)
    try:
        services.dismiss(signal, request.user, request.POST.get("reason", ""), access)
    except ValidationError as exc:
        messages.error(request, f"未排除：{exc.messages[0]}")
    else:
        messages.success(request, "已排除该信号；重新计算时仍保持排除。")
    return redirect(signal)
