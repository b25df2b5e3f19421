import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId, Message
from dangjian.core.validators import SingleLineText
from dangjian.members.models import Member

from . import services
from .models import Activity
from .rules import visible_activities

router = Router(tags=["组织生活"])


class ActivityOut(Schema):
    id: int
    org_code: str
    kind: str
    kind_name: str
    title: str
    status: str
    date: dt.date
    planned_start: dt.datetime
    planned_end: dt.datetime
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None
    place: str
    is_late_entry: bool
    speaker_allowed: bool | None
    parts: list[str]
    created_at: dt.datetime

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code


class CheckOut(Schema):
    code: str
    name: str
    present: bool
    how: str


class AgendaOut(Schema):
    """A 支部党员大会 matter and its vote; 书面意见 (written opinions) apart from the votes in the room."""

    kind: str
    title: str
    subject_id: int | None
    eligible: int
    present: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    written_for: int
    written_against: int
    quorum_met: bool
    passed: bool

    @staticmethod
    def resolve_quorum_met(obj) -> bool:
        return obj.outcome.quorum_met

    @staticmethod
    def resolve_passed(obj) -> bool:
        return obj.outcome.passed


class ActivityDetailOut(ActivityOut):
    minutes: str
    checklist: list[CheckOut]
    agenda: list[AgendaOut]

    @staticmethod
    def resolve_agenda(obj) -> list:
        return list(obj.agenda.all())

    @staticmethod
    def resolve_checklist(obj) -> list:
        return services.record_checklist(obj)


class AttendanceOut(Schema):
    member_id: int
    member_name: str
    expected: bool
    status: str
    method: str
    entered_at: dt.datetime | None
    leave_state: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name


class SignInIn(Schema):
    token: str


class SignInOut(Schema):
    result: str  # recorded | already
    status: str
    message: str


class LeaveIn(Schema):
    reason: SingleLineText


def _activity(request, activity_id: DbId) -> Activity:
    return get_object_or_404(visible_activities(request.user), pk=activity_id)


@router.get("/", response=list[ActivityOut], summary="组织生活列表（按日期由近到远）")
@paginate
def list_activities(request, org: str = "", kind: str = "", status: str = ""):
    activities = visible_activities(request.user)
    if org:
        activities = activities.filter(org__code=org)
    if kind:
        activities = activities.filter(kind=kind)
    if status:
        activities = activities.filter(status=status)
    return activities


@router.get("/{int:activity_id}", response=ActivityDetailOut, summary="活动详情（含应有记录清单）")
def get_activity(request, activity_id: DbId):
    return _activity(request, activity_id)


@router.get("/{int:activity_id}/attendance", response=list[AttendanceOut], summary="出勤")
def get_attendance(request, activity_id: DbId):
    activity = _activity(request, activity_id)
    access = access_for(request.user)
    rows = activity.attendance.select_related("member")
    if not (access.can_view_org(activity.org) or services.entry_method(access, activity)):
        rows = rows.filter(member_id=access.member_id)  # a member sees their own row only
    return rows


@router.post("/signin", response={200: SignInOut, 400: Message}, summary="扫码签到（同一党员只记录一次）")
def sign_in(request, payload: SignInIn):
    try:
        activity = services.signin_activity(services.read_token(payload.token))
        result = services.sign_in(activity, request.user.member_id, request.user)
    except services.SignInRefused as exc:
        return Status(400, {"detail": str(exc)})
    return {
        "result": "recorded" if result.recorded else "already",
        "status": result.status,
        "message": "签到成功" if result.recorded else "已签到",
    }


@router.post(
    "/{int:activity_id}/leave", response={200: AttendanceOut, 400: Message}, summary="请假（待书记审批）"
)
def ask_leave(request, activity_id: DbId, payload: LeaveIn):
    activity = _activity(request, activity_id)
    member = Member.objects.filter(pk=access_for(request.user).member_id).first()
    if member is None:
        raise PermissionDenied
    try:
        return services.ask_leave(activity, member, payload.reason)
    except ValueError as exc:
        return Status(400, {"detail": str(exc)})
