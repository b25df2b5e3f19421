"""Background jobs of the notifications app (Django tasks API; `dangjian db_worker` runs them)."""

from django_tasks import task


@task()
def deliver() -> dict[str, int]:
    from .outbox import deliver_due

    return deliver_due()
