"""The rules of organisational life as data: the notice's 附件1 table, plus optional local rules.

`current()` gives the rulebook in force. A deployment adds stricter or extra local rules with files
named in the RULES_FILES setting: an item with an existing code overrides the fields it names
(e.g. a stricter `frequency`), a new code adds an item. Every verdict records `Rulebook.version`.
"""

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_FILE = Path(__file__).parent / "data" / "notice-2020-55.toml"
PERIODS = ("month", "quarter", "year", "none")
APPLIES_TO = ("branch", "branch_with_committee", "group")
MEDIA = ("document", "image")


@dataclass(frozen=True)
class RecordKind:
    code: str
    name: str
    media: str = "document"


@dataclass(frozen=True)
class Frequency:
    period: str  # month | quarter | year | none (as needed)
    min: int
    text: str  # the notice's own words, e.g. "1月/次"
    per: str = ""  # e.g. "secretary_with_each_member": the count is per pairing, not per organisation
    threshold_source: str = ""  # where the concrete number comes from when the notice is loose


@dataclass(frozen=True)
class Stage:
    code: str
    name: str
    content: str
    records: tuple[str, ...]


@dataclass(frozen=True)
class Quorum:
    present_over: float
    pass_over: float
    of: str
    source: str


@dataclass(frozen=True)
class GivenBy:
    """At least `min` of the counted activities a year led by the holder of `title` (the 书记's 党课)."""

    title: str
    min: int
    text: str
    source: str


@dataclass(frozen=True)
class Threshold:
    """A concrete number for a rule the notice leaves open ("依规", "-"), with where it comes from."""

    text: str
    source: str


@dataclass(frozen=True)
class Item:
    code: str
    seq: int
    group: str
    name: str
    content: str
    applies_to: str
    frequency: Frequency
    records: tuple[str, ...]
    source: str
    activity: bool = False  # recorded as an activity (组织生活) rather than by another module
    leaders: tuple[str, ...] = ()  # position titles that may lead it; empty: anyone the branch names
    # Of `leaders`, the titles that also count when held in an organisation above (党总支, 镇党委).
    leaders_above: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = ()
    parts: tuple[str, ...] = ()
    note: str = ""
    quorum: Quorum | None = None
    local: bool = False  # added or changed by a local rules file
    verb: str = "召开"  # how a to-do says it: 召开支部党员大会, 讲党课, 开展主题党日
    effective_from: dt.date | None = None  # periods starting before it are not checked (local rules)
    given_by: GivenBy | None = None
    thresholds: tuple[Threshold, ...] = ()
    unchecked: str = ""  # why the platform cannot check the thresholds yet


@dataclass(frozen=True)
class Rulebook:
    version: str
    title: str
    source: str
    record_kinds: dict[str, RecordKind]
    items: dict[str, Item] = field(default_factory=dict)

    def item(self, code: str) -> Item:
        return self.items[code]

    def activity_items(self) -> list[Item]:
        return [i for i in self.items.values() if i.activity]

    def activity_choices(self) -> list[tuple[str, str]]:
        return [(i.code, i.name) for i in self.activity_items()]

    def record_name(self, code: str) -> str:
        return self.record_kinds[code].name


def _fail(path: Path, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"规则文件 {path} 有误：{message}")


