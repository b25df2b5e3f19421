"""The facts the assessment reads from other apps, each in a constant number of queries."""

from collections import defaultdict

from dangjian.supervision.findings import findings_for_year


def findings_by_org(year: int, org_ids: list[int] | None = None) -> dict[int, list]:
    """督查 findings of the year by branch (supervision's `findings_for_year`)."""
    found: dict[int, list] = defaultdict(list)
    for f in findings_for_year(year, org_ids):
        found[f.org_id].append(f)
    return found
