"""Tasks are enqueued only after commit: a rolled-back transaction sends nothing, a committed
one sends exactly once. Checked in-process (eager, the embedded default) and, where Redis and
PostgreSQL are reachable, through the broker to a real worker."""

import pytest
from celery.signals import before_task_publish, task_prerun
from django.core import mail
from django.db import transaction

from secretary.background import enqueue_on_commit
from secretary.celery import app
from secretary.models import Outbox
from secretary.services import invitation_create
from tests.conftest import build_world

# Celery's built-in "accumulate" task returns its arguments: a probe with no side effects that
# every worker knows.
PROBE = app.tasks["celery.accumulate"]


class Rollback(Exception):
    pass


@pytest.fixture
def published():
    """Task messages handed to the broker by this process: [(task name, task id)]."""
    messages: list[tuple[str, str]] = []

    def record(sender=None, headers=None, **kwargs):
        messages.append((sender, headers["id"]))

    before_task_publish.connect(record, weak=False)
    yield messages
    before_task_publish.disconnect(record)


@pytest.fixture
def ran_here():
    """Tasks executed in this process (eager mode): [(task name, args)]."""
    runs: list[tuple[str, tuple]] = []

    def record(sender=None, args=None, **kwargs):
        runs.append((sender.name, tuple(args or ())))

    task_prerun.connect(record, weak=False)
    yield runs
    task_prerun.disconnect(record)


# --- In-process (eager) ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_never_runs_a_task_enqueued_in_a_rolled_back_transaction(ran_here, published):
    # Given a transaction that enqueues a task
    # When it rolls back
    with pytest.raises(Rollback), transaction.atomic():
        enqueue_on_commit(PROBE, "lost")
        raise Rollback
    # Then the task never ran and nothing reached a broker
    assert ran_here == []
    assert published == []


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_committed_task_exactly_once_after_commit(ran_here):
    # Given a transaction that enqueues a task
    with transaction.atomic():
        enqueue_on_commit(PROBE, "kept")
        # Then nothing runs before the commit
        assert ran_here == []
    # When it commits, then the task runs once
    assert ran_here == [("celery.accumulate", ("kept",))]


@pytest.mark.django_db(transaction=True)
def test_it_sends_no_invitation_email_when_the_transaction_rolls_back():
    # Given an owner who invites someone inside a transaction that then fails
    world = build_world()
    with pytest.raises(Rollback), transaction.atomic():
        invitation_create(
            practice=world.practice,
            invited_by=world.owner,
            email="lost@example.com",
            role="secretary",
        )
        raise Rollback
    # Then no email is sent
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_it_sends_the_invitation_email_once_after_commit():
    # Given an owner who invites someone inside a transaction
    world = build_world()
    with transaction.atomic():
        invitation_create(
            practice=world.practice,
            invited_by=world.owner,
            email="kept@example.com",
            role="secretary",
        )
        assert mail.outbox == []
    # When it commits, then exactly one email is sent
    assert [message.to for message in mail.outbox] == [["kept@example.com"]]


# --- Through the broker, to the real worker ------------------------------------------------


def done(job: Outbox) -> bool:
    """The worker marks a job's outbox row done once it has run it."""
    job.refresh_from_db()
    return job.done_at is not None and job.last_error == ""


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_never_publishes_a_task_enqueued_in_a_rolled_back_transaction(
    celery_worker_live, published
):
    # Given a transaction that enqueues a task, and one that commits
    with pytest.raises(Rollback), transaction.atomic():
        enqueue_on_commit(PROBE, "lost")
        raise Rollback
    with transaction.atomic():
        enqueue_on_commit(PROBE, "kept")
    # Then only the committed task reached the broker, and the worker ran it
    assert [name for name, _ in published] == ["celery.accumulate"]
    [job] = Outbox.objects.all()
    assert str(job.task_id) == published[0][1]
    celery_worker_live.wait_for(lambda: done(job), what="the worker to run the job")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_publishes_a_committed_task_exactly_once(celery_worker_live, published):
    # Given a transaction that enqueues a task
    with transaction.atomic():
        enqueue_on_commit(PROBE, "once")
        # Then nothing is published before the commit
        assert published == []
    # When it commits, then one message is published and the worker runs it
    assert len(published) == 1
    [job] = Outbox.objects.all()
    celery_worker_live.wait_for(lambda: done(job), what="the worker to run the job")
