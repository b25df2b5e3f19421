"""考核方案 as data: a toml text parsed into a `Scheme` and checked (weights, grades, vetoes) before use.

The default is `data/scheme.toml`; the office may publish its own text for a year (models.SchemeVersion).
Nothing here touches the database.
"""

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEFAULT_PATH = Path(__file__).parent / "data" / "scheme.toml"
KINDS = {
    "verdicts": "合规结论（按期达标的比例）",
    "findings": "督查发现",
    "survey": "满意度测评",
    "office": "党建办评定",
    "adjust": "加分/扣分",
}
FINDING_RESULTS = ("conforming", "partly", "nonconforming")


class SchemeError(ValueError):
    """The scheme text is not usable; `problems` says each thing to fix, in Chinese."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Grade:
    code: str
    name: str
    min: float


@dataclass(frozen=True)
class Indicator:
    code: str
    area: str
    name: str
    kind: str
    weight: float
    source: str
    rules: tuple[str, ...] = ()
    partial: float = 0.0
    deduct: dict[str, float] = field(default_factory=dict)
    rectified: float = 1.0
    min_answers: int = 1
    max_bonus: float = 0.0
    max_deduct: float = 0.0


@dataclass(frozen=True)
class Veto:
    code: str
    name: str
    rule: str
    status: str
    grade: str
    source: str


@dataclass(frozen=True)
class Scheme:
    name: str
    total: float
    source: str
    grades: tuple[Grade, ...]
    indicators: tuple[Indicator, ...]
    vetoes: tuple[Veto, ...]
    objection_days: int
    objection_remind_days: int = 3

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    def grade_for(self, score: float, capped: str | None = None) -> Grade:
        """The grade of a score (percent), no better than `capped` (a veto's grade) if given."""
        found = next(g for g in self.grades if score >= g.min)
        if capped:
            order = [g.code for g in self.grades]
            if order.index(found.code) < order.index(capped):
                return self.grades[order.index(capped)]
        return found


def _number(value, where: str, problems: list[str], minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        problems.append(f"{where}应为不小于 {minimum} 的数字")
        return 0.0
    return float(value)


def _text(raw: dict, key: str, where: str, problems: list[str]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}缺少 {key}（文字）")
        return ""
    return value.strip()


def parse(text: str, rule_codes: set[str] | None = None) -> Scheme:
    """The scheme of a toml text, or SchemeError naming every problem. `rule_codes` are the rulebook's
    codes a verdicts indicator or a veto may name (unchecked when None)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError([f"不是有效的 TOML：{exc}"]) from exc
    problems: list[str] = []
    name = _text(data, "name", "方案", problems)
    source = _text(data, "source", "方案", problems)
    total = _number(data.get("total"), "方案的 total（满分）", problems, minimum=1)

    grades = []
    for n, raw in enumerate(data.get("grades") or [], 1):
        where = f"第{n}个等次"
        grades.append(
            Grade(
                _text(raw, "code", where, problems),
                _text(raw, "name", where, problems),
                _number(raw.get("min"), f"{where}的 min", problems),
            )
        )
    if not grades:
        problems.append("至少要有一个等次（[[grades]]）")
    elif [g.min for g in grades] != sorted((g.min for g in grades), reverse=True) or grades[-1].min != 0:
        problems.append("等次应按分数线从高到低排列，最后一个等次的 min 为 0")
    grade_codes = {g.code for g in grades}

    indicators = []
    for n, raw in enumerate(data.get("indicators") or [], 1):
        where = f"第{n}项指标（{raw.get('code', '?')}）"
        kind = raw.get("kind")
        if kind not in KINDS:
            problems.append(f"{where}的 kind 应为 {'、'.join(KINDS)} 之一")
            continue
        options: dict = {}
        if kind == "verdicts":
            rules = raw.get("rules")
            if not isinstance(rules, list) or not rules or not all(isinstance(r, str) for r in rules):
                problems.append(f"{where}应在 rules 中列出规则代码")
                rules = []
            unknown = [r for r in rules if rule_codes is not None and r not in rule_codes]
            if unknown:
                problems.append(f"{where}的规则 {'、'.join(unknown)} 不在规则库中")
            options["rules"] = tuple(rules)
        if kind in ("verdicts", "survey"):
            options["partial"] = _number(raw.get("partial", 0), f"{where}的 partial", problems)
            if options["partial"] > 1:
                problems.append(f"{where}的 partial 不能大于 1")
        if kind == "findings":
            deduct = raw.get("deduct")
            if not isinstance(deduct, dict) or set(deduct) != set(FINDING_RESULTS):
                problems.append(f"{where}的 deduct 应给出 {'、'.join(FINDING_RESULTS)} 各扣几分")
                deduct = {}
            options["deduct"] = {k: _number(v, f"{where}的 deduct.{k}", problems) for k, v in deduct.items()}
            options["rectified"] = _number(raw.get("rectified", 1), f"{where}的 rectified", problems)
        if kind == "survey":
            options["min_answers"] = int(
                _number(raw.get("min_answers", 1), f"{where}的 min_answers", problems, 1)
            )
        if kind == "adjust":
            options["max_bonus"] = _number(raw.get("max_bonus", 0), f"{where}的 max_bonus", problems)
            options["max_deduct"] = _number(raw.get("max_deduct", 0), f"{where}的 max_deduct", problems)
        indicators.append(
            Indicator(
                code=_text(raw, "code", where, problems),
                area=_text(raw, "area", where, problems),
                name=_text(raw, "name", where, problems),
                kind=kind,
                weight=_number(raw.get("weight"), f"{where}的 weight", problems),
                source=_text(raw, "source", where, problems),
                **options,
            )
        )
    codes = [i.code for i in indicators]
    if len(set(codes)) != len(codes):
        problems.append("指标代码（code）不能重复")
    weights = sum(i.weight for i in indicators)
    if indicators and abs(weights - total) > 1e-9:
        problems.append(f"各项指标权重之和为 {weights:g}，应等于满分 {total:g}")
    if not indicators:
        problems.append("至少要有一项指标（[[indicators]]）")

    vetoes = []
    for n, raw in enumerate(data.get("vetoes") or [], 1):
        where = f"第{n}个否决项"
        veto = Veto(
            *(_text(raw, k, where, problems) for k in ("code", "name", "rule", "status", "grade", "source"))
        )
        if veto.grade and veto.grade not in grade_codes:
            problems.append(f"{where}的 grade 应为已定义的等次代码")
        if rule_codes is not None and veto.rule and veto.rule not in rule_codes:
            problems.append(f"{where}的规则 {veto.rule} 不在规则库中")
        vetoes.append(veto)

    window = data.get("objections") or {}
    objection_days = int(_number(window.get("days", 15), "申诉期限 objections.days", problems, minimum=1))
    remind_days = int(_number(window.get("remind_days", 3), "申诉提醒 objections.remind_days", problems))
    if problems:
        raise SchemeError(problems)
    return Scheme(
        name, total, source, tuple(grades), tuple(indicators), tuple(vetoes), objection_days, remind_days
    )


def rule_codes() -> set[str]:
    from dangjian.rulebook import rulebook

    return set(rulebook.current().items)


def default_text() -> str:
    return DEFAULT_PATH.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def default() -> Scheme:
    try:
        return parse(default_text(), rule_codes())
    except SchemeError as exc:
        raise ImproperlyConfigured(f"{DEFAULT_PATH.name}：{exc}") from exc


@lru_cache(maxsize=32)
def parsed(text: str) -> Scheme:
    """A published scheme's text, parsed once per process (it was checked when published)."""
    return parse(text, rule_codes())
