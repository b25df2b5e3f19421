"""Pages of record review (会议记录审阅): the reviewer's list and queue, one review with its diff and
history, and the three steps (start, decide, resubmit). Thin: the rules are in `reviewing`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dangjian.accounts.access import access_for
from dangjian.meetings.models import Activity

from . import reviewing
from .review import ReviewState

PAGE_SIZE = 30


@login_required
def reviews(request):
    """Reviews by state; for a reviewer, the queue the desk proposes on top."""
    access = access_for(request.user)
    found = reviewing.visible(access)
    state = request.GET.get("state", "")
    if state in ReviewState.values:
        found = found.filter(state=state)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/reviews.html",
        {
            "state": state,
            "states": ReviewState.choices,
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "queue": reviewing.queue(access) if access.review_paths else None,
            "query": query.urlencode(),
        },
    )


@login_required
def review(request, pk: int):
    access = access_for(request.user)
    item = get_object_or_404(reviewing.visible(access), pk=pk)
    returned_version, since = reviewing.since_return(item)
    org = item.activity.org
    return render(
        request,
        "supervision/review.html",
        {
            "review": item,
            "activity": item.activity,
            "steps": item.steps.select_related("by", "version"),
            "returned_version": returned_version,
            "since": since,
            "since_changed": since is not None and reviewing.changed(since),
            "versions": reviewing.history(item.activity),
            "can_decide": item.waits_for_reviewer and access.can_review_org(org),
            "can_resubmit": item.waits_for_branch and access.can_answer_review(org),
            "comment_max": reviewing.COMMENT_MAX,
        },
    )


def _refused(request, what: str, exc: ValidationError) -> None:
    messages.error(request, f"{what}：{exc.messages[0]}")


@login_required
@require_POST
def start(request, activity_id: int):
    access = access_for(request.user)
    scope = Activity.objects.select_related("org").filter(access.org_q("org__", paths=access.review_paths))
    activity = get_object_or_404(scope, pk=activity_id)
    if not access.can_review_org(activity.org):  # a 党总支's own activity: the office reviews it
        raise PermissionDenied
    try:
        item = reviewing.start(activity, request.user, access, request.POST.get("reason", ""))
    except ValidationError as exc:
        _refused(request, "未开始审阅", exc)
        current = reviewing.latest(activity)
        return redirect(current or activity)
    messages.success(request, "已开始审阅，请阅读记录后选择通过或退回补正。")
    return redirect(item)


@login_required
@require_POST
def decide(request, pk: int):
    access = access_for(request.user)
    item = get_object_or_404(reviewing.visible(access), pk=pk)
    if not access.can_review_org(item.activity.org):
        raise PermissionDenied
    passed = request.POST.get("decision") == "pass"
    try:
        reviewing.decide(item, request.user, access, passed, request.POST.get("comment", ""))
    except ValidationError as exc:
        _refused(request, "未保存", exc)
    else:
        messages.success(request, "已通过。" if passed else "已退回补正，支部会在待办和提醒中看到。")
    return redirect(item)


@login_required
@require_POST
def resubmit(request, pk: int):
    access = access_for(request.user)
    item = get_object_or_404(reviewing.visible(access), pk=pk)
    if not access.can_answer_review(item.activity.org):
        raise PermissionDenied
    try:
        reviewing.resubmit(item, request.user, access, request.POST.get("note", ""))
    except ValidationError as exc:
        _refused(request, "未提交", exc)
    else:
        messages.success(request, "已提交补正，等待审阅人复审。")
    return redirect(item)
