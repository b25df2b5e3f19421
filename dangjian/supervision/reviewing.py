"""Record review (会议记录审阅): the minutes' versions, the review loop (start → 通过 / 退回补正 → 补正后提交
→ …), the sampled queue the desk proposes, and the diff the reviewer reads. Pages and the API call these.

The loop's order is enforced here, under a row lock: a step that does not follow from the review's state
(passing a review that waits for the branch, sending back twice) is refused with a sentence, so two
clicks or two devices never record a step twice."""

import datetime as dt
import difflib
import html
import random
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from rapidfuzz.distance import Indel

from dangjian.accounts.access import Access
from dangjian.core.validators import control_problem
from dangjian.meetings.models import Activity, Status

from .choices import SignalKind
from .models import Signal
from .review import MinutesVersion, Review, ReviewState, ReviewStep, StepAction

COMMENT_MAX = 1000
QUEUE_PATH = Path(__file__).parent / "data" / "review.toml"


# ---- versions of the minutes ----


def _before_save(sender, instance: Activity, raw=False, update_fields=None, **kwargs) -> None:
    """Remember the stored minutes (and their author) before a save that may change them."""
    if raw or instance.pk is None or (update_fields is not None and "minutes" not in update_fields):
        return
    instance._minutes_before = (
        Activity.objects.filter(pk=instance.pk).values_list("minutes", "minutes_by", "minutes_at").first()
    )


def _after_save(sender, instance: Activity, created=False, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and "minutes" not in update_fields):
        return
    before = instance.__dict__.pop("_minutes_before", None)
    if created:
        if instance.minutes:
            _add_version(instance, 1, instance.minutes, instance.minutes_by_id, instance.minutes_at)
        return
    record_version(instance, before)


def connect() -> None:
    pre_save.connect(_before_save, sender=Activity, dispatch_uid="supervision-minutes-before")
    post_save.connect(_after_save, sender=Activity, dispatch_uid="supervision-minutes-after")


def _add_version(activity, number: int, text: str, by_id, at) -> MinutesVersion:
    return MinutesVersion.objects.create(
        activity=activity, number=number, text=text, saved_by_id=by_id, saved_at=at or timezone.now()
    )


def record_version(activity: Activity, before: tuple | None = None) -> MinutesVersion | None:
    """Keep the activity's current minutes as a new version when they differ from the last one kept. A text
    written before versions were kept (`before`: text, author, time) becomes version 1 first."""
    last = activity.minutes_versions.order_by("-number").first()
    if last is None and before and before[0] and before[0] != activity.minutes:
        last = _add_version(activity, 1, *before)
    if (last.text if last else "") == activity.minutes:
        return last
    number = last.number + 1 if last else 1
    return _add_version(activity, number, activity.minutes, activity.minutes_by_id, activity.minutes_at)


# ---- the minutes as lines, and what changed ----

BLOCK_END = re.compile(r"<br\s*/?>|</(p|li|h\d|div|tr|blockquote)>", re.I)
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"[ \t\u3000\xa0]+")


def lines(minutes: str) -> list[str]:
    """The visible text of minutes HTML, one line per paragraph or list item, blank lines dropped."""
    text = html.unescape(TAG.sub("", BLOCK_END.sub("\n", minutes or "")))
    return [s for s in (SPACE.sub(" ", ln).strip() for ln in text.splitlines()) if s]


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """What changed from `old` to `new` minutes, as runs of ("", kept), ("del", removed) and ("ins", added)
    text: paragraphs matched with difflib, and within a changed paragraph the characters (Chinese has no
    words to split on), so one corrected figure shows as one mark, not as a rewritten paragraph."""
    a, b = lines(old), lines(new)
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            _run(runs, "", "\n".join(a[i1:i2]) + "\n")
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
                removed, added = "", ""  # a change reads as what was removed, then what replaced it
                for op in Indel.opcodes(x, y):
                    if op.tag == "equal":
                        _run(runs, "del", removed)
                        _run(runs, "ins", added)
                        removed, added = "", ""
                        _run(runs, "", x[op.src_start : op.src_end])
                    else:
                        removed += x[op.src_start : op.src_end]
                        added += y[op.dest_start : op.dest_end]
                _run(runs, "del", removed)
                _run(runs, "ins", added)
                _run(runs, "", "\n")
        else:
            if i2 > i1:
                _run(runs, "del", "\n".join(a[i1:i2]) + "\n")
            if j2 > j1:
                _run(runs, "ins", "\n".join(b[j1:j2]) + "\n")
    return runs


