"""What the pages, the API, the command and the task ask of supervision: compute and store the signals,
the signals a user may see, filters and counts, a dismissal, a signal's evidence side by side."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from dangjian.accounts.access import Access
from dangjian.core.validators import control_problem
from dangjian.meetings.models import Activity, Attendance, Record
from dangjian.members.models import Member

from . import config, engine, facts, photos, uploaded
from .choices import SignalKind
from .models import Signal
from .text import plain, shared_parts

REASON_MAX = 500


@dataclass
class Computed:
    found: int
    created: int
    gone: int
    by_kind: Counter


def compute(now: dt.datetime | None = None) -> Computed:
    """Read the facts, run every detector, store the findings: new ones added, known ones refreshed
    (dismissals kept), ones no longer found marked not current."""
    now = now or timezone.now()
    thresholds = config.current()
    photos.hash_missing()
    uploaded.extract_missing()
    found = {f.fingerprint: f for f in engine.findings(facts.read(thresholds), thresholds)}
    with transaction.atomic():
        known = {s.fingerprint: s for s in Signal.objects.select_for_update()}
        links = defaultdict(set)
        through = Signal.activities.through
        for signal_id, activity_id in through.objects.values_list("signal_id", "activity_id"):
            links[signal_id].add(activity_id)
        fresh, changed, relink = [], [], []
        for fp, f in found.items():
            signal = known.get(fp)
            if signal is None:
                signal = Signal(fingerprint=fp, kind=f.kind)
                fresh.append((signal, f))
            elif set(f.activity_ids) != links[signal.pk]:
                relink.append((signal, f))
            signal.org_id, signal.period, signal.summary = f.branch_id, f.period, f.summary
            signal.measure, signal.threshold, signal.details = f.measure, f.threshold, f.details
            signal.current, signal.computed_at = True, now
            if signal.pk:
                changed.append(signal)
        gone = [s for fp, s in known.items() if fp not in found and s.current]
        for s in gone:
            s.current = False
        fields = ["org", "period", "summary", "measure", "threshold", "details", "current", "computed_at"]
        Signal.objects.bulk_update(changed + gone, fields, batch_size=1000)
        Signal.objects.bulk_create([s for s, _ in fresh], batch_size=1000)
        through.objects.filter(signal_id__in=[s.pk for s, _ in relink]).delete()
        through.objects.bulk_create(
            [through(signal_id=s.pk, activity_id=a) for s, f in fresh + relink for a in f.activity_ids],
            batch_size=5000,
            ignore_conflicts=True,
        )
    return Computed(len(found), len(fresh), len(gone), Counter(f.kind for f in found.values()))


def visible(access: Access) -> QuerySet[Signal]:
    """The signals this user may read: none for a branch or a member (see `Access.signal_paths`)."""
    paths = access.signal_paths
    if not paths:
        raise PermissionDenied("只有党建办、上级党委和党总支可以查看风险信号。")
    return Signal.objects.filter(access.org_q("org__", paths=paths)).select_related("org", "dismissed_by")


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    org: str = ""  # a branch's code
    period: str = ""  # a year
    state: str = "open"  # open | dismissed

    @classmethod
    def parse(cls, data) -> "Filters":
        """Forgiving: an unknown value is dropped, never an error."""
        kind = data.get("kind", "")
        period = data.get("period", "")
        state = data.get("state", "open")
        return cls(
            kind=kind if kind in SignalKind.values else "",
            org=str(data.get("org", ""))[:64],
            period=period if period.isascii() and period.isdigit() and len(period) == 4 else "",
            state=state if state in ("open", "dismissed") else "open",
        )


def filtered(signals: QuerySet[Signal], f: Filters) -> QuerySet[Signal]:
    signals = signals.dismissed() if f.state == "dismissed" else signals.open()
    if f.org:
        signals = signals.filter(org__code=f.org)
    if f.period:
        signals = signals.filter(period=f.period)
    if f.kind:
        signals = signals.filter(kind=f.kind)
    return signals


def counts_by_kind(signals: QuerySet[Signal]) -> dict[str, int]:
    """Open signals per kind, every kind present (zeros included), in order of priority."""
    found = dict(signals.open().values_list("kind").annotate(n=Count("pk")).order_by())
    return {kind: found.get(kind, 0) for kind in SignalKind.values}


def dismiss(signal: Signal, user, reason: str, access: Access) -> Signal:
    if not access.can_dismiss_signal(signal.org):
        raise PermissionDenied("只有党建办可以排除风险信号。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请写明排除理由（例如：已核实，两次会议确为联合召开）。")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"排除理由最多 {REASON_MAX} 字，请精简后再提交。")
    if problem := control_problem(reason, multiline=True):
        raise ValidationError(f"排除理由{problem}")
    if signal.is_dismissed:
        raise ValidationError("该信号已被排除，无需重复操作。")
    signal.dismissed_at, signal.dismissed_by, signal.dismiss_reason = timezone.now(), user, reason
    signal.save(update_fields=["dismissed_at", "dismissed_by", "dismiss_reason"])
    return signal


@dataclass
class Evidence:
    activity: Activity
    text: str
    runs: list[tuple[str, bool]]  # the minutes cut into (piece, shared with the other side)
    members: list[str]  # the members concerned by the signal who were recorded at this activity
    photos: list[Record]  # the photos concerned by the signal, of this activity
    withheld: bool = False  # an activity of an organisation the reader may not see: its contents left out


def _withhold(e: Evidence) -> Evidence:
    return Evidence(e.activity, "", [], [], [], withheld=True)


def evidence(signal: Signal, access: Access | None = None) -> list[Evidence]:
    """The signal's activities side by side (oldest first), with the shared parts of copied minutes marked
    and the names of the members concerned. Given the reader's `access`, the other side of a signal that
    lies outside what they read (a 党总支's branch copying another 党总支's) shows only where it is."""
    activities = list(signal.activities.select_related("org").order_by("date", "pk"))
    files = defaultdict(list)
    for activity_id, text in (
        Record.objects.kept()
        .filter(activity__in=activities, kind=uploaded.MINUTES_KIND, extracted__isnull=False)
        .order_by("pk")
        .values_list("activity_id", "extracted__text")
    ):
        files[activity_id].append(" ".join(text.split()))
    texts = [" ".join([plain(a.minutes), *files[a.pk]]).strip() for a in activities]
    runs: list[list[tuple[str, bool]]] = [[(t, False)] if t else [] for t in texts]
    if signal.kind == SignalKind.COPIED_MINUTES and len(activities) == 2:
        runs[0], runs[1] = shared_parts(texts[0], texts[1])
    member_ids = signal.details.get("members", [])
    names = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "name"))
    present = defaultdict(list)
    for activity_id, member_id in Attendance.objects.filter(
        activity__in=activities, member_id__in=member_ids
    ).values_list("activity_id", "member_id"):
        present[activity_id].append(names.get(member_id, ""))
    photos = defaultdict(list)
    for record in Record.objects.filter(pk__in=signal.details.get("records", [])):
        photos[record.activity_id].append(record)
    found = [
        Evidence(a, t, r, sorted(present[a.pk]), photos[a.pk])
        for a, t, r in zip(activities, texts, runs, strict=True)
    ]
    if access is None:
        return found
    paths = access.signal_paths
    return [e if any(e.activity.org.path.startswith(p) for p in paths) else _withhold(e) for e in found]
