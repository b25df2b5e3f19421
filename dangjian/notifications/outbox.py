"""The notification outbox: `post()` writes deliveries with their cause; `deliver_due()` sends them.

A delivery is sent once, and no database transaction is held while talking to the network:

1. claim: one short transaction marks a batch of due rows `sending` with a lease (rows another
   worker holds are skipped on PostgreSQL; SQLite serialises writers anyway);
2. send each claimed row outside any transaction;
3. record each result in its own short transaction: sent, or back to pending with the reason and
   an exponential backoff (1 min, 2 min, 4 min … capped at 6 h).

Any error of a transport counts as a failed attempt of that one delivery; the others of the batch
go on. A worker that dies mid-batch leaves its rows `sending` until the lease ends, then another
worker claims them again. Nothing is ever dropped.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Channel, Delivery
from .transports import TransportError, transport_for

log = logging.getLogger(__name__)
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
BATCH = 20
# Long enough for a whole batch of sends at the transports' 10 s timeout, with room to spare.
LEASE = dt.timedelta(minutes=15)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the n-th failed attempt."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


@transaction.atomic
def post(
    recipients: Iterable,
    *,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    org=None,
    accounts: Iterable = (),
) -> int:
    """Write one delivery per recipient and channel (in-app; e-mail where their account has an address;
    every enabled group robot covering `org`), skipping those already written under `key`. `accounts`:
    accounts without a member (the town office's), reached in-app and by their e-mail.

    The worker is asked to send them once the transaction commits. Returns how many were written.
    """
    from dangjian.accounts.models import User

    ids = sorted({getattr(r, "pk", r) for r in recipients})
    account_ids = sorted({getattr(a, "pk", a) for a in accounts})
    rows = [Delivery(transport=Delivery.Transport.INAPP, key=key, recipient_id=i) for i in ids]
    rows += [Delivery(transport=Delivery.Transport.INAPP, key=key, account_id=i) for i in account_ids]
    active = User.objects.filter(is_active=True).exclude(email="")
    emails = active.filter(member_id__in=ids).values_list("member_id", "email")
    rows += [
        Delivery(transport=Delivery.Transport.EMAIL, key=key, recipient_id=m, address=e) for m, e in emails
    ]
    if account_ids:
        emails = active.filter(pk__in=account_ids, member__isnull=True).values_list("pk", "email")
        rows += [
            Delivery(transport=Delivery.Transport.EMAIL, key=key, account_id=a, address=e) for a, e in emails
        ]
    if org is not None:
        for channel in Channel.objects.filter(enabled=True).select_related("org"):
            if org.path.startswith(channel.org.path):
                rows.append(Delivery(transport=channel.kind, key=key, channel=channel))
    for row in rows:
        row.title, row.body, row.url = title[:200], body, url
    existing = set(
        Delivery.objects.filter(key=key).values_list("transport", "recipient_id", "account_id", "channel_id")
    )
    fresh = [r for r in rows if (r.transport, r.recipient_id, r.account_id, r.channel_id) not in existing]
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
        return  # a backend that cannot defer: `dangjian worker` picks the retries up
    task.enqueue()


def _due(now: dt.datetime) -> Q:
    """Pending rows whose time has come, and rows whose sender's lease ran out (it crashed)."""
    return Q(status__in=(Delivery.Status.PENDING, Delivery.Status.SENDING), next_attempt_at__lte=now)


def claim(now: dt.datetime) -> list[Delivery]:
    """Mark up to BATCH due deliveries `sending` under a lease, in one short transaction."""
    with transaction.atomic():
        due = Delivery.objects.filter(_due(now))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:BATCH])
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, next_attempt_at=now + LEASE
        )
    return list(Delivery.objects.filter(pk__in=ids).select_related("channel").order_by("id"))


def _record(delivery: Delivery, now: dt.datetime, error: str = "") -> None:
    """Keep one delivery's result, in its own transaction."""
    attempts = delivery.attempts + 1
    with transaction.atomic():
        if error:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.PENDING,
                attempts=attempts,
                last_error=error[:2000],
                next_attempt_at=now + backoff(attempts),
            )
        else:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SENT, attempts=attempts, sent_at=now, last_error=""
            )


def deliver_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due delivery once; returns counts of sent and failed (to be retried)."""
    sent = failed = 0
    while True:
        now = now or timezone.now()
        batch = claim(now)
        for delivery in batch:
            try:
                transport_for(delivery).send()
            except TransportError as exc:
                _record(delivery, now, str(exc))
                log.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts + 1, exc)
                failed += 1
            except Exception as exc:  # a bug or an unexpected answer: this delivery only, retried later
                _record(delivery, now, f"发送时出错：{exc!r}")
                log.exception("delivery %s failed unexpectedly", delivery.pk)
                failed += 1
            else:
                _record(delivery, now)
                sent += 1
        if len(batch) < BATCH:
            break
    retry = Delivery.objects.filter(status=Delivery.Status.PENDING).order_by("next_attempt_at").first()
    if retry is not None and failed:
        enqueue_delivery(retry.next_attempt_at)
    return {"sent": sent, "failed": failed}