def _item(path: Path, data: dict, kinds: dict[str, RecordKind], local: bool) -> Item:
    code = data.get("code", "?")
    try:
        freq = Frequency(**data["frequency"])
        stages = tuple(
            Stage(s["code"], s["name"], s.get("content", ""), tuple(s.get("records", ())))
            for s in data.get("stages", ())
        )
        item = Item(
            code=code,
            seq=int(data["seq"]),
            group=data["group"],
            name=data["name"],
            content=data.get("content", ""),
            applies_to=data["applies_to"],
            frequency=freq,
            records=tuple(data["records"]),
            source=data["source"],
            activity=bool(data.get("activity", False)),
            leaders=tuple(data.get("leaders", ())),
            leaders_above=tuple(data.get("leaders_above", ())),
            stages=stages,
            parts=tuple(data.get("parts", ())),
            note=data.get("note", ""),
            quorum=Quorum(**data["quorum"]) if "quorum" in data else None,
            local=local,
            verb=data.get("verb", "召开"),
            effective_from=data.get("effective_from"),
            given_by=GivenBy(**data["given_by"]) if "given_by" in data else None,
            thresholds=tuple(Threshold(**t) for t in data.get("thresholds", ())),
            unchecked=data.get("unchecked", ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(path, f"条目 {code} 缺少或写错了字段（{exc}）") from exc
    if item.effective_from is not None and type(item.effective_from) is not dt.date:
        raise _fail(path, f"条目 {code} 的 effective_from 应为日期，如 2026-01-01")
    if freq.period not in PERIODS:
        raise _fail(path, f"条目 {code} 的 frequency.period 应为 {PERIODS} 之一")
    if freq.min < 0 or (freq.period != "none" and freq.min < 1):
        raise _fail(path, f"条目 {code} 的 frequency.min 应为正整数")
    if not set(item.leaders_above) <= set(item.leaders):
        raise _fail(path, f"条目 {code} 的 leaders_above 应为 leaders 中的职务")
    if item.applies_to not in APPLIES_TO:
        raise _fail(path, f"条目 {code} 的 applies_to 应为 {APPLIES_TO} 之一")
    if not item.source.strip():
        raise _fail(path, f"条目 {code} 必须写明出处 source")
    unknown = [r for r in item.records + tuple(r for s in stages for r in s.records) if r not in kinds]
    if unknown:
        raise _fail(path, f"条目 {code} 引用了未定义的记录类型 {unknown}")
    return item


def parse(paths: list[Path]) -> Rulebook:
    base_path, *local_paths = paths
    try:
        base = tomllib.loads(base_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _fail(base_path, str(exc)) from exc
    kinds = {
        k["code"]: RecordKind(k["code"], k["name"], k.get("media", "document")) for k in base["record_kinds"]
    }
    raw_items = {d["code"]: d for d in base["items"]}
    if len(raw_items) != len(base["items"]):
        raise _fail(base_path, "条目代码 code 重复")
    versions = [str(base["version"])]
    local_codes: set[str] = set()
    for path in local_paths:
        try:
            extra = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise _fail(path, str(exc)) from exc
        if "version" not in extra:
            raise _fail(path, "本地规则文件必须写明 version")
        versions.append(str(extra["version"]))
        for k in extra.get("record_kinds", ()):
            kinds[k["code"]] = RecordKind(k["code"], k["name"], k.get("media", "document"))
        for d in extra.get("items", ()):
            merged = {**raw_items.get(d["code"], {}), **d}
            if "frequency" in d and d["code"] in raw_items:
                merged["frequency"] = {**raw_items[d["code"]]["frequency"], **d["frequency"]}
            raw_items[d["code"]] = merged
            local_codes.add(d["code"])
    for kind in kinds.values():
        if kind.media not in MEDIA:
            raise _fail(base_path, f"记录类型 {kind.code} 的 media 应为 {MEDIA} 之一")
    items = {
        code: _item(local_paths[-1] if code in local_codes else base_path, d, kinds, code in local_codes)
        for code, d in raw_items.items()
    }
    return Rulebook(
        version="+".join(versions),
        title=base["title"],
        source=base["source"],
        record_kinds=kinds,
        items=items,
    )


@cache
def _load(paths: tuple[str, ...]) -> Rulebook:
    return parse([Path(p) for p in paths])


def current() -> Rulebook:
    """The rulebook in force: the notice's table plus the files named in settings.RULES_FILES."""
    return _load((str(DEFAULT_FILE), *getattr(settings, "RULES_FILES", ())))
