"""Paying at a 主题党日: once per member from the activity's page; the ledger then satisfies its 交纳党费
part and its 党费交纳台帐 record in the compliance check."""

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.compliance import services as compliance
from dangjian.dues import services
from dangjian.dues.models import Payment
from dangjian.meetings.models import Attendance, AttendanceStatus
from tests.compliance.helpers import held

pytestmark = pytest.mark.django_db
AFTER = dt.date(2026, 1, 10)
WITHOUT_LEDGER = ["activity_register", "activity_photos"]


def _verdict(world, period):
    [v] = [
        v
        for v in compliance.verdicts_for(world.branch_a, 2025, AFTER)
        if v.rule == "theme_day" and v.period == period
    ]
    return v


def _theme_day(world, day, parts):
    activity = held(world.branch_a, "theme_day", day, records=WITHOUT_LEDGER, parts=parts, attended=False)
    Attendance.objects.bulk_create(
        [
            Attendance(activity=activity, member=m, status=AttendanceStatus.PRESENT)
            for m in world.members_a[:3]
        ]
    )
    return activity


def test_without_the_ledger_the_dues_record_and_part_are_missing(world):
    parts = ["集中学习", "听党课", "民主议事", "志愿服务"]
    _theme_day(world, dt.date(2025, 5, 8), parts)
    v = _verdict(world, "2025-05")
    assert v.missing_records == ["党费交纳台帐"]
    assert v.counted_activities[0].missing_parts == ["交纳党费"]


def test_payments_at_the_theme_day_satisfy_its_dues_record_and_part(world, profile, client_for):
    parts = ["集中学习", "听党课", "民主议事", "志愿服务"]
    activity = _theme_day(world, dt.date(2025, 5, 8), parts)
    for m in world.members_a[:3]:
        profile(m, 2025)
    data = {"member": [m.pk for m in world.members_a[:3]], "method": "cash"}
    client = client_for("secretary_a")
    first = client.post(f"/dues/activity/{activity.pk}/", data, follow=True)
    assert "已登记 3 名党员交纳党费，共 120.00 元" in first.content.decode()
    again = client.post(f"/dues/activity/{activity.pk}/", data, follow=True)  # sent twice
    assert "已在本次活动交纳，未重复记录" in again.content.decode()
    assert Payment.objects.filter(activity=activity).count() == 3
    v = _verdict(world, "2025-05")
    assert v.missing_records == [] and v.status == "met", v
    assert v.counted_activities[0].missing_parts == []


def test_a_reversed_payment_no_longer_satisfies_it(world, profile):
    activity = _theme_day(world, dt.date(2025, 6, 8), None)
    m = world.members_a[0]
    profile(m, 2025)
    result = services.pay_at_activity(activity, [m.pk], method="cash", user=world.user("secretary_a"))
    assert result.recorded[0].amount == Decimal("40.00")
    services.reverse(result.recorded[0], user=None, reason="录错活动", on=dt.date(2025, 6, 9))
    assert _verdict(world, "2025-06").missing_records == ["党费交纳台帐"]


def test_only_members_present_are_recorded(world, profile):
    activity = _theme_day(world, dt.date(2025, 7, 8), None)
    absent = world.members_a[6]
    profile(absent, 2025)
    result = services.pay_at_activity(activity, [absent.pk], method="cash", user=None)
    assert result.recorded == [] and "未登记出席" in result.skipped[0]


def test_the_activity_page_shows_the_ledger_record_and_part_once_paid(world, profile, client_for):
    parts = ["集中学习", "听党课", "民主议事", "志愿服务"]
    activity = _theme_day(world, dt.date(2025, 5, 8), parts)
    m = world.members_a[0]
    profile(m, 2025)
    client = client_for("secretary_a")
    before = client.get(f"/meetings/{activity.pk}/").content.decode()
    assert '党费交纳台帐：<span class="tag tag-red">缺</span>' in before
    assert '交纳党费：<span class="tag">未开展</span>' in before

    result = services.pay_at_activity(activity, [m.pk], method="cash", user=world.user("secretary_a"))
    page = client.get(f"/meetings/{activity.pk}/").content.decode()
    assert '党费交纳台帐：<span class="tag tag-ok">有</span>' in page
    assert "党费已登记到党费台账" in page
    assert '交纳党费：<span class="tag tag-ok">已开展</span>' in page

    services.reverse(result.recorded[0], user=None, reason="录错活动", on=dt.date(2025, 5, 9))
    assert (
        '党费交纳台帐：<span class="tag tag-red">缺</span>'
        in client.get(f"/meetings/{activity.pk}/").content.decode()
    )
