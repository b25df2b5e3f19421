"""会议记录审阅 over JSON: the same scoping and loop as the pages (`reviewing`)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId
from dangjian.meetings.models import Activity

from . import reviewing
from .review import ReviewState

router = Router(tags=["督查"])


class StepOut(Schema):
    action: str
    action_label: str
    comment: str
    version: int | None
    by: str | None
    at: dt.datetime

    @staticmethod
    def resolve_action_label(obj) -> str:
        return obj.get_action_display()

    @staticmethod
    def resolve_version(obj) -> int | None:
        return obj.version.number if obj.version else None

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.username if obj.by else None


class ReviewOut(Schema):
    id: int
    activity_id: int
    org_code: str
    state: str
    state_label: str
    reason: str
    started_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.activity.org.code

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class DiffRun(Schema):
    op: str  # "" kept, "del" removed, "ins" added
    text: str


class ReviewDetailOut(ReviewOut):
    minutes: str
    steps: list[StepOut]
    since_return: list[DiffRun] | None  # the minutes' change since sent back; null before

    @staticmethod
    def resolve_minutes(obj) -> str:
        return obj.activity.minutes

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.select_related("by", "version"))

    @staticmethod
    def resolve_since_return(obj) -> list[dict] | None:
        _, since = reviewing.since_return(obj)
        return None if since is None else [{"op": op, "text": t} for op, t in since]


class ProposalOut(Schema):
    activity_id: int
    org_code: str
    date: dt.date
    kind: str
    title: str
    reasons: list[str]


class StartIn(Schema):
    activity_id: DbId
    reason: str = ""


class DecideIn(Schema):
    passed: bool
    comment: str = ""


class ResubmitIn(Schema):
    note: str = ""


class StateIn(Schema):
    state: str = ""


def _refuse(exc: ValidationError):
    return HttpError(400, exc.messages[0])


@router.get("", response=list[ReviewOut], summary="会议记录审阅（可按状态筛选）")
@paginate
def list_reviews(request, filters: Query[StateIn]):
    found = reviewing.visible(access_for(request.user))
    return found.filter(state=filters.state) if filters.state in ReviewState.values else found


@router.get("/queue", response=list[ProposalOut], summary="抽审队列：建议审阅的活动及理由")
def review_queue(request):
    return [
        {
            "activity_id": p.activity.pk,
            "org_code": p.activity.org.code,
            "date": p.activity.date,
            "kind": p.activity.kind,
            "title": p.activity.title,
            "reasons": p.reasons,
        }
        for p in reviewing.queue(access_for(request.user))
    ]


@router.get("/{review_id}", response=ReviewDetailOut, summary="一次审阅：过程、当前记录和退回后的改动")
def get_review(request, review_id: DbId):
    return get_object_or_404(reviewing.visible(access_for(request.user)), pk=review_id)


@router.post("", response=ReviewDetailOut, summary="开始审阅一项已召开活动的记录")
def start_review(request, payload: StartIn):
    access = access_for(request.user)
    if not access.review_paths:
        raise PermissionDenied
    scope = Activity.objects.select_related("org").filter(access.org_q("org__", paths=access.review_paths))
    activity = get_object_or_404(scope, pk=payload.activity_id)
    try:
        return reviewing.start(activity, request.user, access, payload.reason)
    except ValidationError as exc:
        raise _refuse(exc) from exc


@router.post("/{review_id}/decide", response=ReviewDetailOut, summary="通过，或退回补正（须写明补正什么）")
def decide_review(request, review_id: DbId, payload: DecideIn):
    access = access_for(request.user)
    review = get_object_or_404(reviewing.visible(access), pk=review_id)
    try:
        return reviewing.decide(review, request.user, access, payload.passed, payload.comment)
    except ValidationError as exc:
        raise _refuse(exc) from exc


@router.post("/{review_id}/resubmit", response=ReviewDetailOut, summary="支部补正后提交复审")
def resubmit_review(request, review_id: DbId, payload: ResubmitIn):
    access = access_for(request.user)
    review = get_object_or_404(reviewing.visible(access), pk=review_id)
    try:
        return reviewing.resubmit(review, request.user, access, payload.note)
    except ValidationError as exc:
        raise _refuse(exc) from exc
