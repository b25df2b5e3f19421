"""What the ledger tells the compliance check about a 主题党日: payments recorded at it satisfy its 交纳党费
part and its 党费交纳台帐 record, so the branch need not upload a ledger it already keeps here."""

import dataclasses

from .models import Payment
from .rates import current


def paid_activities(activities) -> set[int]:
    """Ids among `activities` (a queryset of activities, or of their ids) with a payment recorded at them
    and not reversed: one query."""
    return set(
        Payment.objects.filter(activity__in=activities, kind=Payment.Kind.PAYMENT, reversed_by__isnull=True)
        .order_by()
        .values_list("activity_id", flat=True)
        .distinct()
    )


def paid_at(activity) -> bool:
    """Whether `activity` is a 主题党日 at which a payment is recorded and not reversed."""
    return activity.kind == current().theme_item and activity.pk in paid_activities([activity.pk])


def with_ledger(fact, paid: set[int]):
    """The compliance engine's ActivityFact, with the ledger's part and record added when it was paid at."""
    book = current()
    if fact.kind != book.theme_item or fact.id not in paid:
        return fact
    parts = None if fact.parts is None else fact.parts | {book.theme_part}
    return dataclasses.replace(fact, records=fact.records | {book.theme_record}, parts=parts)
