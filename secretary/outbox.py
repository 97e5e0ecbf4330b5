"""The transactional outbox of background jobs, the task class every job runs under, and the
relay that re-sends what the broker never got (or a dead worker never finished).

A request records its jobs as ``Outbox`` rows in its own transaction, publishes them after
commit with a short, bounded broker timeout (a broker outage never turns the request into an
error or a hang), and the relay (beat, every ``OUTBOX_RELAY_INTERVAL`` seconds, or
``manage.py relay_outbox``) publishes again every row the worker has not marked done. The Celery
task id is the row's ``task_id``: a redelivered or duplicated message finds its row done and
does nothing. Tasks stay idempotent on their own rows too (two copies may run at once).

This module imports no model at import time: it names the app's task class, which Celery
loads before Django's apps are ready.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import kombu.exceptions
from celery import Task
from celery.exceptions import Ignore, Reject, Retry
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from secretary.rls import PracticeTask

logger = logging.getLogger(__name__)


@functools.cache
def transient_errors() -> tuple[type[BaseException], ...]:
    """Errors that say "try again later", not "this job is wrong": the database or the broker
    is restarting, a connection dropped, a disk or socket hiccupped. Use it as
    ``except transient_errors():``.

    Redis is imported here, not at module level: the redis package is one of the largest
    imports of start-up (``bench/startup.py``), and many processes that load this module
    (``manage.py`` commands, the embedded broker) never talk to Redis.
    """
    import redis.exceptions

    return (
        OperationalError,
        InterfaceError,
        OSError,
        kombu.exceptions.OperationalError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
    )


class TransientErrors:
    """``transient_errors()`` as a task's ``autoretry_for``: Celery turns it into a tuple when
    it creates the task (``tuple(autoretry_for)``), after the task module is imported."""

    def __iter__(self):
        return iter(transient_errors())


RETRY_TRANSIENT_ERRORS = TransientErrors()


def backoff_seconds(failures: int, *, base: float = 2.0, maximum: float = 120.0) -> float:
    """Exponential backoff with full jitter: a random wait up to ``base * 2**failures``."""
    return random.uniform(0, min(maximum, base * (2 ** max(failures, 0))))


class BackgroundTask(PracticeTask):
    """The base of every task of the app (``Celery(task_cls=...)``).

    - Retries transient database and broker errors with exponential backoff and jitter.
    - Runs a task called with ``practice_id`` inside that practice (``rls.PracticeTask``).
    - Runs at most once per outbox row: a message whose row is done is acknowledged and
      skipped; a finished run marks its row done (and wipes its arguments, which may hold a
      secret such as an invitation token), so the relay stops sending it.
    """

    autoretry_for = RETRY_TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 120
    retry_jitter = True
    max_retries = 6

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        task_id = None if request.called_directly else request.id
        if task_id is None:
            return super().__call__(*args, **kwargs)
        try:
            state = outbox_state(task_id)
        except transient_errors() as error:
            if request.is_eager:
                raise
            raise self.retry(
                exc=error, countdown=backoff_seconds(request.retries), max_retries=None
            ) from error
        if state == "done":
            logger.info("Job %s[%s] already done: skipped", self.name, task_id)
            return None
        try:
            result = super().__call__(*args, **kwargs)
        except (Retry, Ignore, Reject):
            raise
        except Exception as error:
            # Out of retries, or an error no retry can fix: stop sending it, keep why.
            if state == "pending":
                outbox_mark_done(task_id, error=f"{type(error).__name__}: {error}")
            raise
        if state == "pending":
            outbox_mark_done(task_id)
        return result


# --- Writing and publishing ------------------------------------------------------------------


def outbox_record(task: Task, args: tuple, kwargs: dict[str, Any]):
    """Write the job's row in the current transaction and publish it once that commits."""
    from secretary.models import Outbox

    practice_id = kwargs.get("practice_id")
    now = timezone.now()
    row = Outbox.objects.create(
        task_id=uuid.uuid4(),
        task_name=task.name,
        queue=_queue_of(task),
        args=list(args),
        kwargs=kwargs,
        practice_id=practice_id if isinstance(practice_id, int) else None,
        created_at=now,
        # The relay leaves the row to the request for a while: it publishes right after commit.
        next_attempt_at=now + timedelta(seconds=settings.OUTBOX_RELAY_INTERVAL),
    )
    transaction.on_commit(lambda: outbox_publish(row))
    return row


