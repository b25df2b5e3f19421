"""What the pages, the API, the commands and the demo ask of the 督查 rounds: create a round with its
checklist and sample, appoint inspectors (回避 checked), record visits and findings, run the 整改 loop,
remind through the outbox, and count a round's results. Every write is one transaction."""

import datetime as dt
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from dangjian.accounts.access import Access
from dangjian.compliance import facts as compliance_facts
from dangjian.compliance.engine import INCOMPLETE, UNMET
from dangjian.core.validators import control_problem
from dangjian.meetings.models import Activity
from dangjian.meetings.services import UploadRefused, check_upload
from dangjian.orgs.choices import MANAGING_TITLES, OrgKind
from dangjian.orgs.models import Organisation, Position
from dangjian.rulebook import rulebook

from ..choices import SignalKind
from ..models import Signal
from . import config, rules, sampling
from .choices import Method, RectStatus, Result, RoundStatus, StepAction
from .models import (
    Assignment,
    Attachment,
    ChecklistItem,
    Finding,
    Rectification,
    Round,
    SampledBranch,
    Step,
    Visit,
)

PHOTO_KIND = "activity_photos"  # the rules file's image record kind: a finding's photos are checked as one
EVIDENCE_KIND = "rectification"  # 意见清单的整改措施: documents or images
TEXT_MAX = 2000
NAME_MAX = 100
MAX_FILES = 6
SEED_MAX = 2**62


def _text(value: str, what: str, required: bool = True, limit: int = TEXT_MAX, multiline: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"请填写{what}。")
    if len(value) > limit:
        raise ValidationError(f"{what}不能超过 {limit} 字（现有 {len(value)} 字），请精简后再提交。")
    problem = control_problem(value, multiline=multiline)
    if problem:
        raise ValidationError(f"{what}：{problem}")
    return value


# ---- who sees what ----


def rounds_visible(access: Access) -> QuerySet[Round]:
    """The office and 上级 read the rounds of their town; an inspector the open rounds they inspect in."""
    q = Q(pk__in=[r for r, _ in access.inspecting])
    if access.is_office or access.is_oversight:
        q |= access.org_q("org__")
    return Round.objects.filter(q)


def rectification_q(access: Access, prefix: str = "") -> Q:
    """Findings (prefix "") or 整改 (prefix "finding__") a user sees: the office's and 上级's town, the
    branches a user runs (and a 党总支's), an inspector's assigned branches while the round is open."""
    q = Q(pk__in=[])
    if access.is_office or access.is_oversight:
        q |= access.org_q(f"{prefix}org__")
    elif access.manage:
        q |= access.org_q(f"{prefix}org__", paths=access.manage)
    for round_id, org_id in access.inspecting:
        q |= Q(**{f"{prefix}round_id": round_id, f"{prefix}org_id": org_id})
    return q


def findings_visible(access: Access) -> QuerySet[Finding]:
    return Finding.objects.filter(rectification_q(access))


def rectifications_visible(access: Access) -> QuerySet[Rectification]:
    return Rectification.objects.filter(rectification_q(access, "finding__"))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# ---- the desk's candidates and the sample ----


def branches_of(town: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        path__startswith=town.path, kind=OrgKind.BRANCH, dissolved_on__isnull=True
    ).order_by("code")


def candidates(town: Organisation, as_of: dt.date) -> list[sampling.Candidate]:
    """Every branch of the town with its open signals, this year's unmet verdicts and the days since its
    last finding: a fixed number of queries."""
    branches = list(branches_of(town))
    ids = {b.pk for b in branches}
    signals: dict[int, Counter] = defaultdict(Counter)
    for org_id, kind in Signal.objects.open().filter(org_id__in=ids).values_list("org_id", "kind"):
        signals[org_id][SignalKind(kind).label] += 1
    parent = dict(
        Organisation.objects.filter(path__startswith=town.path, kind=OrgKind.GROUP).values_list(
            "pk", "parent_id"
        )
    )
    unmet: Counter = Counter()
    for v in compliance_facts.iter_verdicts(town, as_of.year, as_of, brief=True):
        if v.status in (UNMET, INCOMPLETE):
            unmet[parent.get(v.org_id, v.org_id)] += 1
    last = dict(
        Finding.objects.filter(org_id__in=ids)
        .values("org_id")
        .annotate(last=Max("found_at"))
        .values_list("org_id", "last")
    )
    return [
        sampling.Candidate(
            org_id=b.pk,
            code=b.code,
            name=b.name,
            signals=dict(signals[b.pk]),
            unmet=unmet[b.pk],
            days_since=(as_of - timezone.localdate(last[b.pk])).days if b.pk in last else None,
        )
        for b in branches
    ]


