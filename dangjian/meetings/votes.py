"""How written opinions (书面意见) count in a 支部党员大会's vote: data in data/votes.toml, loaded once."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DATA_FILE = Path(__file__).parent / "data" / "votes.toml"


@dataclass(frozen=True)
class WrittenOpinions:
    kinds: tuple[str, ...]  # agenda kinds that may include them
    counted_in_votes: bool
    counted_in_quorum: bool
    source: str


def load(path: Path = DATA_FILE) -> WrittenOpinions:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))["written_opinions"]
        return WrittenOpinions(
            kinds=tuple(data["kinds"]),
            counted_in_votes=bool(data["counted_in_votes"]),
            counted_in_quorum=bool(data["counted_in_quorum"]),
            source=data["source"],
        )
    except (KeyError, TypeError, OSError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"表决规则文件 {path} 有误：{exc}") from exc


@cache
def written_opinions() -> WrittenOpinions:
    return load()
