"""Background job of supervision (Django tasks API; `dangjian worker` runs the queue)."""

from django_tasks import task


@task()
def recompute() -> dict[str, int]:
    from .services import compute

    result = compute()
    return {"found": result.found, "created": result.created, "gone": result.gone}