def draw_sample(round_: Round, size: int, as_of: dt.date | None = None) -> list[SampledBranch]:
    """Replace the desk's picks of the round by a draw with its seed (the office's own additions stay)."""
    as_of = as_of or timezone.localdate()
    settings = config.current().sampling
    if round_.findings.exists():
        raise ValidationError("本轮已有督查发现，不能重新抽样；可逐个增删支部。")
    keep = set(round_.sample.filter(by_desk=False).values_list("org_id", flat=True))
    pool = [c for c in candidates(round_.org, as_of) if c.org_id not in keep]
    picks = sampling.draw(pool, size, round_.seed, settings)
    round_.sample.filter(by_desk=True).delete()
    round_.assignments.exclude(org_id__in=keep | {p.org_id for p in picks}).delete()
    return SampledBranch.objects.bulk_create(
        SampledBranch(round=round_, org_id=p.org_id, weight=p.weight, reason=p.reason) for p in picks
    )


@transaction.atomic
def create_round(
    user,
    town: Organisation,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    methods: Iterable[str],
    size: int | None = None,
    seed: int | None = None,
    as_of: dt.date | None = None,
) -> Round:
    settings = config.current()
    name = _text(name, "轮次名称", limit=NAME_MAX, multiline=False)
    methods = (
        sorted(set(methods), key=Method.values.index) if all(m in Method.values for m in methods) else None
    )
    if not methods:
        raise ValidationError(f"请至少选择一种督查方式（{'、'.join(Method.labels)}）。")
    if period_end < period_start:
        raise ValidationError("检查期间的结束日期早于开始日期，请改正。")
    size = settings.sampling.size if size is None else size
    if not 0 < size <= 500:
        raise ValidationError("抽取支部数应在 1 到 500 之间。")
    seed = secrets.randbelow(SEED_MAX) if seed is None else seed
    if not 0 <= seed < SEED_MAX:
        raise ValidationError(f"抽样种子应为 0 到 {SEED_MAX - 1} 之间的整数。")
    round_ = Round.objects.create(
        org=town,
        name=name,
        period_start=period_start,
        period_end=period_end,
        methods=methods,
        seed=seed,
        created_by=user,
        settings_version=settings.version,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            round=round_,
            seq=i,
            rule=d.rule,
            name=d.name,
            records=d.records,
            leaders=d.leaders,
            points=d.points,
        )
        for i, d in enumerate(rules.default_checklist(settings.checklist, rulebook.current()), start=1)
    )
    draw_sample(round_, size, as_of)
    return round_


def _open(round_: Round) -> None:
    if not round_.is_open:
        raise ValidationError("本轮督查已结束，不能再修改。")


@transaction.atomic
def add_item(round_: Round, name: str, points: str) -> ChecklistItem:
    _open(round_)
    name = _text(name, "检查项名称", limit=NAME_MAX, multiline=False)
    points = _text(points, "检查要点", required=False)
    seq = (round_.items.aggregate(m=Max("seq"))["m"] or 0) + 1
    return ChecklistItem.objects.create(round=round_, seq=seq, name=name, points=points)


@transaction.atomic
def add_branch(round_: Round, org: Organisation, reason: str, user) -> SampledBranch:
    _open(round_)
    if org.kind != OrgKind.BRANCH or not org.path.startswith(round_.org.path):
        raise ValidationError("只能抽查本镇的党支部。")
    if round_.sample.filter(org=org).exists():
        raise ValidationError(f"“{org.name}”已在抽查名单中。")
    reason = _text(reason, "加入理由", limit=500)
    return SampledBranch.objects.create(
        round=round_, org=org, by_desk=False, reason=f"党建办加入：{reason}", added_by=user
    )


@transaction.atomic
def remove_branch(round_: Round, org: Organisation) -> None:
    _open(round_)
    if round_.findings.filter(org=org).exists():
        raise ValidationError(f"“{org.name}”已有督查发现，不能移出抽查名单。")
    round_.assignments.filter(org=org).delete()
    round_.sample.filter(org=org).delete()


