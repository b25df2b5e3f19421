"""The 民主评议党员 rules as data (data/evaluation.toml), loaded and checked once.

A town may override entries with its own file named in settings.EVALUATION_RULES_FILE: its tables
replace the keys they name (arrays such as grades and disposals are replaced whole). The merged rules
are checked at start-up (apps.py), so a broken file stops the server with a Chinese message.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_FILE = Path(__file__).parent / "data" / "evaluation.toml"
GRADE_CODES = ("excellent", "qualified", "basic", "unqualified")
EXCELLENT, QUALIFIED, BASIC, UNQUALIFIED = GRADE_CODES


@dataclass(frozen=True)
class Proposal:
    unqualified_share_over: float
    basic_share_over: float
    excellent_share_over: float
    local: bool
    source: str


@dataclass(frozen=True)
class Disposal:
    code: str
    name: str
    deadline_months: int
    deadline_local: bool  # the default deadline is local practice, not a national rule
    deadline_source: str
    needs_approval: bool  # the 上级党组织 approves (党章第九条: 劝其退党, 除名)
    condition: str
    source: str


@dataclass(frozen=True)
class EvaluationRules:
    version: str
    source: str
    grades: dict[str, str]  # code -> 优秀 …, best first
    grades_source: str
    proposal: Proposal
    excellent_cap_share: float | None
    excellent_cap_source: str
    require_complete: bool
    ballot_source: str
    min_ballots: int
    secrecy_source: str
    public_in_proposal: bool
    public_max: int
    public_source: str
    probationary_rates_others: bool  # 预备党员 cast a 民主测评 ballot on the others
    probationary_reason: str
    probationary_local: bool
    probationary_source: str
    no_vote_reason: str
    status_reasons: dict[str, str]
    discipline_reason: str
    discipline_source: str
    disposals: dict[str, Disposal]
    meeting_kind: str  # the rulebook item code of the 党员大会

    def grade_name(self, code: str) -> str:
        return self.grades.get(code, "")

    @property
    def grade_choices(self) -> list[tuple[str, str]]:
        return list(self.grades.items())

    @property
    def disposal_choices(self) -> list[tuple[str, str]]:
        return [(d.code, d.name) for d in self.disposals.values()]


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def _share(value, name: str, upper_open: bool = True) -> float:
    share = float(value)
    if not (0 <= share < 1 if upper_open else 0 < share <= 1):
        raise ValueError(f"{name} 应在 0 和 1 之间")
    return share


def load(path: Path = DEFAULT_FILE, override: Path | None = None) -> EvaluationRules:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if override is not None:
            path = override
            data = _merge(data, tomllib.loads(override.read_text(encoding="utf-8")))
        grades = {g["code"]: g["name"] for g in data["grades"]}
        if tuple(grades) != GRADE_CODES:
            raise ValueError(f"grades must be {GRADE_CODES} in this order")
        p, cap, ex = data["proposal"], data.get("excellent_cap", {}), data["exclusions"]
        proposal = Proposal(
            _share(p["unqualified_share_over"], "proposal.unqualified_share_over"),
            _share(p["basic_share_over"], "proposal.basic_share_over"),
            _share(p["excellent_share_over"], "proposal.excellent_share_over"),
            bool(p.get("local", False)),
            p["source"],
        )
        disposals = {
            d["code"]: Disposal(
                d["code"],
                d["name"],
                _positive(d["deadline_months"], "disposals.deadline_months"),
                bool(d.get("deadline_local", False)),
                d["deadline_source"],
                bool(d.get("needs_approval", False)),
                d["condition"],
                d["source"],
            )
            for d in data["disposals"]
        }
        public = data["public"]
        return EvaluationRules(
            version=data["version"],
            source=data["source"],
            grades=grades,
            grades_source=data["grades_source"]["text"],
            proposal=proposal,
            excellent_cap_share=(
                _share(cap["share"], "excellent_cap.share", upper_open=False) if cap.get("share") else None
            ),
            excellent_cap_source=cap.get("source", ""),
            require_complete=bool(data["ballot"]["require_complete"]),
            ballot_source=data["ballot"]["source"],
            min_ballots=_positive(data["secrecy"]["min_ballots"], "secrecy.min_ballots"),
            secrecy_source=data["secrecy"]["source"],
            public_in_proposal=bool(public["counted_in_proposal"]),
            public_max=_positive(public["max_count"], "public.max_count"),
            public_source=public["source"],
            probationary_rates_others=bool(ex["probationary_rates_others"]),
            probationary_reason=ex["probationary_reason"],
            probationary_local=bool(ex.get("probationary_local", False)),
            probationary_source=ex["probationary_source"],
            no_vote_reason=ex["no_vote_reason"],
            status_reasons=dict(ex["statuses"]),
            discipline_reason=ex["discipline"]["reason"],
            discipline_source=ex["discipline"]["source"],
            disposals=disposals,
            meeting_kind=data["meeting"]["kind"],
        )
    except (KeyError, TypeError, ValueError, OSError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"民主评议规则文件 {path} 有误：{exc}") from exc


def _positive(value, name: str) -> int:
    if isinstance(value, bool) or int(value) != value or int(value) < 1:
        raise ValueError(f"{name} 应为正整数")
    return int(value)


@cache
def current() -> EvaluationRules:
    override = getattr(settings, "EVALUATION_RULES_FILE", "")
    return load(DEFAULT_FILE, Path(override) if override else None)
