"""The outbox: each delivery sent once per channel, failures kept and retried with backoff, never lost."""

import datetime as dt
import json

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from dangjian.notifications import outbox, transports
from dangjian.notifications.models import Channel, Delivery, Notification

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2025, 3, 20, 4, 0, tzinfo=dt.UTC)


def test_post_writes_one_delivery_per_recipient_and_channel_once(world):
    secretary = world.user("secretary_a")
    secretary.email = "sec@example.com"
    secretary.save()
    Channel.objects.create(
        kind="wecom", name="镇党建群", org=world.town, url="https://qyapi.example/send?key=1"
    )
    Channel.objects.create(
        kind="dingtalk", name="乙支部群", org=world.branch_b, url="https://oapi.example/send?t=1"
    )
    ids = [world.members_a[0].pk, world.members_a[1].pk]
    assert (
        outbox.post(ids, key="k1", title="提醒", org=world.branch_a) == 4
    )  # 2 in-app, 1 e-mail, 1 town robot
    assert outbox.post(ids, key="k1", title="提醒", org=world.branch_a) == 0
    kinds = sorted(Delivery.objects.values_list("transport", flat=True))
    assert kinds == ["email", "inapp", "inapp", "wecom"]


def test_deliver_sends_each_once(world):
    with time_machine.travel(NOON, tick=False):
        outbox.post([world.members_a[0]], key="k2", title="本月还需召开主题党日1次")
        assert outbox.deliver_due() == {"sent": 1, "failed": 0}
        assert outbox.deliver_due() == {"sent": 0, "failed": 0}
    assert Notification.objects.filter(recipient=world.members_a[0], key="k2").count() == 1
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_failed_delivery_is_retried_with_backoff_and_never_dropped(world, monkeypatch):
    channel = Channel.objects.create(
        kind="wecom", name="镇群", org=world.town, url="https://qyapi.example/send?key=1"
    )
    with time_machine.travel(NOON, tick=False):
        outbox.post([], key="k3", title="逾期", org=world.branch_a)
    calls = []

    def down(request, timeout):
        calls.append(request.full_url)
        raise OSError("connection refused")

    monkeypatch.setattr(transports.urllib.request, "urlopen", down)
    with time_machine.travel(NOON, tick=False):
        assert outbox.deliver_due() == {"sent": 0, "failed": 1}
        row = Delivery.objects.get(channel=channel)
        assert row.status == "pending" and row.attempts == 1 and "无法访问" in row.last_error
        assert row.next_attempt_at == timezone.now() + dt.timedelta(minutes=1)
        assert outbox.deliver_due() == {"sent": 0, "failed": 0}  # not due yet
    with time_machine.travel(NOON + dt.timedelta(minutes=1), tick=False):
        outbox.deliver_due()
        assert Delivery.objects.get(channel=channel).next_attempt_at == timezone.now() + dt.timedelta(
            minutes=2
        )
    assert len(calls) == 2

    class Answer:
        def __init__(self):
            self.body = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()

        def read(self):
            return self.body

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    sent = []
    monkeypatch.setattr(
        transports.urllib.request, "urlopen", lambda req, timeout: sent.append(req) or Answer()
    )
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        assert outbox.deliver_due() == {"sent": 1, "failed": 0}
    row = Delivery.objects.get(channel=channel)
    assert row.status == "sent" and row.attempts == 3 and row.last_error == ""
    assert json.loads(sent[0].data)["text"]["content"].startswith("逾期")


def test_robot_refusal_is_a_failure(world, monkeypatch):
    Channel.objects.create(
        kind="dingtalk",
        name="钉钉群",
        org=world.town,
        url="https://oapi.example/robot/send?access_token=x",
        secret="SEC",
    )
    outbox.post([], key="k4", title="提醒", org=world.branch_b)

    class Refused:
        def read(self):
            return b'{"errcode": 310000, "errmsg": "sign not match"}'

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    urls = []
    monkeypatch.setattr(
        transports.urllib.request, "urlopen", lambda req, timeout: urls.append(req.full_url) or Refused()
    )
    assert outbox.deliver_due()["failed"] == 1
    assert "sign not match" in Delivery.objects.get().last_error
    assert "&timestamp=" in urls[0] and "&sign=" in urls[0]


