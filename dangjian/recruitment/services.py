"""Recording a 发展党员 step: read the file as facts, ask `workflow.check`, save in one transaction, and
carry the register along (预备党员 on the 上级党委's approval, 正式党员 on 转正, both with history)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dangjian.meetings.models import AgendaItem
from dangjian.meetings.policy import UPLOAD_MAX_BYTES
from dangjian.meetings.services import UploadRefused, check_content
from dangjian.members.choices import ACTIVE_STATUSES, Category, Status
from dangjian.members.models import Member

from . import workflow
from .models import Applicant, StepDocument, StepRecord


class StepRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def vote_fact(item: AgendaItem) -> workflow.VoteFact:
    outcome = item.outcome
    return workflow.VoteFact(
        item.kind, outcome.quorum_met, outcome.passed, outcome.problems, item.activity.date
    )


def step_fact(row: StepRecord) -> workflow.StepFact:
    return workflow.StepFact(
        code=row.code,
        date=row.date,
        end_date=row.end_date,
        months=row.months,
        special=row.special,
        days=row.days,
        hours=float(row.hours),
        documents=frozenset(d.kind for d in row.documents.all()),
        late=row.late,
    )


def steps_of(applicant: Applicant) -> list[StepRecord]:
    return list(applicant.steps.prefetch_related("documents").order_by("date", "id"))


def facts_of(applicant: Applicant) -> list[workflow.StepFact]:
    return [step_fact(r) for r in steps_of(applicant)]


def full_members_on(ids, day: dt.date) -> set[int]:
    """Of the given member ids, those who were 正式党员 (and active) on the day."""
    from django.db.models import Q

    full_then = Q(confirmed_on__lte=day) | Q(confirmed_on__isnull=True, category=Category.FULL)
    return set(
        Member.objects.filter(
            full_then, pk__in=ids, joined_on__lte=day, status__in=ACTIVE_STATUSES
        ).values_list("pk", flat=True)
    )


@dataclass
class StepInput:
    code: str
    date: dt.date | None = None
    end_date: dt.date | None = None
    months: int = 0
    special: bool = False
    days: int = 0
    hours: Decimal = Decimal(0)
    people: tuple[int, ...] = ()
    agenda_item: AgendaItem | None = None
    note: str = ""


def agenda_choices(applicant: Applicant, kinds: list[str]):
    """The 支部党员大会 votes of the applicant's branch a step may be linked to."""
    return (
        AgendaItem.objects.filter(activity__org=applicant.org, kind__in=kinds)
        .select_related("activity")
        .order_by("-activity__planned_start")
    )


@transaction.atomic
def record_step(applicant: Applicant, data: StepInput, user=None, today: dt.date | None = None) -> StepRecord:
    """Record a step, or raise StepRefused with every reason; nothing is written when refused."""
    today = today or timezone.localdate()
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    facts = facts_of(applicant)
    vote = None
    if data.agenda_item is not None:
        if data.agenda_item.activity.org_id != applicant.org_id:
            raise StepRefused(["所选表决议题不是本支部党员大会的议题。"])
        if data.agenda_item.development_steps.exclude(applicant=applicant).exists():
            raise StepRefused(["所选表决议题已关联其他人的发展档案，每个议题只对应一人，请选择对应的议题。"])
        vote = vote_fact(data.agenda_item)
        data.date = vote.date
    if data.date is None:
        raise StepRefused(["请填写日期。"])
    full = full_members_on(data.people, data.date) if data.people else set()
    new = workflow.StepFact(
        code=data.code,
        date=data.date,
        end_date=data.end_date,
        months=data.months,
        special=data.special,
        days=data.days,
        hours=float(data.hours),
        people=tuple(p in full for p in data.people),
        vote=vote,
    )
    verdict = workflow.check(facts, new, applicant.birth_date, today)
    if verdict.refused:
        raise StepRefused(verdict.refused)
    row = StepRecord.objects.create(
        applicant=applicant,
        code=data.code,
        date=data.date,
        end_date=data.end_date,
        months=data.months,
        special=data.special,
        days=data.days,
        hours=data.hours,
        agenda_item=data.agenda_item,
        note=data.note,
        late=verdict.late[:400],
        recorded_by=user,
    )
    if data.people:
        row.people.set(data.people)
    facts.append(new)
    carry_to_register(applicant, data.code, facts)
    applicant.stage = workflow.stage(facts)
    applicant.save(update_fields=["stage", "member"])
    return row


def carry_to_register(applicant: Applicant, code: str, facts: list[workflow.StepFact]) -> None:
    """预备党员 enters the register on approval (入党日期 = the 支部大会's day); 转正 makes them 正式党员
    on the day the 预备期 ends; 取消预备党员资格 marks them 出党. The register's history keeps each change."""
    if code == "admission_approval":
        meeting = workflow.first(facts, "admission_meeting")
        member = Member(
            name=applicant.name,
            gender=applicant.gender,
            birth_date=applicant.birth_date,
            id_number=applicant.id_number,
            phone=applicant.phone,
            work_unit=applicant.work_unit,
            joined_on=meeting.date,
            category=Category.PROBATIONARY,
            org=applicant.org,
        )
        try:
            member.full_clean()
        except ValidationError as exc:
            raise StepRefused([f"无法录入党员名册：{m}" for m in exc.messages]) from exc
        member._change_reason = "发展党员：上级党委审批接收为预备党员"
        member.save()
        applicant.member = member
    elif applicant.member_id and code == "confirm_approval":
        member = applicant.member
        member.category = Category.FULL
        member.confirmed_on = workflow.probation_end(facts)
        member._change_reason = "发展党员：上级党委审批预备党员转正"
        member.save()
    elif applicant.member_id and code == "cancel":
        member = applicant.member
        member.status = Status.LEFT
        member._change_reason = "发展党员：取消预备党员资格"
        member.save()


@transaction.atomic
def attach(step: StepRecord, kind: str, upload, user) -> StepDocument:
    """Store a typed document of a step after the meetings' upload check (type read from the content)."""
    flow = workflow.current()
    if kind not in step.step.documents:
        raise UploadRefused(f"“{step.name}”没有“{flow.documents.get(kind, kind)}”这类材料。")
    if upload.size > UPLOAD_MAX_BYTES:
        raise UploadRefused(f"文件超过 {UPLOAD_MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传。")
    content, extension, mime = check_content(upload.read(), flow.documents[kind])
    document = StepDocument(
        step=step,
        kind=kind,
        original_name=upload.name[:200],
        content_type=mime,
        size=len(content),
        uploaded_by=user,
    )
    document.file.save(f"{kind}.{extension}", ContentFile(content), save=False)
    document.save()
    return document
