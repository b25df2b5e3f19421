"""Query parameters that lists share, read forgivingly: a bad value falls back, never a 500."""

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
