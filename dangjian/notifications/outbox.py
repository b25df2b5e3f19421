"""The notification outbox: `post()` writes deliveries with their cause; `deliver_due()` sends them.

A delivery is sent once: the worker claims due rows (skipping rows another worker holds on
PostgreSQL), sends each, and marks it sent. A failure keeps the row pending with the reason and
an exponential backoff (1 min, 2 min, 4 min … capped at 6 h); nothing is ever dropped.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from .models import Channel, Delivery
from .transports import TransportError, transport_for

log = logging.getLogger(__name__)
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
BATCH = 200


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the n-th failed attempt."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


@transaction.atomic
def post(recipients: Iterable, *, key: str, title: str, body: str = "", url: str = "", org=None) -> int:
    """Write one delivery per recipient and channel (in-app; e-mail where their account has an address;
    every enabled group robot covering `org`), skipping those already written under `key`.

    The worker is asked to send them once the transaction commits. Returns how many were written.
    """
    from dangjian.accounts.models import User

    ids = sorted({getattr(r, "pk", r) for r in recipients})
    rows = [Delivery(transport=Delivery.Transport.INAPP, key=key, recipient_id=i) for i in ids]
    emails = (
        User.objects.filter(member_id__in=ids, is_active=True)
        .exclude(email="")
        .values_list("member_id", "email")
    )
    rows += [
        Delivery(transport=Delivery.Transport.EMAIL, key=key, recipient_id=m, address=e) for m, e in emails
    ]
    if org is not None:
        for channel in Channel.objects.filter(enabled=True).select_related("org"):
            if org.path.startswith(channel.org.path):
                rows.append(Delivery(transport=channel.kind, key=key, channel=channel))
    for row in rows:
        row.title, row.body, row.url = title[:200], body, url
    existing = set(Delivery.objects.filter(key=key).values_list("transport", "recipient_id", "channel_id"))
    fresh = [r for r in rows if (r.transport, r.recipient_id, r.channel_id) not in existing]
    Delivery.objects.bulk_create(fresh, ignore_conflicts=True)
    if fresh:
        transaction.on_commit(enqueue_delivery)
    return len(fresh)


def enqueue_delivery(run_after: dt.datetime | None = None) -> None:
    from .tasks import deliver

    task = deliver
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    elif run_after is not None:
        return  # a backend that cannot defer: the daily `dangjian remind` picks the retries up
    task.enqueue()


def _claim(now: dt.datetime) -> list[Delivery]:
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).select_related(
        "channel"
    )
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    return list(due.order_by("next_attempt_at", "id")[:BATCH])


def deliver_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due delivery once; returns counts of sent and failed (to be retried)."""
    sent = failed = 0
    while True:
        now = now or timezone.now()
        with transaction.atomic():
            batch = _claim(now)
            for delivery in batch:
                try:
                    transport_for(delivery).send()
                except TransportError as exc:
                    delivery.attempts += 1
                    delivery.last_error = str(exc)[:2000]
                    delivery.next_attempt_at = now + backoff(delivery.attempts)
                    delivery.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                    log.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
                    failed += 1
                else:
                    delivery.attempts += 1
                    delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
                    delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
                    sent += 1
        if len(batch) < BATCH:
            break
    retry = Delivery.objects.filter(status=Delivery.Status.PENDING).order_by("next_attempt_at").first()
    if retry is not None and failed:
        transaction.on_commit(lambda: enqueue_delivery(retry.next_attempt_at))
    return {"sent": sent, "failed": failed}
