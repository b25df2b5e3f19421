"""Query parameters that lists share, read forgivingly: a bad value falls back, never a 500."""

import re

from django.utils import timezone

FIRST_YEAR = 1949  # the earliest year asked about in filters and coverage


def year_param(request) -> int:
    """The `year` of the query string, this year when missing, malformed or outside FIRST_YEAR..this year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return this_year
    return year if FIRST_YEAR <= year <= this_year else this_year


def id_param(value) -> int | None:
    """A record id typed into a query string or form field, or None: only ASCII digits (str.isdigit would
    also take "²"), and few enough to fit a database integer."""
    text = str(value or "")
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None
