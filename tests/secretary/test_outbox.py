"""The outbox of background jobs: recorded with the transaction, published after commit without
ever failing the request, re-sent by the relay until a worker has run them, run once per row;
and the retries every task gets for transient database and broker errors."""

import socket
import time
from datetime import timedelta

import pytest
from celery.signals import after_task_publish
from django.core import mail
from django.db import OperationalError, transaction
from django.utils import timezone

from secretary import services
from secretary.celery import app
from secretary.models import Outbox
from secretary.outbox import outbox_publish, outbox_relay
from tests.infra.worker import point_celery_at

RUNS: list[tuple] = []


@app.task(name="tests.secretary.count_run")
def count_run(*, practice_id: int, label: str) -> str:
    """A job with a visible effect: it appends to RUNS."""
    RUNS.append((practice_id, label))
    return label


class Rollback(Exception):
    pass


def closed_port() -> int:
    """A loopback port nobody listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def _runs():
    RUNS.clear()
    yield
    RUNS.clear()


@pytest.fixture
def broker(settings):
    """Tasks go to a broker instead of running in-process; ``broker.point(url)`` chooses it."""
    previous_url, previous_eager = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False

    class Broker:
        @staticmethod
        def point(url: str) -> None:
            point_celery_at(url)

        @staticmethod
        def down() -> None:
            point_celery_at(f"redis://127.0.0.1:{closed_port()}/0")

    yield Broker
    app.conf.task_always_eager = previous_eager
    point_celery_at(previous_url)


@pytest.fixture
def published():
    names: list[str] = []

    def record(sender=None, **kwargs):
        names.append(sender)

    after_task_publish.connect(record, weak=False)
    yield names
    after_task_publish.disconnect(record)


@pytest.fixture
def worker_like_retries():
    """Eager runs re-raise ``Retry`` when errors propagate; a worker schedules the retry."""
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates


def invite(world, email: str = "new@example.com"):
    return services.invitation_create(
        practice=world.practice, invited_by=world.owner, email=email, role="secretary"
    )


# --- Recording ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_records_the_job_with_the_transaction_and_marks_it_done_once_run(world):
    # Given an invitation made in a transaction
    with transaction.atomic():
        _invitation, token = invite(world)
        # Then its job is recorded, not yet run
        [job] = Outbox.objects.all()
        assert job.task_name == "secretary.tasks.send_invitation"
        assert job.practice_id == world.practice.pk
        assert job.done_at is None
        assert mail.outbox == []
    # When it commits, then the job runs once and its row is done, the token wiped from it
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    job.refresh_from_db()
    assert job.done_at is not None
    assert job.sent_at is not None
    assert token not in str(job.kwargs) and job.kwargs == {}


@pytest.mark.django_db(transaction=True)
def test_it_records_nothing_when_the_transaction_rolls_back(world):
    with pytest.raises(Rollback), transaction.atomic():
        invite(world)
        raise Rollback
    assert not Outbox.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_job_once_however_often_it_is_delivered(world):
    # Given a job that has run
    from secretary.background import enqueue_on_commit

    with transaction.atomic():
        enqueue_on_commit(count_run, practice_id=world.practice.pk, label="once")
    [job] = Outbox.objects.all()
    assert RUNS == [(world.practice.pk, "once")]

    # When its message is delivered again (a redelivery, or the relay sending it twice)
    again = count_run.apply(
        kwargs={"practice_id": world.practice.pk, "label": "once"}, task_id=str(job.task_id)
    )

    # Then it does nothing
    assert again.get() is None
    assert RUNS == [(world.practice.pk, "once")]


# --- The broker is down ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_answers_at_once_and_keeps_the_job_when_the_broker_is_down(world, broker):
    # Given a broker that refuses connections
    broker.down()

    # When someone is invited
    started = time.monotonic()
    with transaction.atomic():
        invitation, _token = invite(world)
    elapsed = time.monotonic() - started

    # Then the invitation is committed, quickly and without an error
    assert elapsed < 2.5
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    # And its job waits for the relay, due at its next run
    [job] = Outbox.objects.all()
    assert job.done_at is None and job.sent_at is None
    assert job.failures == 1
    assert job.last_error
    assert job.next_attempt_at <= timezone.now()


@pytest.mark.django_db(transaction=True)
def test_the_relay_publishes_what_the_broker_did_not_get(world, broker, published):
    # Given a job the broker did not get
    broker.down()
    with transaction.atomic():
        invite(world)
    assert published == []

    # When the broker is back and the relay runs
    broker.point("memory://")
    counts = outbox_relay()

    # Then the job is published once and not due again before the worker could run it
    assert counts["sent"] == 1
    assert published == ["secretary.tasks.send_invitation"]
    [job] = Outbox.objects.all()
    assert job.sent_at is not None and job.deliveries == 1 and job.failures == 0
    assert job.next_attempt_at > timezone.now() + timedelta(minutes=5)
    assert outbox_relay()["sent"] == 0


@pytest.mark.django_db(transaction=True)
def test_the_relay_stops_at_the_first_failure(world, broker):
    # Given two jobs waiting while the broker is down
    broker.down()
    with transaction.atomic():
        invite(world, "one@example.com")
        invite(world, "two@example.com")

    # When the relay runs, it tries one and leaves the other for its next run
    counts = outbox_relay()
    assert (counts["sent"], counts["failed"]) == (0, 1)
    assert Outbox.objects.filter(done_at__isnull=True).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_relay_gives_up_on_a_job_sent_too_often(world, broker, settings):
    # Given a job sent as often as allowed that no worker ever finished
    broker.down()
    with transaction.atomic():
        invite(world)
    Outbox.objects.update(deliveries=settings.OUTBOX_MAX_DELIVERIES)

    # When the relay runs, it stops sending it and says why
    assert outbox_relay()["abandoned"] == 1
    [job] = Outbox.objects.all()
    assert job.done_at is not None
    assert "abandoned" in job.last_error
    assert job.kwargs == {}


@pytest.mark.django_db(transaction=True)
def test_a_publish_failure_never_raises(world, broker, monkeypatch):
    # Given a broker that fails in an unexpected way
    broker.point("memory://")

    def explode(*args, **kwargs):
        raise RuntimeError("broker exploded")

    monkeypatch.setattr(app.tasks["secretary.tasks.send_invitation"], "apply_async", explode)
    with transaction.atomic():
        invite(world)
    [job] = Outbox.objects.all()
    # Then the request went on, and the relay has the job
    assert outbox_publish(job, force=True) is False
    job.refresh_from_db()
    assert "broker exploded" in job.last_error


# --- Transient errors ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_retries_a_job_that_meets_a_database_error(world, monkeypatch, worker_like_retries):
    # Given a database that fails once while the invitation is being sent
    import secretary.tasks

    real_send_mail = secretary.tasks.send_mail
    failures = iter([OperationalError("server closed the connection unexpectedly")])

    def flaky_send_mail(*args, **kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr(secretary.tasks, "send_mail", flaky_send_mail)

    # When someone is invited
    with transaction.atomic():
        invitation, _token = invite(world)

    # Then the job was retried and the email sent once
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert Outbox.objects.get().done_at is not None


def test_every_task_retries_transient_database_and_broker_errors():
    import kombu.exceptions
    import redis.exceptions
    from django.db import InterfaceError

    for name, task in app.tasks.items():
        if name.startswith("celery."):
            continue
        for error in (
            OperationalError,
            InterfaceError,
            OSError,
            kombu.exceptions.OperationalError,
            redis.exceptions.ConnectionError,
        ):
            assert issubclass(error, tuple(task.autoretry_for)), (name, error)
        assert task.retry_backoff and task.retry_jitter, name