def _run(runs: list[tuple[str, str]], op: str, piece: str) -> None:
    if not piece:
        return
    if runs and runs[-1][0] == op:
        runs[-1] = (op, runs[-1][1] + piece)
    else:
        runs.append((op, piece))


def changed(runs: list[tuple[str, str]]) -> bool:
    return any(op for op, _ in runs)


# ---- who sees what ----


def visible(access: Access) -> QuerySet[Review]:
    """The reviews this user may read: the reviewers', 上级's and the reviewed branch's leaders'."""
    paths = access.review_read_paths
    if not paths:
        raise PermissionDenied("只有党建办、上级党委、党总支和被审阅支部的负责人可以查看会议记录审阅。")
    return Review.objects.filter(access.org_q("activity__org__", paths=paths)).select_related(
        "activity__org", "started_by"
    )


def latest(activity: Activity) -> Review | None:
    return activity.reviews.order_by("-started_at", "-id").first()


# ---- the loop ----


def _comment(text: str, what: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError(f"请写明{what}。")
    if len(text) > COMMENT_MAX:
        raise ValidationError(f"{what}最多 {COMMENT_MAX} 字，请精简后再提交。")
    if problem := control_problem(text, multiline=True):
        raise ValidationError(f"{what}{problem}")
    return text


def _step(review: Review, action: str, user, comment: str = "") -> ReviewStep:
    now = timezone.now()
    review.updated_at = now
    return ReviewStep.objects.create(
        review=review,
        action=action,
        comment=comment,
        version=record_version(review.activity),
        by=user,
        at=now,
    )


@transaction.atomic
def start(activity: Activity, user, access: Access, reason: str = "") -> Review:
    """Begin reviewing a held activity's records; `reason` says why it was picked (the queue's, or the
    reviewer's own)."""
    if not access.can_review_org(activity.org):
        raise PermissionDenied("只有党建办（或党总支对所属支部）可以审阅会议记录。")
    reason = (reason or "").strip() or "党建办主动抽审"
    if len(reason) > 200 or control_problem(reason):
        raise ValidationError("抽审理由应为一行文字，最多 200 字。")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != Status.HELD:
        raise ValidationError("只能审阅已召开活动的记录；该活动尚未登记为已召开。")
    if activity.reviews.exclude(state=ReviewState.PASSED).exists():
        raise ValidationError("该活动的记录已在审阅中，请打开原来的审阅继续。")
    now = timezone.now()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                activity=activity, reason=reason, started_by=user, started_at=now, updated_at=now
            )
    except IntegrityError as exc:  # another reviewer started it a moment ago
        raise ValidationError("该活动的记录已在审阅中，请打开原来的审阅继续。") from exc
    _step(review, StepAction.START, user)
    return review


def _locked(review: Review) -> Review:
    locked = (  # `of`: PostgreSQL cannot lock the nullable side of the outer join to started_by
        Review.objects.select_for_update(of=("self",))
        .select_related("activity__org", "started_by")
        .get(pk=review.pk)
    )
    review.__dict__.update(locked.__dict__)
    return review


@transaction.atomic
def decide(review: Review, user, access: Access, passed: bool, comment: str = "") -> Review:
    """通过, or 退回补正 with a comment naming what to fix (then the branch is reminded)."""
    review = _locked(review)
    if not access.can_review_org(review.activity.org):
        raise PermissionDenied("只有党建办（或党总支对所属支部）可以审阅会议记录。")
    if review.state == ReviewState.RETURNED:
        raise ValidationError("该审阅已退回补正，正在等待支部补正后提交，现在不能再次审阅。")
    if review.state == ReviewState.PASSED:
        raise ValidationError("该审阅已通过，无需重复操作。")
    comment = _comment(comment, "退回理由（需要补正什么）" if not passed else "审阅意见", required=not passed)
    review.state = ReviewState.PASSED if passed else ReviewState.RETURNED
    step = _step(review, StepAction.PASS if passed else StepAction.RETURN, user, comment)
    review.save(update_fields=["state", "updated_at"])
    _tell_branch(review, step)
    return review