def conflict_of(user, org: Organisation, on: dt.date) -> str | None:
    """Why `user` may not inspect `org` (回避), or None."""
    member = user.member
    if member is None:
        return None
    paths = [member.org.path] + ([member.dual_org.path] if member.dual_org_id else [])
    led = list(
        Position.objects.current(on)
        .filter(member=member)
        .exclude(org__kind__in=(OrgKind.TOWN, OrgKind.SUPERIOR))
        .values_list("org__path", flat=True)
    )
    return rules.conflict(org.path, paths, led)


@transaction.atomic
def assign(round_: Round, org: Organisation, inspector, by) -> Assignment:
    _open(round_)
    if not round_.sample.filter(org=org).exists():
        raise ValidationError(f"“{org.name}”不在本轮抽查名单中，请先加入名单再指派督查人员。")
    if not inspector.is_active or not (inspector.kind == inspector.Kind.OFFICE or inspector.member_id):
        raise ValidationError("督查人员应是党建办工作人员或有登录账号的党员。")
    if inspector.member_id and not inspector.member.is_active:
        raise ValidationError("该党员已不在册，不能担任督查人员。")
    problem = conflict_of(inspector, org, timezone.localdate())
    if problem:
        raise ValidationError(problem)
    if round_.assignments.filter(org=org, inspector=inspector).exists():
        raise ValidationError("此人已是该支部的督查人员。")
    return Assignment.objects.create(round=round_, org=org, inspector=inspector, appointed_by=by)


@transaction.atomic
def close_round(round_: Round) -> Round:
    _open(round_)
    round_.status, round_.closed_at = RoundStatus.CLOSED, timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    return round_


# ---- inspecting ----


def branch_activities(org: Organisation) -> QuerySet[Activity]:
    """The activities of a branch and its 党小组."""
    return Activity.objects.filter(org__path__startswith=org.path)


@transaction.atomic
def record_visit(
    round_: Round, org: Organisation, activity: Activity, announced: bool, notes: str, user
) -> Visit:
    _open(round_)
    if not branch_activities(org).filter(pk=activity.pk).exists():
        raise ValidationError("所选活动不是该支部（或其党小组）的活动。")
    notes = _text(notes, "列席情况", required=False)
    return Visit.objects.create(
        round=round_, org=org, activity=activity, announced=announced, notes=notes, inspector=user
    )


def _kept_already(finding: Finding, step: Step | None, content: bytes) -> bool:
    """The same file is already attached (a form sent twice): only same-sized files are read."""
    for a in finding.attachments.filter(step=step, size=len(content)):
        with a.file.open("rb") as f:
            if f.read() == content:
                return True
    return False


def _store(finding: Finding, files, kind: str, user, step: Step | None = None) -> list[Attachment]:
    stored = []
    for upload in files:
        try:
            content, extension, mime = check_upload(upload.read(), kind)
        except UploadRefused as exc:
            raise ValidationError(f"“{upload.name[:60]}”未能上传：{exc}") from exc
        if _kept_already(finding, step, content):
            continue
        a = Attachment(
            finding=finding,
            step=step,
            original_name=upload.name[:200],
            content_type=mime,
            size=len(content),
            uploaded_by=user,
        )
        from django.core.files.base import ContentFile

        a.file.save(f"{kind}.{extension}", ContentFile(content), save=False)
        a.save()
        stored.append(a)
    return stored


@dataclass
class FindingInput:
    item_id: int
    result: str
    notes: str = ""
    requirement: str = ""
    deadline: dt.date | None = None
    visit_id: int | None = None
    photos: list = field(default_factory=list)


