"""The kinds of sanction as data (data/sanctions.toml), loaded and checked once."""

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEFAULT_FILE = Path(__file__).parent / "data" / "sanctions.toml"


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    effect: str
    source: str
    period_years: int | None = None  # 留党察看: the period that follows from the decision
    suspends_rights: bool = False  # no vote, no right to elect or be elected during the period
    ends_membership: bool = False
    ends_posts: bool = False  # the party posts held end with the decision

    @property
    def takes_vote(self) -> bool:
        return self.suspends_rights or self.ends_membership

    def period_end(self, decided_on: dt.date) -> dt.date | None:
        """The last day of the period (inclusive), or None for a sanction without one."""
        if not self.period_years:
            return None
        year = decided_on.year + self.period_years
        # A decision of 29 February: the period runs to the end of February.
        anniversary = (
            dt.date(year, 3, 1)
            if (decided_on.month, decided_on.day) == (2, 29)
            else decided_on.replace(year=year)
        )
        return anniversary - dt.timedelta(days=1)


@dataclass(frozen=True)
class Levels:
    version: str
    title: str
    source: str
    by_code: dict[str, Level]

    def get(self, code: str) -> Level | None:
        return self.by_code.get(code)

    def codes(self, **flags: bool) -> list[str]:
        """The codes of the levels with all the given flags, e.g. `codes(suspends_rights=True)`."""
        return [
            c for c, level in self.by_code.items() if all(getattr(level, f) == v for f, v in flags.items())
        ]


def load(path: Path = DEFAULT_FILE) -> Levels:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        by_code = {}
        for entry in data["levels"]:
            level = Level(
                code=entry["code"],
                name=entry["name"],
                effect=entry["effect"],
                source=entry["source"],
                period_years=int(entry["period_years"]) if "period_years" in entry else None,
                suspends_rights=bool(entry.get("suspends_rights", False)),
                ends_membership=bool(entry.get("ends_membership", False)),
                ends_posts=bool(entry.get("ends_posts", False)),
            )
            if level.suspends_rights and not level.period_years:
                raise ValueError(f"{level.code}: suspends_rights needs period_years")
            by_code[level.code] = level
        if not by_code:
            raise ValueError("no levels")
        return Levels(version=data["version"], title=data["title"], source=data["source"], by_code=by_code)
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"党纪处分种类文件 {path} 有误：{exc}") from exc


@cache
def current() -> Levels:
    return load()


def choices() -> list[tuple[str, str]]:
    return [(level.code, level.name) for level in current().by_code.values()]