@transaction.atomic
def resubmit(review: Review, user, access: Access, note: str = "") -> Review:
    """The branch has corrected its records: back to the reviewer. Without a change to the minutes the
    note must say what was corrected (an attachment uploaded, say)."""
    review = _locked(review)
    if not access.can_answer_review(review.activity.org):
        raise PermissionDenied("只有被审阅支部的书记、副书记、组织委员可以提交补正。")
    if review.state != ReviewState.RETURNED:
        raise ValidationError(
            "该审阅没有退回补正（或补正已经提交），不能提交补正。"
            if review.state != ReviewState.PASSED
            else "该审阅已通过，无需提交补正。"
        )
    returned = review.steps.filter(action=StepAction.RETURN).order_by("-at", "-id").first()
    current = record_version(review.activity)
    unchanged = (returned.version_id if returned else None) == (current.pk if current else None)
    note = _comment(note, "补正说明（改了什么）", required=unchanged)
    review.state = ReviewState.RESUBMITTED
    step = _step(review, StepAction.RESUBMIT, user, note)
    review.save(update_fields=["state", "updated_at"])
    _tell_reviewer(review, step)
    return review


def _tell_branch(review: Review, step: ReviewStep) -> int:
    from dangjian.meetings.services import leave_deciders
    from dangjian.notifications.outbox import post

    activity = review.activity
    what = f"{activity.date:%m月%d日}{activity.kind_name}“{activity.title}”"
    if review.state == ReviewState.RETURNED:
        title, body = f"会议记录退回补正：{what}", f"审阅意见：{step.comment}\n补正后请在审阅页面提交。"
    else:
        title, body = f"会议记录审阅通过：{what}", step.comment
    return post(
        leave_deciders(activity, 0),
        key=f"review:{review.pk}:{step.pk}",
        title=title,
        body=body,
        url=review.get_absolute_url(),
    )


def _tell_reviewer(review: Review, step: ReviewStep) -> int:
    from dangjian.notifications.outbox import post
    from dangjian.notifications.services import office_accounts

    activity = review.activity
    reviewer = review.started_by
    members = [reviewer.member_id] if reviewer and reviewer.member_id else []
    accounts = [reviewer.pk] if reviewer and not reviewer.member_id else []
    return post(
        members,
        accounts=accounts or ([] if members else office_accounts(activity.org)),
        key=f"review:{review.pk}:{step.pk}",
        title=f"会议记录已补正待复审：{activity.org.name}{activity.date:%m月%d日}{activity.kind_name}",
        body=step.comment,
        url=review.get_absolute_url(),
    )


# ---- what the reviewer reads ----


@dataclass
class Version:
    version: MinutesVersion
    runs: list[tuple[str, str]]  # the change from the version before


def history(activity: Activity) -> list[Version]:
    """Every kept version of the minutes, newest first, each with its change from the one before."""
    found = list(activity.minutes_versions.select_related("saved_by").order_by("number"))
    out, before = [], ""
    for v in found:
        out.append(Version(v, diff(before, v.text)))
        before = v.text
    return out[::-1]


def since_return(review: Review) -> tuple[MinutesVersion | None, list[tuple[str, str]] | None]:
    """After a correction: the minutes as they were when sent back, and the change since; (None, None)
    before anything was sent back."""
    returned = (
        review.steps.filter(action=StepAction.RETURN).select_related("version").order_by("-at", "-id").first()
    )
    if returned is None:
        return None, None
    old = returned.version.text if returned.version else ""
    return returned.version, diff(old, review.activity.minutes)


# ---- the queue the desk proposes ----


@dataclass(frozen=True)
class QueueSettings:
    size: int
    lookback_days: int
    unreviewed_days: int
    unreviewed_per_day: int


@lru_cache(maxsize=1)
def queue_settings() -> QueueSettings:
    raw = tomllib.loads(QUEUE_PATH.read_text(encoding="utf-8")).get("queue", {})
    names = [f for f in QueueSettings.__dataclass_fields__]
    bad = [n for n in names if not isinstance(raw.get(n), int) or isinstance(raw.get(n), bool) or raw[n] <= 0]
    if bad or set(raw) - set(names):
        raise ImproperlyConfigured(
            f"{QUEUE_PATH.name}：[queue] 的 {'、'.join(bad or set(raw) - set(names))} 应为正整数且不多不少。"
        )
    return QueueSettings(**{n: raw[n] for n in names})


