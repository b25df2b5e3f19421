"""Background job of compliance (Django tasks API; `dangjian worker` runs the queue)."""

from django_tasks import task


@task()
def refresh_verdicts() -> dict[str, int]:
    from .stored import refresh_stale

    return {"stored": refresh_stale()}
