"""The 督查 findings as the assessment reads them (its contract; keep the names and fields).

`findings_for_year(year, org_ids)` gives one `FindingFact` per finding of the rounds whose period ends in
`year`: the branch, the round, the checklist item, the result, when it was found, whether its 整改 is
closed (accepted; a finding without 整改 counts as rectified) and the page that shows it. Two queries."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from .rounds.choices import RectStatus, Result
from .rounds.models import Finding


@dataclass(frozen=True)
class FindingFact:
    org_id: int
    round_name: str
    item: str
    result: str  # "conforming" | "partly" | "nonconforming"
    found_on: dt.date
    rectified: bool
    url: str


RESULTS = frozenset(Result.values)


def findings_for_year(year: int, org_ids: Iterable[int] | None = None) -> list[FindingFact]:
    rows = Finding.objects.filter(round__period_end__year=year)
    if org_ids is not None:
        rows = rows.filter(org_id__in=list(org_ids))
    rows = rows.select_related("round", "item", "org", "rectification").order_by(
        "org_id", "round_id", "item__seq"
    )
    return [
        FindingFact(
            org_id=f.org_id,
            round_name=f.round.name,
            item=f.item.name,
            result=f.result,
            found_on=timezone.localdate(f.found_at),
            rectified=_rectified(f),
            url=f.get_absolute_url(),
        )
        for f in rows
    ]


def _rectified(f: Finding) -> bool:
    rect = getattr(f, "rectification", None)
    return rect is None or rect.status == RectStatus.ACCEPTED
