"""Scores of a branch's year: plain functions from the scheme and the branch's facts to a sheet whose every
line says what produced its points. Nothing here touches the database (services.py gathers the facts)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from dangjian.compliance.engine import INCOMPLETE, MET, STATUS_LABELS, UNMET
from dangjian.orgs.choices import OrgCategory

from .scheme import Indicator, Scheme

CATEGORY_LABELS = dict(OrgCategory.choices)
FINDING_LABELS = {"conforming": "符合", "partly": "基本符合", "nonconforming": "不符合"}
DECIDED = (MET, INCOMPLETE, UNMET)


@dataclass(frozen=True)
class Evidence:
    label: str
    url: str = ""


@dataclass(frozen=True)
class SurveyResult:
    """满意度 of one branch: answers by choice (满意 / 基本满意 / 不满意)."""

    satisfied: int = 0
    basic: int = 0
    dissatisfied: int = 0
    url: str = ""
    respondents: int = 0  # people who answered (each answers every question); 0: one question only

    @property
    def answers(self) -> int:
        return self.satisfied + self.basic + self.dissatisfied

    @property
    def people(self) -> int:
        return self.respondents or self.answers


@dataclass(frozen=True)
class Entry:
    """Points the office entered for an `office` or `adjust` indicator, with its required note."""

    points: float
    note: str
    url: str = ""


@dataclass
class BranchFacts:
    org_id: int
    code: str
    name: str
    category: str
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)  # rule -> status -> verdicts
    verdict_links: dict[str, str] = field(default_factory=dict)  # rule -> its verdict page
    findings: list = field(default_factory=list)  # FindingFact-like: result, rectified, item, url …
    survey: SurveyResult | None = None
    entries: dict[str, Entry] = field(default_factory=dict)  # indicator code -> entry


@dataclass
class Line:
    code: str
    area: str
    name: str
    kind: str
    weight: float
    points: float | None  # None: nothing to score yet (pending), not counted in the points available
    detail: str
    source: str
    evidence: list[Evidence] = field(default_factory=list)
    correction: str = ""  # the reason, when a correction or an accepted objection set the points

    @property
    def shown(self) -> str:
        return "待定" if self.points is None else f"{self.points:g}"

    def as_json(self) -> dict:
        return {
            **{k: getattr(self, k) for k in ("code", "area", "name", "kind", "weight", "points", "detail")},
            "source": self.source,
            "correction": self.correction,
            "evidence": [{"label": e.label, "url": e.url} for e in self.evidence],
        }


@dataclass
class Sheet:
    org_id: int
    code: str
    name: str
    category: str
    lines: list[Line]
    earned: float
    available: float
    score: float | None  # percent of the points available so far
    grade: str  # grade code, "" while nothing can be scored
    grade_name: str
    vetoes: list[str]
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, "")


def _round(value: float) -> float:
    return round(value + 0.0, 2)


def score_verdicts(ind: Indicator, facts: BranchFacts) -> Line:
    met = incomplete = unmet = 0
    evidence = []
    for rule in ind.rules:
        found = facts.outcomes.get(rule, {})
        met, incomplete, unmet = (
            met + found.get(MET, 0),
            incomplete + found.get(INCOMPLETE, 0),
            unmet + found.get(UNMET, 0),
        )
        shown = "，".join(f"{STATUS_LABELS[s]} {found[s]}" for s in (*DECIDED, "in_progress") if found.get(s))
        evidence.append(
            Evidence(f"{rule_name(rule)}：{shown or '暂无结论'}", facts.verdict_links.get(rule, ""))
        )
    decided = met + incomplete + unmet
    if not decided:
        return _line(ind, None, "暂无已得出结论的期间，暂不计分。", evidence)
    share = (met + ind.partial * incomplete) / decided
    detail = (
        f"达标 {met}、已开展·记录不全 {incomplete}（每个按 {ind.partial:g} 计）、未达标 {unmet}，"
        f"共 {decided} 个期间：{ind.weight:g} × {share:.2%}"
    )
    return _line(ind, ind.weight * share, detail, evidence)


def score_findings(ind: Indicator, findings: Iterable) -> Line:
    lost = 0.0
    evidence = []
    for f in findings:
        cost = ind.deduct.get(f.result, 0) * (ind.rectified if f.rectified else 1)
        lost += cost
        state = "已整改" if f.rectified else "未整改"
        label = (
            f"{f.round_name}·{f.item}：{FINDING_LABELS.get(f.result, f.result)}（{state}，扣 {cost:g} 分）"
        )
        evidence.append(Evidence(label, f.url))
    if not evidence:
        return _line(ind, ind.weight, "本年度督查未发现问题。", [])
    points = max(ind.weight - lost, 0)
    return _line(ind, points, f"督查发现 {len(evidence)} 项，扣 {min(lost, ind.weight):g} 分。", evidence)


def score_survey(ind: Indicator, survey: SurveyResult | None) -> Line:
    if survey is None or survey.people < ind.min_answers:
        answered = survey.people if survey else 0
        why = "尚未开展满意度测评" if survey is None else f"有效答卷不足 {ind.min_answers} 份"
        return _line(
            ind, None, f"{why}，暂不计分。", [Evidence(f"答卷 {answered} 份", survey.url)] if survey else []
        )
    share = (survey.satisfied + ind.partial * survey.basic) / survey.answers
    detail = (
        f"满意 {survey.satisfied}、基本满意 {survey.basic}（每份按 {ind.partial:g} 计）、不满意 "
        f"{survey.dissatisfied}（{survey.people} 人作答，共 {survey.answers} 项回答）："
        f"{ind.weight:g} × {share:.2%}"
    )
    return _line(ind, ind.weight * share, detail, [Evidence("满意度测评结果", survey.url)])


def score_entry(ind: Indicator, entry: Entry | None) -> Line:
    if entry is None:
        if ind.kind == "adjust":
            return _line(ind, 0, "无加分或扣分。", [])
        return _line(ind, None, "待党建办评定。", [])
    low, high = (-ind.max_deduct, ind.max_bonus) if ind.kind == "adjust" else (0, ind.weight)
    points = min(max(entry.points, low), high)
    return _line(ind, points, f"党建办评定：{entry.note}", [Evidence("党建办说明", entry.url)])


def _line(ind: Indicator, points: float | None, detail: str, evidence: list[Evidence]) -> Line:
    return Line(
        ind.code,
        ind.area,
        ind.name,
        ind.kind,
        ind.weight,
        None if points is None else _round(points),
        detail,
        ind.source,
        evidence,
    )


def score_line(ind: Indicator, facts: BranchFacts) -> Line:
    if ind.kind == "verdicts":
        return score_verdicts(ind, facts)
    if ind.kind == "findings":
        return score_findings(ind, facts.findings)
    if ind.kind == "survey":
        return score_survey(ind, facts.survey)
    return score_entry(ind, facts.entries.get(ind.code))


def total(scheme: Scheme, facts: BranchFacts, lines: list[Line]) -> Sheet:
    """The sheet of `lines` (computed or frozen and corrected): points, score, grade and vetoes."""
    earned = sum(line.points for line in lines if line.points is not None)
    available = sum(line.weight for line in lines if line.points is not None and line.kind != "adjust")
    vetoes = [v for v in scheme.vetoes if facts.outcomes.get(v.rule, {}).get(v.status)]
    if not available:
        return Sheet(
            facts.org_id,
            facts.code,
            facts.name,
            facts.category,
            lines,
            _round(earned),
            0,
            None,
            "",
            "",
            [],
            facts.outcomes,
        )
    score = round(min(max(100 * earned / available, 0), 100), 1)
    capped = None
    order = [g.code for g in scheme.grades]
    for veto in vetoes:
        if capped is None or order.index(veto.grade) > order.index(capped):
            capped = veto.grade
    grade = scheme.grade_for(score, capped)
    return Sheet(
        facts.org_id,
        facts.code,
        facts.name,
        facts.category,
        lines,
        _round(earned),
        _round(available),
        score,
        grade.code,
        grade.name,
        [v.name for v in vetoes],
        facts.outcomes,
    )


def sheet(
    scheme: Scheme, facts: BranchFacts, corrections: dict[str, tuple[float, str]] | None = None
) -> Sheet:
    """A branch's sheet from its facts; `corrections` (indicator code -> (points, reason)) override lines."""
    lines = [score_line(ind, facts) for ind in scheme.indicators]
    return total(scheme, facts, apply(lines, corrections or {}))


def apply(lines: list[Line], corrections: dict[str, tuple[float, str]]) -> list[Line]:
    for line in lines:
        if line.code in corrections:
            line.points, line.correction = _round(corrections[line.code][0]), corrections[line.code][1]
    return lines


def ranks(sheets: Iterable[Sheet]) -> dict[int, tuple[int, int]]:
    """Each scored branch's (rank, of how many) within its kind (村、社区、企业、机关…: their conditions
    differ); equal scores share a rank."""
    by_kind: dict[str, list[Sheet]] = {}
    for s in sheets:
        if s.score is not None:
            by_kind.setdefault(s.category, []).append(s)
    found = {}
    for group in by_kind.values():
        group.sort(key=lambda s: -s.score)
        rank = 0
        for n, s in enumerate(group, 1):
            if n == 1 or s.score != group[n - 2].score:
                rank = n
            found[s.org_id] = (rank, len(group))
    return found


def rule_name(code: str) -> str:
    from dangjian.rulebook import rulebook

    item = rulebook.current().items.get(code)
    return item.name if item else code
