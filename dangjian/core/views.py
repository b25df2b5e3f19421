from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from dangjian.accounts.access import access_for
from dangjian.core import orgpicker

from .home import home_context


@login_required
def home(request):
    """What the user has to do, by role (see `home.py`)."""
    access = access_for(request.user)
    member = request.user.member if access.member_id else None
    context = home_context(access, member.org_id if member else None)
    return render(request, "core/home.html", {"access": access, "member": member, **context})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def org_options(request):
    """Names for the organisation filter, as one types (see core/orgpicker.py); only those the user sees."""
    orgs = access_for(request.user).visible_orgs()
    return JsonResponse({"results": orgpicker.suggestions(orgs, request.GET.get("q", ""))})
