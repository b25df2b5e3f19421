"""Mark stored verdicts stale when their facts change, and have the worker refresh them.

Each save or delete of a fact marks, in the same transaction, the stored verdicts of the branches it
touches stale (one update; a rolled-back change rolls its mark back too): the branch above an
activity, a talk or a member, every branch of the subtree of a post or an organisation. When the
transaction commits, one refresh task is queued unless one is still waiting (as `supervision` does).
Bulk writes send no signals: code doing them calls `touch`.
"""

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_init, post_save


def touch(orgs=(), *, trees=(), activities=(), campaigns=()) -> None:
    """Mark stale what changed: organisations, whole subtrees, activities, 民主评议 campaigns (by id)."""
    from dangjian.evaluations.models import Campaign
    from dangjian.meetings.models import Activity
    from dangjian.orgs.models import Organisation

    from .models import VerdictState

    orgs, trees = [o for o in orgs if o], [o for o in trees if o]
    if not (orgs or trees or activities or campaigns):
        return
    touched = Q(pk__in=orgs) | Q(children__pk__in=orgs)  # a 党小组's verdicts are stored with its branch
    if activities:
        held_by = Activity.objects.filter(pk__in=activities).values("org_id")
        touched |= Q(pk__in=held_by) | Q(children__pk__in=held_by)
    if campaigns:
        touched |= Q(pk__in=Campaign.objects.filter(pk__in=campaigns).values("org_id"))
    for path in Organisation.objects.filter(pk__in=trees).values_list("path", flat=True) if trees else ():
        touched |= Q(path__startswith=path)
    branches = Organisation.objects.filter(touched).values("pk")
    if not VerdictState.objects.filter(branch__in=branches, stale=False).update(stale=True):
        return
    if connection.in_atomic_block and any(entry[1] is _enqueue for entry in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue)


def _enqueue() -> None:
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from .tasks import refresh_verdicts

    if isinstance(refresh_verdicts.get_backend(), DatabaseBackend):
        waiting = DBTaskResult.objects.ready().filter(task_path=refresh_verdicts.module_path)
        if waiting.exists():  # a refresh not started yet will see this change too
            return
    refresh_verdicts.enqueue()


def _org(**kwargs) -> None:
    instance = kwargs["instance"]
    touch([instance.org_id, getattr(instance, "_verdicts_org", None)])


def _activity_part(**kwargs) -> None:
    touch(activities=[kwargs["instance"].activity_id])


def _campaign_part(**kwargs) -> None:
    touch(campaigns=[kwargs["instance"].campaign_id])


def _tree(**kwargs) -> None:
    instance = kwargs["instance"]
    touch(trees=[instance.org_id, getattr(instance, "_verdicts_org", None)])


def _organisation(**kwargs) -> None:
    instance = kwargs["instance"]
    touch([instance.parent_id, getattr(instance, "_verdicts_org", None)], trees=[instance.pk])


def _transfer(**kwargs) -> None:
    instance = kwargs["instance"]
    touch([instance.from_org_id, instance.to_org_id])


def _remember(field: str):
    def remember(**kwargs) -> None:  # the organisation before an edit moves the row elsewhere
        instance = kwargs["instance"]
        instance._verdicts_org = instance.__dict__.get(field)

    return remember


def connect() -> None:
    from dangjian.evaluations.models import Ballot, Campaign, Decision, SelfEvaluation
    from dangjian.meetings.models import Activity, AgendaItem, Attendance, Record, Rectification
    from dangjian.members.models import Member, Transfer
    from dangjian.orgs.models import Organisation, Position
    from dangjian.talks.models import Talk

    handlers = {
        Activity: _org,
        Talk: _org,
        Campaign: _org,
        Member: _org,
        Attendance: _activity_part,
        Record: _activity_part,
        Rectification: _activity_part,
        AgendaItem: _activity_part,
        Decision: _campaign_part,
        SelfEvaluation: _campaign_part,
        Ballot: _campaign_part,
        Position: _tree,  # a post above a branch lets its holder lead the branch's 党课
        Organisation: _organisation,
        Transfer: _transfer,
    }
    for model, handler in handlers.items():
        name = model.__name__
        post_save.connect(handler, sender=model, dispatch_uid=f"verdicts-{name}-save", weak=False)
        post_delete.connect(handler, sender=model, dispatch_uid=f"verdicts-{name}-delete", weak=False)
    for model, field in (
        (Activity, "org_id"),
        (Member, "org_id"),
        (Position, "org_id"),
        (Organisation, "parent_id"),
    ):
        post_init.connect(
            _remember(field), sender=model, dispatch_uid=f"verdicts-{model.__name__}-init", weak=False
        )
