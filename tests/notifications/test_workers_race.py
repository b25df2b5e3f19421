"""Two `dangjian worker` processes on one PostgreSQL database: every delivery is sent once, and the day's
reminders are written once, however their rounds interleave (docs/operations.md: several workers)."""

import datetime as dt
import threading
import time
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections

from dangjian.notifications import outbox, transports
from dangjian.notifications.models import Delivery

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
WORKERS = 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_a_delivery_twice_nor_remind_twice(world, settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("多个后台进程并发的测试需要 PostgreSQL（SQLite 整库串行写入）：设置 DATABASE_URL 后运行")
    settings.WORKER_REMIND_AT = "07:30"
    sent: list[int] = []
    lock = threading.Lock()
    real = transports.TRANSPORTS[Delivery.Transport.INAPP]

    class Counting(real):
        def send(self):
            with lock:
                sent.append(self.delivery.pk)
            time.sleep(0.005)  # a slow channel, so the two workers' batches overlap
            super().send()

    monkeypatch.setitem(transports.TRANSPORTS, Delivery.Transport.INAPP, Counting)
    barrier = threading.Barrier(WORKERS)
    outputs: list[str] = []

    def worker():
        out = StringIO()
        try:
            barrier.wait()
            call_command("worker", "--once", stdout=out)
        finally:
            connections.close_all()
        outputs.append(out.getvalue())

    with time_machine.travel(dt.datetime(2025, 3, 28, 7, 30, tzinfo=SHANGHAI), tick=True):
        # Three batches of deliveries waiting for a worker (their own task never ran).
        members = world.members_b
        Delivery.objects.bulk_create(
            Delivery(
                transport=Delivery.Transport.INAPP, key=f"waiting:{i}", recipient=members[i % len(members)]
            )
            for i in range(3 * outbox.BATCH)
        )

        threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)

    assert len(outputs) == WORKERS and all("到期提醒" in o for o in outputs)  # both ran the daily remind
    twice = [pk for pk, n in Counter(sent).items() if n > 1]
    assert twice == []
    reminders = Delivery.objects.filter(key__startswith="compliance:")
    assert reminders.exists()
    # Each reminder once per recipient, however many workers ran `remind` that morning.
    per_key = Counter(reminders.values_list("transport", "key", "recipient_id"))
    assert max(per_key.values()) == 1
    # Everything due was sent, each exactly once.
    assert set(sent) == set(
        Delivery.objects.filter(transport=Delivery.Transport.INAPP).values_list("pk", flat=True)
    )
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
