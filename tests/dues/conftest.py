import datetime as dt
from decimal import Decimal

import pytest

from dangjian.dues import services
from dangjian.dues.models import Profile


@pytest.fixture
def profile():
    def make(member, year, category="employed", base="4000", fixed=None) -> Profile:
        return Profile.objects.create(
            member=member,
            year=year,
            category=category,
            base=None if base is None else Decimal(base),
            fixed=None if fixed is None else Decimal(fixed),
        )

    return make


@pytest.fixture
def pay(world):
    def make(member, *months, on=None, method="cash", **kw):
        months = [dt.date(*m, 1) if isinstance(m, tuple) else m for m in months]
        return services.record_payment(
            member, months, paid_on=on or months[0], method=method, user=world.user("secretary_a"), **kw
        )

    return make
