from collections.abc import Iterable

from django.db import transaction

from .models import Notification


@transaction.atomic
def notify(
    recipients: Iterable, *, key: str, title: str, body: str = "", url: str = "", accounts: Iterable = ()
) -> int:
    """Give each member (or member id) and each account without a member (or its id; the office's) one
    notice under `key`; those who already have it are skipped. Returns how many notices were written."""
    ids = {getattr(r, "pk", r) for r in recipients}
    account_ids = {getattr(a, "pk", a) for a in accounts}
    rows = []
    if ids:
        have = set(
            Notification.objects.filter(key=key, recipient_id__in=ids).values_list("recipient_id", flat=True)
        )
        rows += [
            Notification(recipient_id=i, key=key, title=title, body=body, url=url) for i in sorted(ids - have)
        ]
    if account_ids:
        have = set(
            Notification.objects.filter(key=key, account_id__in=account_ids).values_list(
                "account_id", flat=True
            )
        )
        rows += [
            Notification(account_id=i, key=key, title=title, body=body, url=url)
            for i in sorted(account_ids - have)
        ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def inbox_of(user):
    """The user's notices: their member's, or their account's when it has no member (the office's)."""
    from dangjian.accounts.access import access_for

    member_id = access_for(user).member_id
    if member_id:
        return Notification.objects.filter(recipient_id=member_id)
    return Notification.objects.filter(account_id=user.pk)


def office_accounts(org) -> list[int]:
    """Ids of the active town-office (党建办) accounts whose scope holds `org`: they have no member, so
    what the office is to hear goes to these accounts."""
    from dangjian.accounts.models import User

    return [
        pk
        for pk, path in User.objects.filter(kind=User.Kind.OFFICE, is_active=True, scope_org__isnull=False)
        .values_list("pk", "scope_org__path")
        .order_by("pk")
        if org.path.startswith(path)
    ]