@transaction.atomic
def record_finding(round_: Round, org: Organisation, data: FindingInput, user) -> Finding:
    """Record (or change) the result of one checklist item at one branch; a 不符合 gets its 整改."""
    _open(round_)
    if not round_.sample.filter(org=org).exists():
        raise ValidationError(f"“{org.name}”不在本轮抽查名单中。")
    item = round_.items.filter(pk=data.item_id).first()
    if item is None:
        raise ValidationError("检查项不属于本轮督查清单，请刷新页面后重试。")
    if data.result not in Result.values:
        raise ValidationError(f"请选择检查结果（{'、'.join(Result.labels)}）。")
    if len(data.photos) > MAX_FILES:
        raise ValidationError(f"一次最多上传 {MAX_FILES} 张照片。")
    notes = _text(data.notes, "情况说明", required=data.result != Result.CONFORMING)
    visit = round_.visits.filter(pk=data.visit_id, org=org).first() if data.visit_id else None
    finding = Finding.objects.select_for_update().filter(round=round_, org=org, item=item).first()
    rect = getattr(finding, "rectification", None) if finding else None
    if rect and rect.status == RectStatus.ACCEPTED:
        raise ValidationError("该项整改已验收通过，检查结果和整改要求不能再修改；新问题请另立检查项记录。")
    if rect and rect.steps.exists() and data.result != Result.NONCONFORMING:
        raise ValidationError("该项已有整改答复，不能再改为符合；如整改到位请验收。")
    deadline = requirement = None  # checked before any photo reaches the storage
    if data.result == Result.NONCONFORMING:
        deadline = data.deadline or timezone.localdate() + dt.timedelta(
            days=config.current().rectification.deadline_days
        )
        if deadline < timezone.localdate():
            raise ValidationError("整改时限不能早于今天。")
        requirement = _text(data.requirement, "整改要求", required=False) or notes
    if finding is None:
        finding = Finding(round=round_, org=org, item=item)
    finding.result, finding.notes, finding.inspector, finding.found_at = (
        data.result,
        notes,
        user,
        timezone.now(),
    )
    finding.visit = visit
    finding.save()
    _store(finding, data.photos, PHOTO_KIND, user)
    if deadline is not None:
        if rect is None:
            Rectification.objects.create(finding=finding, requirement=requirement, deadline=deadline)
        else:
            rect.requirement, rect.deadline = requirement, deadline
            rect.save(update_fields=["requirement", "deadline"])
    elif rect is not None:
        rect.delete()  # no step yet: the 不符合 was corrected by the inspector
    return finding


# ---- 整改 ----


def can_act(access: Access, rect: Rectification, action: str) -> bool:
    f = rect.finding
    if action == StepAction.ANSWER:
        return access.can_answer_rectification(f.org)
    return access.can_decide_rectification(f.round, f.org)


@transaction.atomic
def act(rect: Rectification, action: str, text: str, user, access: Access, files=()) -> Step:
    """One 整改 step: the branch answers (with evidence), the inspector or office returns or accepts."""
    rect = (
        Rectification.objects.select_for_update()
        .select_related("finding__round", "finding__org")
        .get(pk=rect.pk)
    )
    require(can_act(access, rect, action))
    problem = rules.step_problem(action, rect.status)
    if problem:
        raise ValidationError(problem)
    what = {StepAction.ANSWER: "整改情况", StepAction.RETURN: "退回理由", StepAction.ACCEPT: "验收意见"}[
        action
    ]
    text = _text(text, what, required=action != StepAction.ACCEPT) or "验收通过。"
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationError(f"一次最多上传 {MAX_FILES} 个佐证材料。")
    step = Step.objects.create(rectification=rect, action=action, text=text, by=user)
    _store(rect.finding, files, EVIDENCE_KIND, user, step)
    rect.status = rules.AFTER[action]
    rect.closed_at = timezone.now() if action == StepAction.ACCEPT else None
    rect.save(update_fields=["status", "closed_at"])
    _tell(rect, action)
    return step


def branch_leaders(org_ids: Iterable[int], on: dt.date) -> dict[int, set[int]]:
    """Member ids of the 书记/副书记/组织委员 of each branch."""
    out: dict[int, set[int]] = defaultdict(set)
    for org_id, member_id in (
        Position.objects.current(on)
        .filter(org_id__in=list(org_ids), title__in=MANAGING_TITLES)
        .values_list("org_id", "member_id")
    ):
        out[org_id].add(member_id)
    return out