@dataclass
class Proposal:
    activity: Activity
    reasons: list[str]


def propose(
    signal_hits: dict[int, list[str]],
    late: dict[int, int],
    stale: list[int],
    size: int,
) -> list[tuple[int, list[str]]]:
    """The queue as (activity id, reasons): activities in a risk signal's evidence first, then those
    recorded late (补录), then one activity of each long-unreviewed branch; each activity once, with every
    reason it has. Pure: the caller reads the facts."""
    reasons: dict[int, list[str]] = {}
    for activity_id, kinds in signal_hits.items():
        reasons.setdefault(activity_id, []).extend(f"风险信号：{k}" for k in kinds)
    for activity_id, days in late.items():
        reasons.setdefault(activity_id, []).append(f"补录：召开后 {days} 天才登记")
    for activity_id in stale:
        reasons.setdefault(activity_id, []).append("所在支部一年多未被审阅，随机抽取")

    def rank(item):
        activity_id, why = item
        return (
            not any(r.startswith("风险信号") for r in why),
            activity_id not in late,
            -len(why),
            -activity_id,
        )

    return sorted(reasons.items(), key=rank)[:size]


def queue(access: Access, as_of: dt.date | None = None) -> list[Proposal]:
    """What the desk proposes to review now, within the user's reviewing scope. Activities with a review
    (finished or not) are not proposed again. The random pick of unreviewed branches is seeded by the day:
    the same all day, another tomorrow."""
    if not access.review_paths:
        raise PermissionDenied("只有党建办（或党总支）可以抽审会议记录。")
    s = queue_settings()
    as_of = as_of or timezone.localdate()
    scope = Activity.objects.filter(
        access.org_q("org__", paths=access.review_paths),
        status=Status.HELD,
        date__gte=as_of - dt.timedelta(days=s.lookback_days),
        date__lte=as_of,
        reviews__isnull=True,
    ).exclude(org__path__in=[] if access.is_office else access.review_paths)
    labels = dict(SignalKind.choices)
    signal_hits: dict[int, list[str]] = {}
    through = Signal.activities.through.objects.filter(
        signal__in=Signal.objects.open(), activity__in=scope.values("pk")
    )
    for activity_id, kind in through.values_list("activity_id", "signal__kind").order_by("-activity_id")[
        : 5 * s.size
    ]:
        if labels[kind] not in signal_hits.get(activity_id, []):
            signal_hits.setdefault(activity_id, []).append(labels[kind])
    late = {
        pk: max((timezone.localdate(rec) - day).days, 0)
        for pk, day, rec in scope.filter(is_late_entry=True)
        .order_by("-date", "-pk")
        .values_list("pk", "date", "recorded_at")[: s.size]
    }
    since = as_of - dt.timedelta(days=s.unreviewed_days)
    reviewed = Review.objects.filter(started_at__date__gte=since).values("activity__org")
    newest = dict(
        scope.exclude(org__in=reviewed)
        .values_list("org")
        .annotate(last=Max("pk"))
        .order_by()
        .values_list("org", "last")
    )
    rng = random.Random(as_of.toordinal())
    picked = rng.sample(sorted(newest), min(s.unreviewed_per_day, len(newest)))
    chosen = propose(signal_hits, late, [newest[o] for o in picked], s.size)
    activities = Activity.objects.select_related("org").in_bulk([pk for pk, _ in chosen])
    return [Proposal(activities[pk], why) for pk, why in chosen if pk in activities]


def home_items(access: Access, rows: int = 10) -> dict:
    """For the home page's to-do: the reviews sent back to the branches this user runs (to correct), and
    for a reviewer those corrected and waiting for them. One query, none for those who run nothing; who
    may act on each is asked only when there is one."""
    if not access.manage:
        return {}
    found = list(
        Review.objects.filter(
            access.org_q("activity__org__", paths=access.manage),
            state__in=(ReviewState.RETURNED, ReviewState.RESUBMITTED),
        )
        .select_related("activity__org")
        .order_by("updated_at")
    )
    returned = [
        r for r in found if r.state == ReviewState.RETURNED and access.can_answer_review(r.activity.org)
    ]
    waiting = [
        r for r in found if r.state == ReviewState.RESUBMITTED and access.can_review_org(r.activity.org)
    ]
    return {"reviews_returned": returned[:rows], "reviews_waiting": waiting[:rows]}