def test_email_goes_through_django_mail(world):
    user = world.user("organiser_b")
    user.email = "org@example.com"
    user.save()
    outbox.post([world.members_b[1]], key="k5", title="整改措施已逾期", body="请尽快完成。")
    outbox.deliver_due()
    assert [m.subject for m in mail.outbox] == ["整改措施已逾期"]
    assert mail.outbox[0].to == ["org@example.com"] and "请尽快完成" in mail.outbox[0].body


def test_backoff_is_capped():
    assert outbox.backoff(1) == dt.timedelta(minutes=1)
    assert outbox.backoff(4) == dt.timedelta(minutes=8)
    assert outbox.backoff(30) == dt.timedelta(hours=6)


def test_post_enqueues_the_worker_on_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.post([world.members_a[2]], key="k6", title="即时")
    # The immediate task backend ran the delivery job as the transaction committed.
    assert Delivery.objects.get(key="k6").status == "sent"
    assert Notification.objects.filter(key="k6").exists()


def _robots(world, n):
    for i in range(n):
        Channel.objects.create(kind="wecom", name=f"群{i}", org=world.town, url=f"https://qyapi.example/{i}")


def test_no_transaction_is_open_while_sending(world, monkeypatch):
    from django.db import connection

    _robots(world, 2)
    outbox.post([], key="k7", title="提醒", org=world.branch_a)
    depth = len(connection.atomic_blocks)  # the test's own transaction
    seen = []

    def send(self):
        seen.append((len(connection.atomic_blocks), Delivery.objects.get(pk=self.delivery.pk).status))

    monkeypatch.setattr(transports.WeCom, "send", send)
    assert outbox.deliver_due() == {"sent": 2, "failed": 0}
    # Each send ran outside any transaction of the outbox, with its row claimed as sending.
    assert seen == [(depth, "sending"), (depth, "sending")]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_send_that_raises_fails_only_that_delivery_and_others_are_not_sent_again(world, monkeypatch):
    _robots(world, 3)
    with time_machine.travel(NOON, tick=False):
        outbox.post([], key="k8", title="提醒", org=world.branch_a)
    calls = []

    def send(self):
        calls.append(self.delivery.channel.name)
        if self.delivery.channel.name == "群1":
            raise RuntimeError("unexpected answer")

    monkeypatch.setattr(transports.WeCom, "send", send)
    with time_machine.travel(NOON, tick=False):
        assert outbox.deliver_due() == {"sent": 2, "failed": 1}
        broken = Delivery.objects.get(channel__name="群1")
        assert broken.status == "pending" and broken.attempts == 1
        assert "unexpected answer" in broken.last_error
        assert broken.next_attempt_at == timezone.now() + dt.timedelta(minutes=1)
    with time_machine.travel(NOON + dt.timedelta(minutes=2), tick=False):
        assert outbox.deliver_due() == {"sent": 0, "failed": 1}
    # The two that went through were sent once; only the broken one was tried again.
    assert sorted(calls) == ["群0", "群1", "群1", "群2"]


def test_a_crashed_workers_rows_are_claimed_again_after_the_lease(world, monkeypatch):
    _robots(world, 2)
    with time_machine.travel(NOON, tick=False):
        outbox.post([], key="k9", title="提醒", org=world.branch_a)
        claimed = outbox.claim(timezone.now())  # a worker claims both, then dies before sending
    assert {d.status for d in claimed} == {"sending"}
    sent = []
    monkeypatch.setattr(transports.WeCom, "send", lambda self: sent.append(self.delivery.pk))
    with time_machine.travel(NOON + outbox.LEASE - dt.timedelta(seconds=1), tick=False):
        assert outbox.deliver_due() == {"sent": 0, "failed": 0}  # still leased: left alone
    with time_machine.travel(NOON + outbox.LEASE, tick=False):
        assert outbox.deliver_due() == {"sent": 2, "failed": 0}
    assert sorted(sent) == sorted(d.pk for d in claimed)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_claim_takes_at_most_a_batch(world):
    _robots(world, outbox.BATCH + 3)
    outbox.post([], key="k10", title="提醒", org=world.branch_a)
    assert len(outbox.claim(timezone.now())) == outbox.BATCH
    assert len(outbox.claim(timezone.now())) == 3
    assert outbox.claim(timezone.now()) == []
