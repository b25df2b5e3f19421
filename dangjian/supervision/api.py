"""风险信号 over JSON: the same scoping, filters and dismissal as the desk."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId

from . import services
from .models import Signal

router = Router(tags=["督查"])


class SignalOut(Schema):
    id: int
    kind: str
    kind_label: str
    org_code: str
    org_name: str
    period: str
    summary: str
    measure: float
    threshold: float
    activity_ids: list[int]
    current: bool
    found_at: dt.datetime
    computed_at: dt.datetime
    dismissed_at: dt.datetime | None
    dismissed_by: str | None
    dismiss_reason: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_activity_ids(obj) -> list[int]:
        return sorted(a.pk for a in obj.activities.all())

    @staticmethod
    def resolve_dismissed_by(obj) -> str | None:
        return obj.dismissed_by.username if obj.dismissed_by else None


class EvidenceOut(Schema):
    activity_id: int
    org_code: str
    date: dt.date
    kind: str
    title: str
    place: str
    start: dt.datetime
    end: dt.datetime
    late_entry: bool
    minutes_text: str
    shared: list[tuple[str, bool]]  # the minutes in (piece, shared with the other activity) runs
    members: list[str]
    photo_record_ids: list[int]
    withheld: bool  # an activity outside what the reader may see: its text, members and photos left out


class SignalDetailOut(SignalOut):
    evidence: list[EvidenceOut]


class FiltersIn(Schema):
    kind: str = ""
    org: str = ""
    period: str = ""
    state: str = "open"


class DismissIn(Schema):
    reason: str


def _signals(request):
    return services.visible(access_for(request.user)).prefetch_related("activities")


@router.get("/signals", response=list[SignalOut], summary="风险信号（可按类型、党支部、年度、状态筛选）")
@paginate
def list_signals(request, filters: Query[FiltersIn]):
    return services.filtered(_signals(request), services.Filters.parse(filters.dict()))


def _detail(signal: Signal, access) -> Signal:
    signal.evidence = [
        {
            "activity_id": e.activity.pk,
            "org_code": e.activity.org.code,
            "date": e.activity.date,
            "kind": e.activity.kind,
            "title": e.activity.title,
            "place": e.activity.place,
            "start": e.activity.start,
            "end": e.activity.end,
            "late_entry": e.activity.is_late_entry,
            "minutes_text": e.text,
            "shared": e.runs,
            "members": e.members,
            "photo_record_ids": [p.pk for p in e.photos],
            "withheld": e.withheld,
        }
        for e in services.evidence(signal, access)
    ]
    return signal


@router.get("/signals/{signal_id}", response=SignalDetailOut, summary="风险信号详情及证据")
def get_signal(request, signal_id: DbId):
    return _detail(get_object_or_404(_signals(request), pk=signal_id), access_for(request.user))


@router.post("/signals/{signal_id}/dismiss", response=SignalDetailOut, summary="排除风险信号（须写明理由）")
def dismiss_signal(request, signal_id: DbId, payload: DismissIn):
    access = access_for(request.user)
    signal = get_object_or_404(_signals(request), pk=signal_id)
    try:
        services.dismiss(signal, request.user, payload.reason, access)
    except ValidationError as exc:
        raise HttpError(400, exc.messages[0]) from exc
    return _detail(signal, access)


from .review_api import router as review_router  # noqa: E402  会议记录审阅

router.add_router("/reviews", review_router)
router.add_router("", "dangjian.supervision.rounds.api.router")  # /rounds…, /rectifications…
