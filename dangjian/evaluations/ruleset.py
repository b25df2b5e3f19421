"""The 民主评议党员 rules as data (data/evaluation.toml), loaded and checked once."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
    probationary_min_days: int
    probationary_reason: str
    probationary_source: str
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


def load(path: Path = DEFAULT_FILE) -> EvaluationRules:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        grades = {g["code"]: g["name"] for g in data["grades"]}
        if tuple(grades) != GRADE_CODES:
            raise ValueError(f"grades must be {GRADE_CODES} in this order")
        p, cap, ex = data["proposal"], data.get("excellent_cap", {}), data["exclusions"]
        proposal = Proposal(
            float(p["unqualified_share_over"]),
            float(p["basic_share_over"]),
            float(p["excellent_share_over"]),
            bool(p.get("local", False)),
            p["source"],
        )
        for share in (
            proposal.unqualified_share_over,
            proposal.basic_share_over,
            proposal.excellent_share_over,
        ):
            if not 0 <= share < 1:
                raise ValueError("proposal shares lie between 0 and 1")
        disposals = {
            d["code"]: Disposal(d["code"], d["name"], int(d["deadline_months"]), d["condition"], d["source"])
            for d in data["disposals"]
        }
        return EvaluationRules(
            version=data["version"],
            source=data["source"],
            grades=grades,
            grades_source=data["grades_source"]["text"],
            proposal=proposal,
            excellent_cap_share=float(cap["share"]) if cap.get("share") else None,
            excellent_cap_source=cap.get("source", ""),
            require_complete=bool(data["ballot"]["require_complete"]),
            ballot_source=data["ballot"]["source"],
            min_ballots=int(data["secrecy"]["min_ballots"]),
            secrecy_source=data["secrecy"]["source"],
            probationary_min_days=int(ex["probationary_min_days"]),
            probationary_reason=ex["probationary_reason"],
            probationary_source=ex["probationary_source"],
            status_reasons=dict(ex["statuses"]),
            discipline_reason=ex["discipline"]["reason"],
            discipline_source=ex["discipline"]["source"],
            disposals=disposals,
            meeting_kind=data["meeting"]["kind"],
        )
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"民主评议规则文件 {path} 有误：{exc}") from exc


@cache
def current() -> EvaluationRules:
    return load()
