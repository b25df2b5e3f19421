from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .services import inbox_of


def _mine(request):
    return inbox_of(request.user)


@login_required
def inbox(request):
    page = Paginator(_mine(request), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def open_notice(request, pk: int):
    notice = get_object_or_404(_mine(request), pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
    return redirect(notice.url if notice.url and safe else "notifications:inbox")


@login_required
@require_POST
def read_all(request):
    _mine(request).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications:inbox")
