"""The risk signals (走过场) as pure functions: facts and thresholds in, findings out. No database here.

Each finding names what was found in a Chinese sentence, the activities that are its evidence, the
measure and the threshold it was compared with, and a fingerprint that stays the same when the signals
are computed again, so a dismissal sticks to it."""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from .choices import SignalKind
from .config import Thresholds
from .facts import ActivityFact, Facts
from .text import candidate_pairs, similarity


@dataclass(frozen=True)
class Finding:
    kind: str
    branch_id: int
    period: str  # the year, e.g. "2026"
    fingerprint: str
    summary: str
    measure: float
    threshold: float
    activity_ids: tuple[int, ...]
    details: dict = field(default_factory=dict, compare=False)


def _day(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y年%-m月%-d日 %H:%M}"


def _later(a: ActivityFact, b: ActivityFact) -> tuple[ActivityFact, ActivityFact]:
    """(earlier, later): the later one is the suspect copy or entry."""
    return (a, b) if (a.date, a.id) <= (b.date, b.id) else (b, a)


def copied_minutes(facts: Facts, t: Thresholds) -> Iterable[Finding]:
    rule = t.copied_minutes
    texts = {a.id: a.text for a in facts.activities.values() if len(a.text) >= rule.min_chars}
    # A copy is reported once, against its most similar earlier text (four copies of one source make
    # four signals, not the ten pairs among them).
    best: dict[int, tuple[float, int]] = {}
    for x, y in candidate_pairs(texts, rule.shingle, rule.num_perm, rule.lsh_threshold):
        score = similarity(texts[x], texts[y])
        if score < rule.similarity:
            continue
        first, copy = _later(facts.activities[x], facts.activities[y])
        if copy.id not in best or (score, -first.id) > (best[copy.id][0], -best[copy.id][1]):
            best[copy.id] = (score, first.id)
    for copy_id, (score, first_id) in sorted(best.items()):
        first, copy = facts.activities[first_id], facts.activities[copy_id]
        where = "本支部" if first.branch_id == copy.branch_id else "另一支部"
        yield Finding(
            SignalKind.COPIED_MINUTES,
            copy.branch_id,
            str(copy.date.year),
            f"copied_minutes:{copy.id}",
            f"{copy.date:%Y-%m-%d}“{copy.title}”的会议记录与{where}{first.date:%Y-%m-%d}“{first.title}”"
            f"的会议记录相似度 {score:g}%（阈值 {rule.similarity:g}%）。",
            score,
            rule.similarity,
            (first.id, copy.id),
            {"other_branch_id": first.branch_id},
        )


def late_entry(facts: Facts, t: Thresholds) -> Iterable[Finding]:
    rule = t.late_entry
    held: dict[tuple[int, int], list[ActivityFact]] = defaultdict(list)
    for a in facts.activities.values():
        held[a.branch_id, a.date.year].append(a)
    for (branch, year), found in sorted(held.items()):
        late = sorted((a for a in found if a.late), key=lambda a: (a.date, a.id))
        share = round(100 * len(late) / len(found), 1)
        if len(late) < rule.min_count or share < rule.share:
            continue
        delay_of = {a.id: (timezone.localdate(a.recorded_at) - a.date).days for a in late if a.recorded_at}
        delays = list(delay_of.values())
        average = round(sum(delays) / len(delays)) if delays else 0
        yield Finding(
            SignalKind.LATE_ENTRY,
            branch,
            str(year),
            f"late_entry:{branch}:{year}",
            f"{year}年已召开的 {len(found)} 项活动中 {len(late)} 项为补录，"
            f"占 {share:g}%（阈值 {rule.share:g}%），"
            f"平均在活动后 {average} 天、最迟 {max(delays, default=0)} 天才登记。",
            share,
            rule.share,
            tuple(a.id for a in late),
            {"delays": {str(k): v for k, v in delay_of.items()}},
        )


