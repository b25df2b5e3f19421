"""Arrears where people look: the secretary's to-do, the branch page, reminders through the outbox, and
the member's own history."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from dangjian.dues import services
from dangjian.dues.models import Profile
from dangjian.notifications.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind(world):
    late = world.members_a[7]  # member_a: paid nothing since January 2025
    on_time = world.members_a[6]
    for m in (late, on_time):
        Profile.objects.create(member=m, year=2025, category="employed", base=Decimal("2000"))
    services.record_payment(
        on_time,
        [dt.date(2025, i, 1) for i in range(1, 8)],
        paid_on=dt.date(2025, 1, 5),
        method="cash",
        user=None,
    )
    return late


@time_machine.travel(dt.datetime(2025, 8, 10, 10, 0), tick=False)
def test_the_secretary_sees_who_is_behind_and_the_six_month_facts(world, behind, client_for):
    home = client_for("secretary_a").get("/").content.decode()
    assert 'id="home-dues"' in home and "1 名党员欠交，共 70.00 元" in home
    assert "连续六个月以上未交：甲7" in home or "连续六个月以上未交：" + behind.name in home
    page = client_for("secretary_a").get("/dues/org/BRA/?year=2025").content.decode()
    assert "连续7个月" in page and "由党支部研究决定" in page
    assert 'id="home-dues"' not in client_for("organiser_b").get("/").content.decode()


@time_machine.travel(dt.datetime(2025, 8, 10, 10, 0), tick=False)
def test_reminders_go_through_the_outbox_once_a_month(world, behind, client_for):
    client = client_for("secretary_a")
    assert (
        "已向 1 名欠交党费的党员发送提醒"
        in client.post("/dues/org/BRA/remind/", follow=True).content.decode()
    )
    assert "没有需要提醒的党员" in client.post("/dues/org/BRA/remind/", follow=True).content.decode()
    delivery = Delivery.objects.get(recipient=behind, transport="inapp")
    assert "7个月" in delivery.title and "49.00" not in delivery.body and "70.00" in delivery.body


@time_machine.travel(dt.datetime(2025, 8, 10, 10, 0), tick=False)
def test_the_member_sees_and_confirms_their_own_dues(world, behind, client_for):
    client = client_for("member_a")
    page = client.get("/dues/?year=2025").content.decode()
    assert '每月应交 <strong data-testid="monthly">10.00</strong>' in page
    assert "您有 7 个月未交清，合计 70.00 元" in page
    client.post("/dues/confirm/?year=2025")
    assert Profile.objects.get(member=behind, year=2025).confirmed_at is not None
    assert "已确认" in client.get("/dues/?year=2025").content.decode()