def _tell(rect: Rectification, action: str) -> None:
    from dangjian.notifications.outbox import post

    f = rect.finding
    url = rect.get_absolute_url()
    if action == StepAction.ANSWER:
        inspectors = Assignment.objects.filter(round=f.round, org=f.org).values_list(
            "inspector__member_id", flat=True
        )
        post(
            [m for m in inspectors if m],
            key=f"supervision-rect-{rect.pk}-answer-{rect.steps.count()}",
            title=f"{f.org.name}已答复整改：{f.item.name}，请验收",
            url=url,
            accounts=_office(f.org),
        )
    else:
        verb = "已验收通过" if action == StepAction.ACCEPT else "被退回，请重新整改"
        post(
            branch_leaders([f.org_id], timezone.localdate())[f.org_id],
            key=f"supervision-rect-{rect.pk}-{action}-{rect.steps.count()}",
            title=f"督查整改“{f.item.name}”{verb}",
            url=url,
        )


def _office(org) -> list[int]:
    from dangjian.notifications.services import office_accounts

    return office_accounts(org)


def remind(today: dt.date | None = None) -> int:
    """Remind the branches of 整改 due soon and overdue (the office too when overdue): each reminder once."""
    from dangjian.notifications.outbox import post

    today = today or timezone.localdate()
    times = config.current().rectification
    pending = list(
        Rectification.objects.filter(status__in=(RectStatus.OPEN, RectStatus.RETURNED)).select_related(
            "finding__org", "finding__item"
        )
    )
    leaders = branch_leaders({r.finding.org_id for r in pending}, today)
    written = 0
    for r in pending:
        key = rules.reminder(r.status, r.deadline, today, times.remind_before_days, times.overdue_every)
        if key is None:
            continue
        f = r.finding
        overdue = key != "soon"
        title = (
            f"督查整改已逾期：{f.item.name}（时限 {r.deadline:%Y年%-m月%-d日}）"
            if overdue
            else f"督查整改将于 {r.deadline:%Y年%-m月%-d日} 到期：{f.item.name}"
        )
        written += post(
            leaders[f.org_id],
            key=f"supervision-rect-{r.pk}-{r.deadline:%Y%m%d}-{key}",
            title=title,
            body=r.requirement,
            url=r.get_absolute_url(),
            org=f.org,
            accounts=_office(f.org) if overdue else (),
        )
    return written


# ---- a round's results ----


@dataclass
class Counts:
    conforming: int = 0
    partly: int = 0
    nonconforming: int = 0

    def add(self, result: str) -> None:
        setattr(self, result, getattr(self, result) + 1)

    @property
    def total(self) -> int:
        return self.conforming + self.partly + self.nonconforming


@dataclass
class Summary:
    per_item: list[tuple[ChecklistItem, Counts]]
    per_branch: list[tuple[Organisation, Counts]]
    rect_states: dict[str, int]
    overdue: int
    findings: list[Finding]


def summary(round_: Round, today: dt.date | None = None) -> Summary:
    today = today or timezone.localdate()
    findings = list(
        round_.findings.select_related("org", "item", "inspector__member", "rectification").prefetch_related(
            "attachments", "rectification__steps"
        )
    )
    items = {i.pk: (i, Counts()) for i in round_.items.all()}
    branches = {s.org_id: (s.org, Counts()) for s in round_.sample.select_related("org")}
    rect_states: Counter = Counter()
    overdue = 0
    for f in findings:
        items[f.item_id][1].add(f.result)
        branches.setdefault(f.org_id, (f.org, Counts()))[1].add(f.result)
        rect = getattr(f, "rectification", None)
        if rect:
            rect_states[rect.status] += 1
            overdue += rect.is_overdue(today)
    return Summary(
        list(items.values()),
        sorted(branches.values(), key=lambda b: b[0].code),
        {s.label: rect_states[s] for s in RectStatus},
        overdue,
        findings,
    )


# ---- home page ----


def supervision_todo(access: Access, run: tuple[str, ...]) -> list[Rectification]:
    """The 督查整改 of the branches a secretary runs, not yet accepted, soonest due first (one query)."""
    return list(
        Rectification.objects.filter(access.org_q("finding__org__", paths=run))
        .exclude(status=RectStatus.ACCEPTED)
        .select_related("finding__org", "finding__item")
        .order_by("deadline", "pk")
    )


def inspections_of(member_id: int) -> list[Assignment]:
    """The branches a member inspects in rounds still open (one query)."""
    return list(
        Assignment.objects.filter(inspector__member_id=member_id, round__status=RoundStatus.OPEN)
        .select_related("round", "org")
        .order_by("round_id", "org__code")
    )
