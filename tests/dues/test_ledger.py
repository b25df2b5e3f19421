"""The ledger: append-only, 补交, quarterly payment, reversal, reliefs that need approval, arrears."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.dues import services
from dangjian.dues.models import AppendOnlyError, Entry, Payment, Relief

pytestmark = pytest.mark.django_db
D = Decimal


def test_payments_and_entries_can_be_neither_edited_nor_deleted(world, profile, pay):
    m = world.members_a[2]
    profile(m, 2025)
    p = pay(m, (2025, 3))
    p.amount = D("1")
    with pytest.raises(AppendOnlyError):
        p.save()
    with pytest.raises(AppendOnlyError):
        p.delete()
    with pytest.raises(AppendOnlyError):
        Payment.objects.filter(pk=p.pk).update(amount=0)
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().delete()
    assert Payment.objects.get().amount == D("40.00")


def test_a_reversal_corrects_without_touching_history(world, profile, pay):
    m = world.members_a[2]
    profile(m, 2025)
    wrong = pay(m, (2025, 3))
    correction = services.reverse(
        wrong, user=world.user("secretary_a"), reason="记错了人", on=dt.date(2025, 3, 20)
    )
    assert correction.amount == D("-40.00") and correction.reverses == wrong
    assert services.paid_months([m.pk], dt.date(2025, 1, 1), dt.date(2025, 12, 1))[m.pk] == set()
    assert Payment.objects.count() == 2 and Entry.objects.count() == 2
    with pytest.raises(ValidationError, match="已经冲正过"):
        services.reverse(wrong, user=world.user("secretary_a"), reason="再冲", on=dt.date(2025, 3, 21))
    with pytest.raises(ValidationError, match="冲正原因"):
        services.reverse(pay(m, (2025, 4)), user=None, reason=" ", on=dt.date(2025, 4, 2))


def test_back_payment_is_marked_and_settles_the_months(world, profile, pay):
    m = world.members_a[2]
    profile(m, 2025)
    p = pay(m, (2025, 1), (2025, 2), (2025, 3), on=dt.date(2025, 3, 10))
    flags = {e.month.month: e.back_payment for e in p.entries.all()}
    assert flags == {1: True, 2: True, 3: False}
    assert p.amount == D("120.00")
    assert services.months_unpaid([m.pk], dt.date(2025, 4, 5)) == {m.pk: 0}


def test_quarterly_payment_in_advance(world, profile, pay):
    m = world.members_a[2]
    profile(m, 2025, base="12000")  # 2% → 240.00 a month
    p = pay(m, (2025, 4), (2025, 5), (2025, 6), on=dt.date(2025, 4, 2), method="transfer")
    assert p.amount == D("720.00") and p.get_method_display() == "转账"
    assert sorted(e.advance for e in p.entries.all()) == [False, True, True]
    assert services.paid_months([m.pk], dt.date(2025, 4, 1), dt.date(2025, 6, 30))[m.pk] == {
        dt.date(2025, 4, 1),
        dt.date(2025, 5, 1),
        dt.date(2025, 6, 1),
    }
    with pytest.raises(ValidationError, match="已交清"):
        pay(m, (2025, 5), on=dt.date(2025, 5, 3))


def test_a_relief_counts_only_once_approved(world, profile):
    m = world.members_a[3]
    profile(m, 2025, category="unemployed", base=None)
    relief = Relief.objects.create(
        member=m,
        kind="exempt",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 1),
        reason="重病住院",
        decided_on=dt.date(2025, 1, 5),
        decision="支委会决定",
    )
    as_of = dt.date(2025, 8, 1)
    assert services.months_unpaid([m.pk], as_of) == {m.pk: 7}  # decided, not approved: still owed
    relief.approved_on, relief.approver = dt.date(2025, 1, 20), "镇党委"
    relief.save()
    assert services.months_unpaid([m.pk], as_of) == {m.pk: 0}
    assert services.arrears([m], as_of) == []


def test_arrears_count_across_a_year_boundary(world, profile, pay):
    m = world.members_a[5]
    profile(m, 2025, base="3000")
    pay(m, *[(2025, i) for i in range(1, 10)], on=dt.date(2025, 1, 10))  # paid to September
    as_of = dt.date(2026, 3, 15)  # Oct–Dec 2025 and Jan–Feb 2026 over, no 2026 profile yet
    assert services.months_unpaid([m.pk], as_of) == {m.pk: 5}
    [a] = services.arrears([m], as_of)
    assert a.months[0] == dt.date(2025, 10, 1) and a.months[-1] == dt.date(2026, 2, 1)
    assert a.amount == D("75.00") and not a.flagged
    [a] = services.arrears([m], dt.date(2026, 4, 2))
    assert a.flagged and "连续6个月" in a.facts and "党支部研究决定" in a.facts


def test_months_unpaid_and_paid_months_take_constant_queries(world, profile, pay):
    few = world.members_a[:2]
    many = world.members_a + world.members_b
    for m in many:
        profile(m, 2025)
    pay(few[0], (2025, 1))
    counts = []
    for members in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            services.months_unpaid([m.pk for m in members], dt.date(2025, 6, 1))
            services.paid_months([m.pk for m in members], dt.date(2025, 1, 1), dt.date(2025, 6, 1))
        counts.append(len(ctx))
    assert counts[0] == counts[1] == 8


def test_a_month_without_a_profile_cannot_be_paid(world, pay):
    with pytest.raises(ValidationError, match="尚未核定 2025"):
        pay(world.members_a[2], (2025, 3))
