from collections.abc import Iterable

from django.db import transaction

from .models import Notification


@transaction.atomic
def notify(recipients: Iterable, *, key: str, title: str, body: str = "", url: str = "") -> int:
    """Give each member (or member id) one notice under `key`; members who already have it are skipped.

    Returns how many notices were written.
    """
    ids = {getattr(r, "pk", r) for r in recipients}
    if not ids:
        return 0
    have = set(
        Notification.objects.filter(key=key, recipient_id__in=ids).values_list("recipient_id", flat=True)
    )
    rows = [
        Notification(recipient_id=i, key=key, title=title, body=body, url=url) for i in sorted(ids - have)
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
