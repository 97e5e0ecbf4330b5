"""Enqueue Celery tasks only once the surrounding transaction has committed, and re-read
what a task names inside its practice's scope."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import Task

from secretary.models import Practice
from secretary.outbox import outbox_record
from secretary.scope import practice_scope


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Record ``task`` in the current transaction and send it after commit; a rolled-back
    transaction records and sends nothing.

    Tasks take ids and re-read state, so they must be enqueued only when the rows they name are
    visible to the worker. Arguments are stored as JSON (ids, short strings). The job is kept in
    the outbox until the worker has run it: if the broker is down it is sent again by the relay,
    and the request never waits for, or fails because of, the broker.
    """
    outbox_record(task, args, kwargs)


@contextmanager
def practice_object(
    model, *, practice_id: int, object_id: int, related: tuple[str, ...] = ()
) -> Iterator[tuple[Practice | None, Any]]:
    """Re-read the practice and one of its objects that a task names, inside the practice's
    scope. Yields ``(practice, obj)``; ``obj`` is None when either no longer exists (the task
    then has nothing to do)."""
    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        yield None, None
        return
    with practice_scope(practice):
        obj = (
            model.objects.for_practice(practice)
            .select_related(*related)
            .filter(pk=object_id)
            .first()
        )
        yield practice, obj
