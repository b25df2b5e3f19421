"""`dangjian worker`: the daily reminders, the task queue and the due deliveries without cron."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from dangjian.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def once(hour: int, minute: int = 0) -> str:
    out = StringIO()
    with time_machine.travel(dt.datetime(2025, 3, 28, hour, minute, tzinfo=SHANGHAI), tick=False):
        call_command("worker", "--once", stdout=out)
    return out.getvalue()


def test_before_the_reminder_time_only_due_deliveries_are_sent(world):
    from dangjian.notifications import outbox

    with time_machine.travel(dt.datetime(2025, 3, 28, 7, tzinfo=SHANGHAI), tick=False):
        outbox.post([world.members_b[0]], key="waiting", title="待发送的通知")  # its task never ran
    out = once(7, 29)
    assert "到期提醒" not in out and "通知投递：发送 1 条" in out
    assert list(Delivery.objects.values_list("key", "status")) == [("waiting", "sent")]


def test_after_the_reminder_time_one_round_reminds_and_delivers(world, settings):
    settings.WORKER_REMIND_AT = "07:30"
    out = once(7, 30)
    assert "到期提醒" in out
    secretary = world.members_a[0]
    assert Notification.objects.filter(recipient=secretary, title__contains="支部党员大会").exists()
    assert not Delivery.objects.exclude(status="sent").exists()
    # A second round the same day writes nothing new and sends nothing twice.
    again = once(9)
    assert "新写入投递 0 条" in again and "通知投递" not in again


def test_bad_settings_and_options_are_refused(world, settings):
    settings.WORKER_REMIND_AT = "7点半"
    with pytest.raises(CommandError, match="WORKER_REMIND_AT 应为 HH:MM"):
        call_command("worker", "--once")
    with pytest.raises(CommandError, match="--interval 应为正数"):
        call_command("worker", "--once", "--interval", "0")
