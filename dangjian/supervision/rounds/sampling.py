"""The desk's sample of branches for a round, from risk and chance, with a stored seed (pure, no database).

The first `risk_share` of the picks are the riskiest branches (重点抽查; ties broken by the seed); the rest
are drawn among the others by weighted sampling without replacement (Efraimidis–Spirakis: each branch draws
u in (0, 1) from the seeded generator in a fixed order, key u ** (1 / weight), largest keys picked), so any
branch may come up (随机抽查). The same seed and the same candidates give the same sample."""

import math
import random
from dataclasses import dataclass

from .config import Sampling


@dataclass(frozen=True)
class Candidate:
    org_id: int
    code: str
    name: str
    signals: dict[str, int]  # open risk signals by kind label
    unmet: int  # unmet or incomplete compliance verdicts this year
    days_since: int | None  # since the branch was last inspected; None: never


@dataclass(frozen=True)
class Pick:
    org_id: int
    weight: float
    reason: str


def weight(c: Candidate, s: Sampling) -> float:
    days = s.days_cap if c.days_since is None else min(c.days_since, s.days_cap)
    return 1 + s.signal * sum(c.signals.values()) + s.unmet * c.unmet + s.days * days


def reason(c: Candidate, w: float) -> str:
    parts = []
    if c.signals:
        kinds = "、".join(f"{k} {n}" for k, n in sorted(c.signals.items()))
        parts.append(f"待核实风险信号 {sum(c.signals.values())} 条（{kinds}）")
    if c.unmet:
        parts.append(f"本年度未达标或不完整 {c.unmet} 项")
    parts.append("从未督查" if c.days_since is None else f"距上次督查 {c.days_since} 天")
    return f"{'；'.join(parts)}；权重 {w:.1f}"


def draw(candidates: list[Candidate], size: int, seed: int, s: Sampling) -> list[Pick]:
    """`size` picks (fewer if there are fewer candidates): the riskiest first, then the drawn ones."""
    rng = random.Random(seed)
    keyed = []
    for c in sorted(candidates, key=lambda c: c.org_id):
        w = weight(c, s)
        keyed.append((w, rng.random(), c))
    by_risk = sorted(keyed, key=lambda k: (k[0], k[1]), reverse=True)
    top = math.ceil(size * s.risk_share)
    focus, rest = by_risk[:top], by_risk[top:]
    drawn = sorted(rest, key=lambda k: k[1] ** (1 / k[0]), reverse=True)[: size - len(focus)]
    picks = [
        Pick(c.org_id, round(w, 3), f"重点抽查（风险排名第 {i}）：{reason(c, w)}")
        for i, (w, _, c) in enumerate(focus, 1)
    ]
    picks += [Pick(c.org_id, round(w, 3), f"随机抽取：{reason(c, w)}") for w, _, c in drawn]
    return picks
