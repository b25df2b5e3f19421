"""The dues rates as data (`data/rates-2008.toml`): each category's base, brackets or fixed amount, with
its clause, and the monthly amount computed in Decimal, rounded to the fen as the file says."""

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

RATES_FILE = Path(__file__).parent / "data" / "rates-2008.toml"


@dataclass(frozen=True)
class Bracket:
    up_to: Decimal | None  # inclusive upper bound; None for the last bracket
    rate: Decimal
    clause: str


@dataclass(frozen=True)
class DuesCategory:
    code: str
    name: str
    source: str
    base: str = ""  # what the base is (月工资收入 …); empty for a fixed amount
    base_note: str = ""
    brackets: tuple[Bracket, ...] = ()
    fixed_min: Decimal | None = None
    fixed_max: Decimal | None = None
    fixed_default: Decimal | None = None
    clause: str = ""

    @property
    def uses_base(self) -> bool:
        return bool(self.brackets)


@dataclass(frozen=True)
class Amount:
    monthly: Decimal
    rate: Decimal | None  # None for a fixed amount
    clause: str


@dataclass(frozen=True)
class Rates:
    version: str
    source: str
    quantum: Decimal
    rounding: str
    rounding_source: str
    categories: dict[str, DuesCategory]
    relief_clause: str
    arrears_months: int
    arrears_source: str
    theme_item: str
    theme_part: str
    theme_record: str

    def choices(self) -> list[tuple[str, str]]:
        return [(c.code, c.name) for c in self.categories.values()]

    def round(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=self.rounding)

    def amount(self, category: str, base: Decimal | None = None, fixed: Decimal | None = None) -> Amount:
        """The monthly dues of a member of `category`: a share of `base` by the bracket it falls in, or
        the `fixed` amount the branch chose within the category's range (its default when None)."""
        cat = self.categories[category]
        if cat.uses_base:
            if base is None or base < 0:
                raise ValueError(f"{cat.name}党员须填写{cat.base}（不小于 0）。")
            for bracket in cat.brackets:
                if bracket.up_to is None or base <= bracket.up_to:
                    return Amount(self.round(base * bracket.rate), bracket.rate, bracket.clause)
        value = cat.fixed_default if fixed is None else fixed
        if not (cat.fixed_min <= value <= cat.fixed_max):
            raise ValueError(
                f"{cat.name}党员每月应交 {cat.fixed_min}–{cat.fixed_max} 元，{value} 元不在此范围。"
            )
        return Amount(self.round(value), None, cat.clause)


def _dec(text) -> Decimal:
    try:
        return Decimal(str(text))
    except InvalidOperation as exc:
        raise ValueError(f"党费标准文件中的数值无效：{text}") from exc


def parse(data: dict) -> Rates:
    categories = {}
    for c in data["categories"]:
        brackets = tuple(
            Bracket(_dec(b["up_to"]) if "up_to" in b else None, _dec(b["rate"]), b["clause"])
            for b in c.get("brackets", ())
        )
        fixed = c.get("fixed") or {}
        if brackets and brackets[-1].up_to is not None:
            raise ValueError(f"党费标准 {c['code']} 的最后一档不能有上限。")
        if not brackets and not fixed:
            raise ValueError(f"党费标准 {c['code']} 既无比例也无固定金额。")
        categories[c["code"]] = DuesCategory(
            code=c["code"],
            name=c["name"],
            source=c["source"],
            base=c.get("base", ""),
            base_note=c.get("base_note", ""),
            brackets=brackets,
            fixed_min=_dec(fixed["min"]) if fixed else None,
            fixed_max=_dec(fixed["max"]) if fixed else None,
            fixed_default=_dec(fixed["default"]) if fixed else None,
            clause=c.get("clause", ""),
        )
    return Rates(
        version=data["version"],
        source=data["source"],
        quantum=_dec(data["rounding"]["quantum"]),
        rounding=data["rounding"]["mode"],
        rounding_source=data["rounding"]["source"],
        categories=categories,
        relief_clause=data["relief"]["clause"],
        arrears_months=int(data["arrears"]["consecutive_months"]),
        arrears_source=data["arrears"]["source"],
        theme_item=data["theme_day"]["item"],
        theme_part=data["theme_day"]["part"],
        theme_record=data["theme_day"]["record"],
    )


@cache
def current() -> Rates:
    with RATES_FILE.open("rb") as f:
        return parse(tomllib.load(f))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from `start`'s to `end`'s, both included (empty if end is before start)."""
    out, m, last = [], month_start(start), month_start(end)
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out
