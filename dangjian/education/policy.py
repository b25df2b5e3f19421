"""The education rules as data (data/education.toml), loaded once and checked."""

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "education.toml"


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    hours: Decimal
    text: str
    source: str


@dataclass(frozen=True)
class Derived:
    lecture_kind: str
    theme_day_kind: str
    theme_day_study_parts: frozenset[str]
    step: Decimal
    max_hours: Decimal


@dataclass(frozen=True)
class Inactivity:
    months: int
    text: str
    source: str
    action: str


@dataclass(frozen=True)
class Policy:
    targets: dict[str, Target]
    derived: Derived
    inactivity: Inactivity

    @property
    def member(self) -> Target:
        return self.targets["member"]

    @property
    def leader(self) -> Target:
        return self.targets["leader"]


def parse(data: dict) -> Policy:
    targets = {
        t["code"]: Target(t["code"], t["name"], Decimal(str(t["hours"])), t["text"], t["source"])
        for t in data["targets"]
    }
    if set(targets) != {"member", "leader"} or any(t.hours <= 0 for t in targets.values()):
        raise ValueError("education.toml: targets must be member and leader, each with positive hours")
    d = data["derived"]
    derived = Derived(
        d["lecture_kind"],
        d["theme_day_kind"],
        frozenset(d["theme_day_study_parts"]),
        Decimal(str(d["step"])),
        Decimal(str(d["max_hours"])),
    )
    i = data["inactivity"]
    if i["months"] < 1:
        raise ValueError("education.toml: inactivity.months must be at least 1")
    return Policy(targets, derived, Inactivity(i["months"], i["text"], i["source"], i["action"]))


@cache
def current() -> Policy:
    with DATA.open("rb") as f:
        return parse(tomllib.load(f))
