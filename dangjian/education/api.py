"""党员教育 over JSON: 学时 completion, trainings, 学习心得, a member's record and the six-month flags,
with the same scoping and permissions as the pages."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts.access import access_for
from dangjian.core.api import DbId, Refusal, Year
from dangjian.core.validators import multi_line, single_line
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind

from . import notes, services
from .models import StudyNote, Training

router = Router(tags=["党员教育"])


class LineOut(Schema):
    date: dt.date
    topic: str
    form: str
    hours: Decimal
    organiser: str
    derived: bool


class CompletionOut(Schema):
    member_id: int
    name: str
    hours: Decimal
    target: Decimal
    target_source: str
    met: bool
    short: Decimal
    lines: list[LineOut]


def _completion(c) -> dict:
    return {
        "member_id": c.member_id,
        "name": c.name,
        "hours": c.hours,
        "target": c.target.hours,
        "target_source": c.target.source,
        "met": c.met,
        "short": c.short,
        "lines": c.lines,
    }


class BranchOut(Schema):
    org: str
    year: int
    members: int
    met: int
    rows: list[CompletionOut]


class FlagOut(Schema):
    member_id: int
    name: str
    months: int
    since: dt.date | None
    facts: list[str]


class TrainingOut(Schema):
    id: int
    org_code: str
    topic: str
    form: str
    held_on: dt.date
    hours: Decimal
    organiser: str
    attendee_ids: list[int]

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_attendee_ids(obj) -> list[int]:
        return sorted(m.pk for m in obj.attendees.all())


class TrainingIn(Schema):
    org: str = Field(max_length=32)
    topic: str = Field(min_length=1, max_length=200)
    form: str = Field(max_length=16)
    held_on: dt.date
    hours: Decimal = Field(ge=0, le=99, max_digits=4, decimal_places=1)
    organiser: str = Field(min_length=1, max_length=100)
    attendee_ids: list[DbId] = Field(max_length=500)


class NoteOut(Schema):
    id: int
    member_id: int
    member_name: str
    title: str
    body: str
    has_file: bool
    written_on: dt.date
    comment: str
    commented_at: dt.datetime | None

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.file)


class NoteIn(Schema):
    title: str = Field(min_length=1, max_length=100)
    body: str = Field(min_length=1, max_length=10000)


class CommentIn(Schema):
    comment: str = Field(min_length=1, max_length=2000)


class RecordOut(Schema):
    member_id: int
    year: int
    expected_held: int
    present: int
    late: int
    leave: int
    absent: int
    makeups_done: int
    hours: Decimal
    target: Decimal
    talks: int
    notes: int
    grades: list[str]
    sanctions: list[str]


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


def _branch(request, code: str):
    access = access_for(request.user)
    org = get_object_or_404(services.visible_branches(access).filter(kind=OrgKind.BRANCH), code=code)
    return access, org


def _member(request, member_id: int) -> Member:
    access = access_for(request.user)
    member = get_object_or_404(access.visible_members().select_related("org"), pk=member_id)
    if not access.can_read_member_life(member):
        raise PermissionDenied
    return member


@router.get("/members/{member_id}/completion", response=CompletionOut, summary="党员年度学时完成情况")
def member_completion(request, member_id: DbId, year: Year | None = None):
    member = _member(request, member_id)
    return _completion(services.completions(Member.objects.filter(pk=member.pk), _year(year))[0])


@router.get("/members/{member_id}/record", response=RecordOut, summary="党员年度组织生活记录（汇总）")
def member_record(request, member_id: DbId, year: Year | None = None):
    member = _member(request, member_id)
    r = services.member_record(member, _year(year))
    return {
        "member_id": member.pk,
        "year": r["year"],
        "expected_held": r["expected_held"],
        **{k: r["tally"][k] for k in ("present", "late", "leave", "absent")},
        "makeups_done": r["makeups_done"],
        "hours": r["completion"].hours,
        "target": r["completion"].target.hours,
        "talks": len(r["talks"]),
        "notes": r["notes"],
        "grades": [d.get_grade_display() for d in r["grades"]],
        "sanctions": [s.level_name for s in r["sanctions"]],
    }


@router.get("/branches/{org_code}/completion", response=BranchOut, summary="支部年度学时完成情况")
def branch_completion(request, org_code: str, year: Year | None = None):
    _, org = _branch(request, org_code)
    rows = services.completions(services.branch_members(org), _year(year))
    return {
        "org": org.code,
        "year": _year(year),
        "members": len(rows),
        "met": sum(c.met for c in rows),
        "rows": [_completion(c) for c in rows],
    }


@router.get("/branches/{org_code}/inactive", response=list[FlagOut], summary="连续6个月未参加组织生活的党员")
def branch_inactive(request, org_code: str):
    _, org = _branch(request, org_code)
    return services.inactive_flags_with_dues(services.branch_members(org), timezone.localdate())


@router.get("/trainings", response=list[TrainingOut], summary="登记的学习培训")
@paginate
def list_trainings(request, year: Year | None = None):
    found = (
        Training.objects.visible_to(access_for(request.user))
        .select_related("org")
        .prefetch_related("attendees")
    )
    return found.filter(held_on__year=year) if year else found


@router.post("/trainings", response={201: TrainingOut, 400: Refusal}, summary="登记学习培训")
def create_training(request, payload: TrainingIn):
    access, org = _branch(request, payload.org)
    if not access.can_manage_org(org):
        raise PermissionDenied
    problems = []
    for name in ("topic", "organiser"):
        try:
            single_line(getattr(payload, name))
        except ValidationError as exc:
            problems.append(f"{name}：{exc.messages[0]}")
    data = payload.dict(include={"topic", "form", "held_on", "hours", "organiser"})
    if not problems:
        try:
            with transaction.atomic():
                training = services.save_training(org, data, list(payload.attendee_ids), request.user)
        except services.TrainingRefused as exc:
            problems = exc.problems
    if problems:
        return Status(400, {"detail": "学习培训未登记，请按提示修改。", "problems": problems})
    return Status(201, training)


@router.get("/notes", response=list[NoteOut], summary="学习心得（本人的，或所读支部党员的）")
@paginate
def list_notes(request, year: Year | None = None, member: DbId | None = None):
    found = StudyNote.objects.visible_to(access_for(request.user)).select_related("member")
    if year:
        found = found.filter(written_on__year=year)
    if member:
        found = found.filter(member_id=member)
    return found


@router.get("/notes/{note_id}", response=NoteOut, summary="学习心得详情")
def get_note(request, note_id: DbId):
    return get_object_or_404(
        StudyNote.objects.visible_to(access_for(request.user)).select_related("member"), pk=note_id
    )


@router.post("/notes", response={201: NoteOut, 400: Refusal}, summary="提交学习心得（党员本人）")
def create_note(request, payload: NoteIn):
    access = access_for(request.user)
    if not access.member_id:
        raise PermissionDenied
    try:
        single_line(payload.title)
        multi_line(payload.body)
    except ValidationError as exc:
        return Status(400, {"detail": f"学习心得未提交：{exc.messages[0]}"})
    return Status(201, notes.write_note(Member.objects.get(pk=access.member_id), payload.title, payload.body))


@router.post("/notes/{note_id}/comment", response={200: NoteOut, 400: Refusal}, summary="书记点评学习心得")
def comment_note(request, note_id: DbId, payload: CommentIn):
    access = access_for(request.user)
    note = get_object_or_404(StudyNote.objects.visible_to(access).select_related("member__org"), pk=note_id)
    if not access.can_manage_member(note.member):
        raise PermissionDenied
    try:
        multi_line(payload.comment)
    except ValidationError as exc:
        return Status(400, {"detail": f"评语未保存：{exc.messages[0]}"})
    return notes.comment_note(note, payload.comment.strip(), request.user)
