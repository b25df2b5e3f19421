import datetime as dt

from django.utils import timezone

from dangjian.rulebook import rulebook
from tests.compliance.helpers import held

LAST_YEAR = timezone.localdate().year - 1


def theme_days(org, months, year=LAST_YEAR):
    """主题党日 held with all their records and parts in the given months."""
    records = rulebook.current().item("theme_day").records
    return [held(org, "theme_day", dt.date(year, m, 8), records=records) for m in months]


def line(sheet, code):
    return next(x for x in sheet.lines if x.code == code)