def impossible_attendance(facts: Facts, t: Thresholds) -> Iterable[Finding]:
    rule = t.impossible_attendance
    acts = facts.activities
    # Overlapping activities in different places: per member, a sweep over their activities by start time.
    by_member: dict[int, list[ActivityFact]] = defaultdict(list)
    for p in facts.presences:
        by_member[p.member_id].append(acts[p.activity_id])
    clashes: dict[tuple[int, int], list[int]] = defaultdict(list)
    for member, attended in by_member.items():
        attended.sort(key=lambda a: (a.start, a.id))
        for i, a in enumerate(attended):
            for b in attended[i + 1 :]:
                if b.start >= a.end:  # touching (one ends as the other starts) is possible
                    break
                if a.place and b.place and a.place != b.place:
                    clashes[min(a.id, b.id), max(a.id, b.id)].append(member)
    for (x, y), members in sorted(clashes.items()):
        first, second = _later(acts[x], acts[y])
        yield Finding(
            SignalKind.IMPOSSIBLE_ATTENDANCE,
            second.branch_id,
            str(second.date.year),
            f"impossible_attendance:overlap:{x}:{y}",
            f"{len(members)} 名党员同时被记为出席两项时间重叠、地点不同的活动："
            f"“{first.title}”（{_day(first.start)}，{first.place}）与“{second.title}”"
            f"（{_day(second.start)}，{second.place}）。",
            len(members),
            1,
            (first.id, second.id),
            {"members": sorted(members), "reason": "overlap"},
        )
    # Present while on approved leave, after leaving the party, or signed in outside the activity's window.
    odd: dict[tuple[int, str], list[int]] = defaultdict(list)
    before = dt.timedelta(minutes=rule.signin_before_minutes)
    after = dt.timedelta(minutes=rule.signin_after_minutes)
    for p in facts.presences:
        a = acts[p.activity_id]
        if p.on_leave:
            odd[a.id, "leave"].append(p.member_id)
        left = facts.departed.get(p.member_id)
        if left is not None and a.date > left:
            odd[a.id, "departed"].append(p.member_id)
        if p.method == "qr" and p.entered_at and not a.start - before <= p.entered_at <= a.end + after:
            odd[a.id, "signin"].append(p.member_id)
    sentences = {
        "leave": "{n} 名党员请假已获批准，却又被记为出席",
        "departed": "{n} 名已出党或去世的党员被记为出席",
        "signin": f"{{n}} 名党员的扫码签到时间在活动开始前 {rule.signin_before_minutes} 分钟至"
        f"结束后 {rule.signin_after_minutes} 分钟之外",
    }
    for (activity, reason), members in sorted(odd.items()):
        a = acts[activity]
        yield Finding(
            SignalKind.IMPOSSIBLE_ATTENDANCE,
            a.branch_id,
            str(a.date.year),
            f"impossible_attendance:{reason}:{activity}",
            sentences[reason].format(n=len(members)) + f"：{a.date:%Y-%m-%d}“{a.title}”。",
            len(members),
            1,
            (activity,),
            {"members": sorted(members), "reason": reason},
        )

    yield from _perfect_attendance(facts, rule)


def _perfect_attendance(facts: Facts, rule) -> Iterable[Finding]:
    """A large branch whose every whole-branch activity of a year had everyone expected present."""
    by_year: dict[tuple[int, int], list[ActivityFact]] = defaultdict(list)
    for a in facts.activities.values():
        if a.kind in rule.perfect_kinds and facts.turnout.get(a.id, (0, 0))[0] >= rule.perfect_min_expected:
            by_year[a.branch_id, a.date.year].append(a)
    for (branch, year), found in sorted(by_year.items()):
        if len(found) < rule.perfect_min_activities:
            continue
        if any(facts.turnout[a.id][1] < facts.turnout[a.id][0] for a in found):
            continue
        found.sort(key=lambda a: (a.date, a.id))
        smallest = min(facts.turnout[a.id][0] for a in found)
        yield Finding(
            SignalKind.IMPOSSIBLE_ATTENDANCE,
            branch,
            str(year),
            f"impossible_attendance:perfect:{branch}:{year}",
            f"{year}年 {len(found)} 次全体党员应参加的活动（每次应到至少 {smallest} 人）次次 100% 出席，"
            "没有一人请假或缺席。",
            len(found),
            rule.perfect_min_activities,
            tuple(a.id for a in found),
            {"reason": "perfect"},
        )


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _month_end(day: dt.date, days: int) -> bool:
    next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (next_month - day).days <= days


