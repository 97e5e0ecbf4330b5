"""Importing statements on a worker (the ``default`` queue), and the sweep that queues again
what a dead worker left half done."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from billing.bank import services
from secretary.models import Practice
from secretary.outbox import transient_errors

logger = logging.getLogger(__name__)

# Below the broker's visibility timeout (600 s), which is below the import lease.
IMPORT_TIME_LIMIT = 540


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=IMPORT_TIME_LIMIT - 30,
    time_limit=IMPORT_TIME_LIMIT,
    # Each batch commits on its own (progress shows while the import runs): the steps enter
    # the practice themselves.
    in_practice_transaction=False,
)
def import_statement(self, *, practice_id: int, statement_import_id: int) -> str:
    """Import one queued statement file.

    Idempotent: only the run that claims the import works on it; lines are deduplicated by
    their hash, so a run after a dead worker finishes the job without creating a line twice.
    A run that finds another's live claim comes back when that lease expires.
    """
    statement_import = services.import_claim(
        practice_id=practice_id, statement_import_id=statement_import_id
    )
    if statement_import is None:
        left = services.import_lease_left(
            practice_id=practice_id, statement_import_id=statement_import_id
        )
        if left is not None and not self.request.is_eager:
            raise self.retry(countdown=left + 1, max_retries=None)
        return "skipped"
    try:
        services.import_run(statement_import=statement_import)
    except transient_errors():
        try:
            services.import_release(statement_import=statement_import)
        except transient_errors():
            pass  # the database is away: the sweep queues it again when the lease expires
        raise
    except Exception:
        logger.exception("Statement import %s failed", statement_import_id)
        services.import_fail(
            statement_import=statement_import,
            reason=_(
                "The statement could not be imported because of an unexpected error. "
                "Upload it again; if it fails again, contact support."
            ),
        )
        return "failed"
    return "done"


@shared_task
def requeue_stalled_imports() -> int:
    """Beat: queue again every import whose worker died (its lease expired)."""
    requeued = 0
    for practice in Practice.objects.order_by("pk"):
        requeued += len(services.imports_requeue_stalled(practice=practice))
    if requeued:
        logger.warning("Re-queued %s statement import(s) left by a lost worker", requeued)
    return requeued
