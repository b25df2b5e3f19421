"""The parameters of the 督查 rounds and the default checklist, read from `data/rounds.toml` once."""

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PATH = Path(__file__).parent.parent / "data" / "rounds.toml"


@dataclass(frozen=True)
class Sampling:
    size: int
    risk_share: float
    signal: float
    unmet: float
    days: float
    days_cap: int


@dataclass(frozen=True)
class RectificationTimes:
    deadline_days: int
    remind_before_days: int
    overdue_every: int


@dataclass(frozen=True)
class ChecklistEntry:
    rule: str
    points: str


@dataclass(frozen=True)
class RoundSettings:
    version: str
    sampling: Sampling
    rectification: RectificationTimes
    checklist: tuple[ChecklistEntry, ...]


def _numbers(cls, data: dict, name: str):
    raw = data.get(name)
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"{PATH.name}：缺少 [{name}] 一节。")
    values = {}
    for field_name, kind in cls.__annotations__.items():
        value = raw.get(field_name)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        if kind == "int" or kind is int:
            ok = ok and isinstance(value, int) and value > 0
        if not ok:
            raise ImproperlyConfigured(f"{PATH.name}：[{name}] {field_name} 的值“{value}”不正确。")
        values[field_name] = value
    unknown = set(raw) - set(values)
    if unknown:
        raise ImproperlyConfigured(f"{PATH.name}：[{name}] 有未知的设置 {', '.join(sorted(unknown))}。")
    return cls(**values)


def _check(found: "RoundSettings") -> "RoundSettings":
    if found.sampling.risk_share > 1:
        raise ImproperlyConfigured(f"{PATH.name}：[sampling] risk_share 应在 0 到 1 之间。")
    return found


def parse(text: str, rule_codes: set[str]) -> RoundSettings:
    data = tomllib.loads(text)
    entries = []
    for i, raw in enumerate(data.get("checklist", []), start=1):
        rule, points = raw.get("rule"), raw.get("points")
        if rule not in rule_codes:
            raise ImproperlyConfigured(f"{PATH.name}：第 {i} 个检查项的 rule“{rule}”不是规则文件中的条目。")
        if not isinstance(points, str) or not points.strip():
            raise ImproperlyConfigured(f"{PATH.name}：第 {i} 个检查项缺少 points（检查要点）。")
        entries.append(ChecklistEntry(rule, points.strip()))
    if not entries:
        raise ImproperlyConfigured(f"{PATH.name}：默认检查清单（[[checklist]]）是空的。")
    return _check(
        RoundSettings(
            version=str(data.get("version", "")),
            sampling=_numbers(Sampling, data, "sampling"),
            rectification=_numbers(RectificationTimes, data, "rectification"),
            checklist=tuple(entries),
        )
    )


@lru_cache(maxsize=1)
def current() -> RoundSettings:
    from dangjian.rulebook import rulebook

    return parse(PATH.read_text(encoding="utf-8"), set(rulebook.current().items))
