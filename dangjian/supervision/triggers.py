"""Recompute the signals in the background after activities or attendance change: one task per
committed transaction, however many rows it saved (a rolled-back transaction enqueues nothing), and
none while one is still waiting in the queue."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save


def schedule(**kwargs) -> None:
    if connection.in_atomic_block and any(entry[1] is _enqueue for entry in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue)


def _enqueue() -> None:
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from .tasks import recompute

    if isinstance(recompute.get_backend(), DatabaseBackend):
        waiting = DBTaskResult.objects.ready().filter(task_path=recompute.module_path)
        if waiting.exists():  # a recomputation not started yet will see this change too
            return
    recompute.enqueue()


def connect() -> None:
    from dangjian.meetings.models import Activity, Attendance

    for model in (Activity, Attendance):
        post_save.connect(schedule, sender=model, dispatch_uid=f"supervision-{model.__name__}-save")
        post_delete.connect(schedule, sender=model, dispatch_uid=f"supervision-{model.__name__}-delete")