def bunching(facts: Facts, t: Thresholds) -> Iterable[Finding]:
    rule = t.bunching
    by_month: dict[tuple[int, int], dict[tuple[int, int], list[ActivityFact]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for a in facts.activities.values():
        by_month[a.branch_id, a.date.year][a.date.month, a.date.day].append(a)
    for (branch, year), days in sorted(by_month.items()):
        bunched: dict[int, list[ActivityFact]] = {}
        for month in sorted({m for m, _ in days}):
            in_month = {d: found for (m, d), found in days.items() if m == month}
            crowded = [
                found for found in in_month.values() if len({a.kind for a in found}) >= rule.same_day_kinds
            ]
            end = [a for found in in_month.values() for a in found if _month_end(a.date, rule.month_end_days)]
            if len({a.kind for a in end}) >= rule.month_end_kinds:
                crowded.append(end)
            if crowded:
                bunched[month] = sorted({a for c in crowded for a in c}, key=lambda a: (a.start, a.id))
        if len(bunched) < rule.min_months:
            continue
        months = "、".join(f"{m}月" for m in bunched)
        yield Finding(
            SignalKind.BUNCHING,
            branch,
            str(year),
            f"bunching:{branch}:{year}",
            f"{year}年有 {len(bunched)} 个月（{months}）把多种活动集中在同一天"
            f"或月末最后 {rule.month_end_days} 天开展（阈值 {rule.min_months} 个月）。",
            len(bunched),
            rule.min_months,
            tuple(a.id for found in bunched.values() for a in found),
            {"months": sorted(bunched)},
        )


def thin_content(facts: Facts, t: Thresholds) -> Iterable[Finding]:
    rule = t.thin_content
    themes: dict[tuple[int, int, str, str], list[ActivityFact]] = defaultdict(list)
    for a in sorted(facts.activities.values(), key=lambda a: (a.date, a.id)):
        period = str(a.date.year)
        length = len(a.text.replace(" ", ""))
        if 0 < length < rule.min_minutes_chars:
            yield Finding(
                SignalKind.THIN_CONTENT,
                a.branch_id,
                period,
                f"thin_content:short:{a.id}",
                f"{a.date:%Y-%m-%d}“{a.title}”的会议记录只有 {length} 字"
                f"（阈值 {rule.min_minutes_chars} 字）。",
                length,
                rule.min_minutes_chars,
                (a.id,),
                {"reason": "short"},
            )
        if a.kind == rule.lecture_kind and a.id not in facts.lecture_scripts:
            yield Finding(
                SignalKind.THIN_CONTENT,
                a.branch_id,
                period,
                f"thin_content:no_script:{a.id}",
                f"{a.date:%Y-%m-%d}党课“{a.title}”没有党课稿。",
                0,
                1,
                (a.id,),
                {"reason": "no_script"},
            )
        if a.kind in rule.repeat_kinds and a.title:
            themes[a.branch_id, a.date.year, a.kind, a.title].append(a)
    for (branch, year, kind, title), found in sorted(themes.items()):
        if len(found) < rule.repeat_min:
            continue
        yield Finding(
            SignalKind.THIN_CONTENT,
            branch,
            str(year),
            f"thin_content:repeat:{branch}:{year}:{kind}:{_digest(title)}",
            f"{year}年同一类活动以同一主题“{title}”开展了 {len(found)} 次（阈值 {rule.repeat_min} 次）。",
            len(found),
            rule.repeat_min,
            tuple(a.id for a in found),
            {"reason": "repeat", "activity_kind": kind},
        )


def reused_photos(facts: Facts, t: Thresholds) -> Iterable[Finding]:
    """Photos of two different activities whose perceptual hashes differ in at most `max_distance` bits.

    Blocking by the pigeonhole principle: cut the 64 bits into max_distance + 1 pieces; two hashes that
    close agree on at least one piece, so only photos sharing a piece are compared."""
    limit = t.reused_photos.max_distance
    pieces = limit + 1
    bounds = [(64 * i // pieces, 64 * (i + 1) // pieces) for i in range(pieces)]
    buckets: dict[tuple[int, int], list] = defaultdict(list)
    for photo in facts.photos:
        for i, (lo, hi) in enumerate(bounds):
            buckets[i, (photo.phash >> lo) & ((1 << (hi - lo)) - 1)].append(photo)
    best: dict[int, tuple[int, int, int]] = {}  # later record -> (distance, earlier record, its activity)
    acts = facts.activities
    for bucket in buckets.values():
        for i, x in enumerate(bucket):
            for y in bucket[i + 1 :]:
                if x.activity_id == y.activity_id:
                    continue
                distance = (x.phash ^ y.phash).bit_count()
                if distance > limit:
                    continue
                (first, first_act), (later, later_act) = sorted(
                    [(x, acts[x.activity_id]), (y, acts[y.activity_id])],
                    key=lambda pair: (pair[1].date, pair[1].id, pair[0].record_id),
                )
                known = best.get(later.record_id)
                if known is None or (distance, first.record_id) < known[:2]:
                    best[later.record_id] = (distance, first.record_id, first_act.id)
    by_record = {p.record_id: p for p in facts.photos}
    for record_id, (distance, first_record, first_id) in sorted(best.items()):
        first, later = acts[first_id], acts[by_record[record_id].activity_id]
        where = "本支部" if first.branch_id == later.branch_id else "另一支部"
        same = "完全相同" if distance == 0 else f"几乎相同（感知哈希相差 {distance} 位）"
        yield Finding(
            SignalKind.REUSED_PHOTOS,
            later.branch_id,
            str(later.date.year),
            f"reused_photos:{record_id}",
            f"{later.date:%Y-%m-%d}“{later.title}”的照片与{where}{first.date:%Y-%m-%d}“{first.title}”"
            f"的照片{same}（阈值 {limit} 位）。",
            distance,
            limit,
            (first.id, later.id),
            {"records": [first_record, record_id]},
        )

    # A photo whose camera date is far from the activity's: probably another event's photo.
    days = t.reused_photos.exif_max_days
    for p in facts.taken:
        a = acts.get(p.activity_id)
        if a is None or abs((p.taken_on - a.date).days) <= days:
            continue
        gap = abs((p.taken_on - a.date).days)
        yield Finding(
            SignalKind.REUSED_PHOTOS,
            a.branch_id,
            str(a.date.year),
            f"reused_photos:exif:{p.record_id}",
            f"{a.date:%Y-%m-%d}“{a.title}”的照片拍摄于 {p.taken_on:%Y-%m-%d}（照片自带的拍摄日期），"
            f"与活动日期相差 {gap} 天。",
            gap,
            days,
            (a.id,),
            {"records": [p.record_id], "reason": "exif_date"},
        )


DETECTORS: dict[str, Callable[[Facts, Thresholds], Iterable[Finding]]] = {
    SignalKind.COPIED_MINUTES: copied_minutes,
    SignalKind.LATE_ENTRY: late_entry,
    SignalKind.IMPOSSIBLE_ATTENDANCE: impossible_attendance,
    SignalKind.BUNCHING: bunching,
    SignalKind.THIN_CONTENT: thin_content,
    SignalKind.REUSED_PHOTOS: reused_photos,
}


def findings(facts: Facts, thresholds: Thresholds) -> list[Finding]:
    """Every signal found in the facts, in order of priority."""
    return [f for detect in DETECTORS.values() for f in detect(facts, thresholds)]
