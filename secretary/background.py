"""Enqueue Celery tasks only once the surrounding transaction has committed."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` after commit; a rolled-back transaction sends nothing.

    Tasks take ids and re-read state, so they must be enqueued only when the rows they name are
    visible to the worker.
    """
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
