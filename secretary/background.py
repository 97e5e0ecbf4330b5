"""Enqueue Celery tasks only once the surrounding transaction has committed, and re-read
what a task names inside its practice's scope."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import Task
from django.db import transaction

from secretary.models import Practice
from secretary.scope import practice_scope


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` after commit; a rolled-back transaction sends nothing.

    Tasks take ids and re-read state, so they must be enqueued only when the rows they name are
    visible to the worker.
    """
    transaction.on_commit(lambda: task.delay(*args, **kwargs))


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