def _queue_of(task: Task) -> str:
    route = task.app.amqp.router.route({}, task.name, (), {})
    queue = route.get("queue")
    return getattr(queue, "name", queue) or task.app.conf.task_default_queue


_pool_lock = threading.Lock()
_publish_pools: dict[str, Any] = {}


def _publish_pool(app):
    """Broker connections for publishing, with short socket timeouts: a broker that is down
    or frozen costs a request about ``OUTBOX_PUBLISH_TIMEOUT`` seconds, never a hang."""
    url = app.conf.broker_write_url or app.conf.broker_url
    with _pool_lock:
        pool = _publish_pools.get(url)
        if pool is None:
            timeout = settings.OUTBOX_PUBLISH_TIMEOUT
            connection = app.connection_for_write(
                url,
                connect_timeout=timeout,
                transport_options={
                    **app.conf.broker_transport_options,
                    "socket_timeout": timeout,
                    "socket_connect_timeout": timeout,
                    # Connecting: one retry, no waiting between (kombu's failover options).
                    "max_retries": 1,
                    "interval_start": 0,
                    "interval_step": 0.1,
                    "interval_max": 0.1,
                },
            )
            pool = _publish_pools[url] = connection.Pool(limit=app.conf.broker_pool_limit or 10)
        return pool


def reset_publish_connections() -> None:
    """Forget the publishing connections (the broker URL changed, e.g. in tests)."""
    with _pool_lock:
        for pool in _publish_pools.values():
            pool.force_close_all()
        _publish_pools.clear()
        _broker_down_until.clear()


# After a failed publish, this process leaves new jobs to the relay for a few seconds instead
# of paying the timeout again: a request that records three jobs waits once, not three times.
BROKER_RETRY_AFTER = 5.0
_broker_down_until: dict[str, float] = {}


def outbox_publish(row, *, force: bool = False) -> bool:
    """Hand the row's job to the broker; True when it got there.

    In-process (eager) mode runs the job here and lets its errors through, as before. With a
    broker, a failure is recorded on the row for the relay and never raised; for a few seconds
    after one, jobs are left to the relay without trying (unless ``force``).
    """
    from secretary.models import Outbox

    task = _task_named(row.task_name)
    if task.app.conf.task_always_eager:
        task.apply_async(args=row.args, kwargs=row.kwargs, task_id=str(row.task_id))
        _record_sent(Outbox, row)
        return True
    url = task.app.conf.broker_write_url or task.app.conf.broker_url
    if not force and time.monotonic() < _broker_down_until.get(url, 0.0):
        _record_failure(Outbox, row, ConnectionError("the broker failed moments ago"))
        return False
    timeout = settings.OUTBOX_PUBLISH_TIMEOUT
    try:
        with _publish_pool(task.app).acquire(block=True, timeout=timeout) as connection:
            task.apply_async(
                args=row.args,
                kwargs=row.kwargs,
                task_id=str(row.task_id),
                connection=connection,
                retry=True,
                retry_policy={
                    "max_retries": 1,
                    "interval_start": 0,
                    "interval_step": 0.1,
                    "interval_max": 0.1,
                },
            )
    except Exception as error:  # any broker failure leaves the row to the relay
        logger.warning(
            "Job %s[%s] not published (%s: %s); the relay will send it",
            row.task_name,
            row.task_id,
            type(error).__name__,
            error,
        )
        _broker_down_until[url] = time.monotonic() + BROKER_RETRY_AFTER
        _record_failure(Outbox, row, error)
        return False
    _broker_down_until.pop(url, None)
    _record_sent(Outbox, row)
    return True


def _task_named(name: str) -> Task:
    from secretary.celery import app

    return app.tasks[name]


