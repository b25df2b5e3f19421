"""通报 and 问责: the 通报's workflow (草稿 → 审核 → 印发 → 整改 → 销号) with out-of-order steps refused, its
official .docx (the evaluation module's document layer), and the office's 问责 records."""

import tomllib
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from dangjian.evaluations.documents import Document, Section, to_docx
from dangjian.notifications.outbox import post
from dangjian.orgs.choices import MANAGING_TITLES, OrgKind
from dangjian.orgs.models import Organisation, Position

from .models import Accountability, Notice, NoticeBranch

PATH = Path(__file__).parent / "data" / "accountability.toml"
S = Notice.Status
# action -> (from, to): one step at a time, in order.
STEPS = {
    "submit": (S.DRAFT, S.REVIEW),
    "approve": (S.REVIEW, S.APPROVED),
    "publish": (S.APPROVED, S.PUBLISHED),
    "close": (S.PUBLISHED, S.CLOSED),
}
STEP_NAMES = {"submit": "提交审核", "approve": "审核通过", "publish": "印发", "close": "销号"}


@lru_cache(maxsize=1)
def data() -> dict:
    return tomllib.loads(PATH.read_text(encoding="utf-8"))


def forms() -> dict[str, dict]:
    return {f["code"]: f for f in data()["forms"]}


def number_label(notice: Notice) -> str:
    return (
        f"{data()['notices']['number_prefix']}〔{notice.year}〕{notice.number}号"
        if notice.number
        else "（未编号）"
    )


def next_status(status: str, action: str) -> str:
    """The status after `action`, or a refusal naming the step that is due (plain function)."""
    if action not in STEPS:
        raise ValidationError("没有这个步骤。")
    start, end = STEPS[action]
    if status != start:
        due = next((STEP_NAMES[a] for a, (s, _) in STEPS.items() if s == status), None)
        now = S(status).label
        raise ValidationError(
            f"通报当前为“{now}”，不能{STEP_NAMES[action]}"
            + (f"；下一步应为“{due}”。" if due else "；流程已结束。")
        )
    return end


def is_town_leader(access) -> bool:
    """A 镇党委 committee member (书记, 副书记, 委员): who approves a 通报."""
    return Organisation.objects.filter(pk__in=access.committee_orgs, kind=OrgKind.TOWN).exists()


@transaction.atomic
def draft(
    year: int, kind: str, title: str, body: str, requirement: str, due_on, to_all: bool, named, user
) -> Notice:
    """A draft naming branches: `named` is a list of (organisation, facts, evidence url)."""
    if not named:
        raise ValidationError("请至少点名一个党支部，并写明事实。")
    if kind == Notice.Kind.CRITICISM and not (requirement.strip() and due_on):
        raise ValidationError("通报批评须写明整改要求和整改期限。")
    notice = Notice(
        year=year,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        requirement=requirement.strip(),
        due_on=due_on,
        to_all=to_all,
        drafted_by=user,
    )
    notice.full_clean()
    notice.save()
    for org, facts, url in named:
        if not facts.strip():
            raise ValidationError(f"请写明{org.name}的事实。")
        entry = NoticeBranch(notice=notice, org=org, facts=facts.strip(), evidence_url=url.strip())
        entry.full_clean()
        entry.save()
    return notice


@transaction.atomic
def advance(notice: Notice, action: str, user, access, today) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    allowed = is_town_leader(access) if action == "approve" else access.is_office
    if not allowed:
        raise PermissionDenied("审核须由镇党委领导进行；其余步骤由党建办进行。")
    status = next_status(notice.status, action)
    if action == "close" and notice.kind == Notice.Kind.CRITICISM:
        waiting = [e.org.name for e in notice.branches.select_related("org") if not e.responded_at]
        if waiting:
            raise ValidationError(f"{'、'.join(waiting)}尚未答复整改情况，不能销号。")
    if action == "approve":
        notice.approved_by = user
    if action == "publish":
        last = Notice.objects.filter(year=notice.year).aggregate(n=Max("number"))["n"] or 0
        notice.number, notice.published_on = last + 1, today
    if action == "close":
        notice.closed_at = timezone.now()
    notice.status = status
    notice.save()
    if action == "publish":
        _announce(notice)
    return notice


def _announce(notice: Notice) -> None:
    named = list(notice.branches.select_related("org"))
    orgs = [e.org for e in named]
    if notice.to_all:
        orgs = list(Organisation.objects.filter(kind=OrgKind.BRANCH))
    people = (
        Position.objects.current()
        .filter(org__in=orgs, title__in=MANAGING_TITLES)
        .values_list("member_id", flat=True)
    )
    due = (
        f"，请于{notice.due_on:%Y年%m月%d日}前答复整改情况"
        if notice.due_on and notice.kind == Notice.Kind.CRITICISM
        else ""
    )
    post(
        set(people),
        key=f"assessment:notice:{notice.pk}",
        title=f"{number_label(notice)}：{notice.title}"[:200],
        body=f"{notice.get_kind_display()}已印发{due}。",
        url=reverse("assessment:notice", args=[notice.pk]),
    )


@transaction.atomic
def respond(entry: NoticeBranch, text: str) -> None:
    notice = Notice.objects.select_for_update().get(pk=entry.notice_id)
    if notice.status != S.PUBLISHED:
        raise ValidationError("只有已印发、未销号的通报可以答复整改情况。")
    text = (text or "").strip()
    if not text:
        raise ValidationError("请写明整改措施和完成情况。")
    entry.response, entry.responded_at = text, timezone.now()
    entry.full_clean()
    entry.save()


def document(notice: Notice) -> Document:
    """The 通报 in the official layout: 文号, title, 主送, body, each branch's facts, 整改要求, 落款, date."""
    entries = list(notice.branches.select_related("org"))
    to = "各党（总）支部" if notice.to_all else "、".join(e.org.name for e in entries)
    sections = [Section(paragraphs=[f"{to}："]), Section(paragraphs=notice.body.splitlines())]
    sections += [Section(heading=e.org.name, paragraphs=e.facts.splitlines()) for e in entries]
    if notice.requirement:
        due = f"请于{notice.due_on:%Y年%m月%d日}前将整改情况报镇党建办。" if notice.due_on else ""
        sections.append(Section(heading="整改要求", paragraphs=[*notice.requirement.splitlines(), due]))
    day = notice.published_on or timezone.localdate()
    sections.append(
        Section(paragraphs=["", data()["notices"]["issuer"], f"{day.year}年{day.month}月{day.day}日"])
    )
    return Document(
        title=notice.title, subtitle=number_label(notice), sections=sections, record_kind="notice"
    )


def docx(notice: Notice) -> bytes:
    return to_docx(document(notice))


@transaction.atomic
def record_accountability(
    org, member, form: str, reason: str, decided_on, decided_by: str, user, notice=None, finding_url: str = ""
) -> Accountability:
    if form not in forms():
        raise ValidationError("问责方式应为：" + "、".join(f["name"] for f in forms().values()) + "。")
    if member.org_id != org.pk:
        raise ValidationError(f"{member.name}不是{org.name}的党员。")
    record = Accountability(
        org=org,
        member=member,
        form=form,
        reason=(reason or "").strip(),
        notice=notice,
        finding_url=finding_url.strip(),
        decided_on=decided_on,
        decided_by=(decided_by or "").strip(),
        recorded_by=user,
    )
    try:
        record.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            [f"{record._meta.get_field(k).verbose_name}：{m[0]}" for k, m in exc.message_dict.items()]
        ) from exc
    record.save()
    return record
