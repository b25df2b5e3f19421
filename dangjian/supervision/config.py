"""The thresholds of the risk signals, read from `data/signals.toml` and checked once at start."""

import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PATH = Path(__file__).parent / "data" / "signals.toml"


@dataclass(frozen=True)
class CopiedMinutes:
    similarity: float  # 0-100, rapidfuzz ratio
    min_chars: int
    shingle: int
    num_perm: int
    lsh_threshold: float  # 0-1, estimated Jaccard of the shingle sets


@dataclass(frozen=True)
class LateEntry:
    share: float  # percent
    min_count: int


@dataclass(frozen=True)
class ImpossibleAttendance:
    signin_before_minutes: int
    signin_after_minutes: int
    perfect_min_expected: int  # a "large" branch: at least this many members expected at each activity
    perfect_min_activities: int  # at least this many such activities in the year, every one at 100 %
    perfect_kinds: tuple[str, ...]  # whole-branch activities (all members expected)


@dataclass(frozen=True)
class Bunching:
    same_day_kinds: int
    month_end_days: int
    month_end_kinds: int
    min_months: int


@dataclass(frozen=True)
class ThinContent:
    min_minutes_chars: int
    lecture_kind: str
    lecture_script: str
    repeat_min: int
    repeat_kinds: tuple[str, ...]


@dataclass(frozen=True)
class ReusedPhotos:
    max_distance: int  # bits of the 64-bit perceptual hash
    exif_max_days: int  # days between the photo's EXIF date and the activity's date


@dataclass(frozen=True)
class Thresholds:
    version: str
    copied_minutes: CopiedMinutes
    late_entry: LateEntry
    impossible_attendance: ImpossibleAttendance
    bunching: Bunching
    thin_content: ThinContent
    reused_photos: ReusedPhotos


def _section(cls, data: dict, name: str):
    raw = data.get(name)
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"{PATH.name}：缺少 [{name}] 一节。")
    values = {}
    for f in fields(cls):
        if f.name not in raw:
            raise ImproperlyConfigured(f"{PATH.name}：[{name}] 缺少 {f.name}。")
        value = raw[f.name]
        kind = f.type
        if kind == tuple[str, ...]:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            value = tuple(value) if ok else value
        elif kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        else:
            ok = isinstance(value, str) and bool(value)
        if not ok:
            raise ImproperlyConfigured(f"{PATH.name}：[{name}] {f.name} 的值“{value}”不正确。")
        values[f.name] = value
    unknown = set(raw) - set(values)
    if unknown:
        raise ImproperlyConfigured(f"{PATH.name}：[{name}] 有未知的设置 {', '.join(sorted(unknown))}。")
    return cls(**values)


def parse(text: str) -> Thresholds:
    data = tomllib.loads(text)
    found = Thresholds(
        version=str(data.get("version", "")),
        copied_minutes=_section(CopiedMinutes, data, "copied_minutes"),
        late_entry=_section(LateEntry, data, "late_entry"),
        impossible_attendance=_section(ImpossibleAttendance, data, "impossible_attendance"),
        bunching=_section(Bunching, data, "bunching"),
        thin_content=_section(ThinContent, data, "thin_content"),
        reused_photos=_section(ReusedPhotos, data, "reused_photos"),
    )
    if not 0 < found.copied_minutes.similarity <= 100 or not 0 < found.copied_minutes.lsh_threshold < 1:
        raise ImproperlyConfigured(f"{PATH.name}：similarity 应在 0–100 之间，lsh_threshold 应在 0–1 之间。")
    if found.copied_minutes.lsh_threshold > found.copied_minutes.similarity / 100:
        raise ImproperlyConfigured(
            f"{PATH.name}：lsh_threshold 应低于 similarity/100，否则会漏掉雷同的记录。"
        )
    return found


@lru_cache(maxsize=1)
def current() -> Thresholds:
    return parse(PATH.read_text(encoding="utf-8"))