def _record_sent(model, row) -> None:
    now = timezone.now()
    try:
        model.objects.filter(pk=row.pk).update(
            sent_at=now,
            deliveries=F("deliveries") + 1,
            failures=0,
            last_error="",
            next_attempt_at=now + timedelta(seconds=settings.OUTBOX_RESEND_AFTER),
        )
    except DatabaseError:
        # The job is on its way; at worst the relay sends it again and the row makes it a no-op.
        logger.warning("Job %s[%s] sent but not recorded", row.task_name, row.task_id)


def _record_failure(model, row, error: BaseException) -> None:
    failures = (row.failures or 0) + 1
    row.failures = failures
    # The next relay run tries again; after repeated failures, less and less often.
    delay = 0 if failures < 3 else min(600, settings.OUTBOX_RELAY_INTERVAL * 2 ** (failures - 3))
    try:
        model.objects.filter(pk=row.pk).update(
            failures=failures,
            last_error=f"{type(error).__name__}: {error}"[:500],
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
    except DatabaseError:
        logger.warning("Job %s[%s]: the failure was not recorded", row.task_name, row.task_id)


# --- The worker's side -----------------------------------------------------------------------


def outbox_state(task_id: str) -> str:
    """``"done"``, ``"pending"``, or ``"none"`` (the job was sent without the outbox)."""
    from secretary.models import Outbox

    try:
        key = uuid.UUID(str(task_id))
    except ValueError:
        return "none"
    found = list(Outbox.objects.filter(task_id=key).values_list("done_at", flat=True)[:1])
    if not found:
        return "none"
    return "pending" if found[0] is None else "done"


def outbox_mark_done(task_id: str, *, error: str = "") -> None:
    """Mark the row done and wipe its arguments; best effort (if the database is down the
    relay sends the job again later, and the job finds its own rows already handled)."""
    from secretary.models import Outbox

    try:
        Outbox.objects.filter(task_id=uuid.UUID(str(task_id)), done_at__isnull=True).update(
            done_at=timezone.now(), args=[], kwargs={}, last_error=error[:500]
        )
    except DatabaseError:
        logger.warning("Job %s done but not recorded; it may run again (a no-op)", task_id)


# --- The relay -------------------------------------------------------------------------------


def outbox_relay(*, limit: int = 200) -> dict[str, int]:
    """Publish due rows not yet done; give up on rows sent too often; purge old done rows.

    Stops at the first publishing failure (the broker is down: the rest waits for the next
    run). Safe to run from several places at once: rows are locked and skipped on PostgreSQL,
    and a duplicate publish is a no-op for the worker.
    """
    from secretary.models import Outbox

    now = timezone.now()
    counts = {"sent": 0, "failed": 0, "abandoned": 0, "purged": 0}
    with transaction.atomic():
        due = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(done_at__isnull=True, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")[:limit]
        )
        for row in due:
            if row.deliveries >= settings.OUTBOX_MAX_DELIVERIES:
                logger.error(
                    "Job %s[%s] sent %s times and never finished: abandoned",
                    row.task_name,
                    row.task_id,
                    row.deliveries,
                )
                Outbox.objects.filter(pk=row.pk).update(
                    done_at=now, args=[], kwargs={}, last_error="abandoned: never finished"
                )
                counts["abandoned"] += 1
                continue
            if row.task_name not in _task_registry():
                logger.error("Job %s[%s]: no such task", row.task_name, row.task_id)
                Outbox.objects.filter(pk=row.pk).update(done_at=now, last_error="no such task")
                counts["abandoned"] += 1
                continue
            if outbox_publish(row, force=True):
                counts["sent"] += 1
            else:
                counts["failed"] += 1
                break
    keep = timedelta(days=settings.OUTBOX_KEEP_DONE_DAYS)
    counts["purged"], _ = Outbox.objects.filter(done_at__lt=now - keep).delete()
    if counts["sent"] or counts["failed"] or counts["abandoned"]:
        logger.info("Outbox relay: %s", counts)
    return counts


def _task_registry():
    from secretary.celery import app

    return app.tasks
