"""Celery tasks of bookkeeping, gathered here so the worker registers them (Celery
autodiscovers ``billing.tasks``); each area keeps its own module."""

from billing.bank.tasks import import_statement, requeue_stalled_imports

__all__ = ["import_statement", "requeue_stalled_imports"]
