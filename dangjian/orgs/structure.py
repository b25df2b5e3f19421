"""The set-up thresholds of party organisations, read from `data/structure.toml`."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PATH = Path(__file__).parent / "data" / "structure.toml"


@dataclass(frozen=True)
class Threshold:
    count: int
    source: str


@dataclass(frozen=True)
class Structure:
    version: str
    branch: Threshold
    committee: Threshold
    general_branch: Threshold


@cache
def load(path: Path = PATH) -> Structure:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Structure(
            version=str(data["version"]),
            branch=Threshold(int(data["branch"]["min_full_members"]), data["branch"]["source"]),
            committee=Threshold(int(data["committee"]["min_full_members"]), data["committee"]["source"]),
            general_branch=Threshold(
                int(data["general_branch"]["min_members"]), data["general_branch"]["source"]
            ),
        )
    except (KeyError, ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"组织设置规则文件 {path} 格式错误：{exc!r}") from exc


def has_committee(full_members: int) -> bool:
    """Whether a branch with this many full members sets up a 支部委员会."""
    return full_members >= load().committee.count
