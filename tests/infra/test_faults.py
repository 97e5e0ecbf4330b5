"""Fault injection: a Redis and Celery workers of the test's own, frozen, killed and restarted
while the app serves requests.

- Redis frozen, then killed: inviting, asking for something in the portal, proposing an
  engagement and signing in all answer within seconds; their rows are committed and their jobs
  wait in the outbox. Once Redis is back the relay sends them and the worker runs each once.
- A worker killed in the middle of a render: the render's lease expires, the sweep queues it
  again, a new worker makes the one file; a late duplicate of the lost message does nothing.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.models import Engagement, EngagementStatus
from documents import services as document_services
from documents.models import Document, DocumentKind, DocumentStatus
from documents.tasks import requeue_stalled_documents
from secretary.celery import app
from secretary.models import Invitation, Outbox
from tasks.models import Task
from tests.conftest import build_world, client_for
from tests.documents.conftest import LETTER
from tests.factories import PASSWORD
from tests.infra import services
from tests.infra.worker import LiveWorker, point_celery_at, start_worker, url_for_database
from tests.tasks.factories import ClientFactory, ContactFactory, EngagementFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
# What "answers at once" means here: the publish timeout (0.5 s) and one reconnect, with room
# for a busy CI host.
REQUEST_BUDGET = 2.5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of this test: no persistence (a restart loses every message)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.root / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + 15
        while True:
            try:
                redis.Redis(port=self.port, socket_timeout=0.5).ping()
                return
            except redis.RedisError:
                assert self.process.poll() is None, "redis-server exited"
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.05)

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def kill(self) -> None:
        """Terminate (a frozen server handles the signal once continued)."""
        self.process.terminate()
        os.kill(self.process.pid, signal.SIGCONT)
        self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=15)


@pytest.fixture
def own_redis(tmp_path, settings):
    """A Redis of our own, the broker and the cache of this process while the test runs."""
    if not os.access(REDIS_SERVER, os.X_OK):
        action, reason = "fail" if services.detect().ci else "skip", "no redis-server binary"
        (pytest.fail if action == "fail" else pytest.skip)(reason)
    server = OwnRedis(tmp_path)
    server.start()
    previous_broker, previous_eager = app.conf.broker_url, app.conf.task_always_eager
    point_celery_at(server.url)
    app.conf.task_always_eager = False
    settings.CACHES = {
        "default": {
            "BACKEND": "secretary.cache.FallbackRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        yield server
    finally:
        app.conf.task_always_eager = previous_eager
        point_celery_at(previous_broker)
        server.stop()


@pytest.fixture
def workers(own_redis, tmp_path):
    """Start workers on our Redis and the test database; all are stopped at the end."""
    from django.db import connection

    started: list[LiveWorker] = []
    root = tmp_path / "worker"
    database_url = url_for_database(
        services.detect().database_url, connection.settings_dict["NAME"]
    )

    def start(name: str, **options) -> LiveWorker:
        worker = start_worker(
            database_url=database_url,
            redis_url=own_redis.url,
            root=root,
            app="tests.infra.fault_worker",
            name=name,
            **options,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        # Nothing of theirs outlives the test (our Redis goes too): no need to wait for them.
        worker.process.kill()
        worker.process.wait(timeout=15)


def timed(request) -> tuple[object, float]:
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def practice_url(world, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def pending_jobs():
    return Outbox.objects.filter(done_at__isnull=True)


def relay_until_done(worker: LiveWorker, timeout: float, what: str) -> None:
    """Run the relay (as beat would, only more often) until the worker has done every job."""

    def relayed_and_done() -> bool:
        call_command("relay_outbox", stdout=io.StringIO())
        return not pending_jobs().exists()

    worker.wait_for(relayed_and_done, timeout=timeout, what=what)


def test_it_answers_during_a_redis_outage_and_runs_every_job_once_after_it(own_redis, workers):
    # Given a practice whose client can ask for things in the portal, a draft engagement, and
    # a worker on our Redis
    world = build_world()
    northwind = ClientFactory(practice=world.practice, name="Northwind Legal")
    ContactFactory(
        practice=world.practice,
        client=northwind,
        membership=world.client_contact,
        email="contact@client.test",
        portal_requests=True,
    )
    draft = EngagementFactory(
        practice=world.practice, client=northwind, status=EngagementStatus.DRAFT
    )
    worker = workers("faults-outage")
    owner = client_for(world.owner.user)
    contact = client_for(world.client_contact.user)

    # And an invitation sent while all is well
    response = owner.post(
        practice_url(world, "member_invite"), {"email": "calm@example.com", "role": "secretary"}
    )
    assert response.status_code < 400
    worker.wait_for_messages(1)

    # When Redis freezes (it accepts connections and never answers)
    own_redis.freeze()
    answers = {
        "invite": timed(
            lambda: owner.post(
                practice_url(world, "member_invite"),
                {"email": "frozen@example.com", "role": "secretary"},
            )
        ),
        "portal request": timed(
            lambda: contact.post(
                practice_url(world, "portal_request_new"), {"subject": "Renew the lease"}
            )
        ),
        "propose": timed(
            lambda: owner.post(practice_url(world, "engagement_propose", engagement_id=draft.pk))
        ),
        "sign-in": timed(
            lambda: Client().post(
                reverse("account_login"), {"login": world.owner.user.email, "password": "wrong"}
            )
        ),
    }
    # And then dies
    own_redis.kill()
    answers["invite, Redis dead"] = timed(
        lambda: owner.post(
            practice_url(world, "member_invite"), {"email": "down@example.com", "role": "admin"}
        )
    )
    answers["sign-in, Redis dead"] = timed(
        lambda: Client().post(
            reverse("account_login"), {"login": world.owner.user.email, "password": PASSWORD}
        )
    )

    # Then every request answered at once, without an error
    for what, (response, seconds) in answers.items():
        assert response.status_code < 400, (what, response.status_code)
        assert seconds < REQUEST_BUDGET, (what, f"{seconds:.1f}s")
    # And what they did is committed, its jobs waiting in the outbox
    invitations = Invitation.objects.for_practice(world.practice)
    assert set(invitations.values_list("email", flat=True)) == {
        "calm@example.com",
        "frozen@example.com",
        "down@example.com",
    }
    assert Task.objects.for_practice(world.practice).filter(title="Renew the lease").exists()
    assert Engagement.objects.for_practice(world.practice).get(pk=draft.pk).status == (
        EngagementStatus.PROPOSED
    )
    agreement = Document.objects.for_practice(world.practice).get(
        kind=DocumentKind.SERVICE_AGREEMENT
    )
    assert agreement.status == DocumentStatus.QUEUED
    waiting = {row.task_id: row for row in pending_jobs()}
    assert {
        "secretary.tasks.send_invitation",
        "documents.tasks.render_document",
        "clients.tasks.notify_engagement_proposed",
    } <= {row.task_name for row in waiting.values()}
    assert all(row.sent_at is None for row in waiting.values())

    # When Redis comes back (empty) and the relay runs
    own_redis.start()

    # Then the worker runs every job
    relay_until_done(worker, timeout=45, what="every job to be done")
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.READY
    assert agreement.attempts == 1
    assert all(invitation.sent_at for invitation in invitations)
    sent_to = Counter(message["To"] for message in worker.messages())
    assert sent_to["calm@example.com"] == 1
    assert sent_to["frozen@example.com"] == 1
    assert sent_to["down@example.com"] == 1

    # And duplicates of those jobs (a publish that did reach Redis after all) do nothing
    for row in waiting.values():
        Outbox.objects.filter(pk=row.pk).update(
            done_at=None, next_attempt_at=timezone.now(), args=row.args, kwargs=row.kwargs
        )
    relay_until_done(worker, timeout=30, what="the duplicates to be done")
    agreement.refresh_from_db()
    assert agreement.attempts == 1
    assert Counter(message["To"] for message in worker.messages()) == sent_to
    assert len(list(worker.media_root.rglob("*.pdf"))) == 1


def test_it_finishes_a_render_whose_worker_was_killed_once_its_lease_expires(
    own_redis, workers, tmp_path
):
    # Given a worker whose renders wait at a gate, with a 3-second lease
    world = build_world()
    gate = tmp_path / "render-gate"
    knobs = {"RENDER_GATE": str(gate), "DOCUMENT_RENDER_LEASE_SECONDS": "3"}
    first = workers("faults-render-a", extra_env=knobs)
    with transaction.atomic():
        document = document_services.document_request_render(
            practice=world.practice,
            kind=DocumentKind.LETTER,
            title="Welcome letter",
            context=LETTER,
        )
    [lost_job] = pending_jobs()
    first.wait_for(lambda: Path(f"{gate}.started").exists(), timeout=30, what="the render to start")
    document.refresh_from_db()
    assert document.status == DocumentStatus.RENDERING

    # When the worker is killed in the middle of the render, and a new one starts
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=15)
    gate.touch()
    second = workers("faults-render-b", extra_env=knobs, purge=False)

    # Then once the lease has expired the sweep (a beat job) queues the document again
    second.wait_for(
        lambda: requeue_stalled_documents() == 1, timeout=20, what="the lease to expire"
    )
    # And the new worker renders it: ready, with one file
    second.wait_for(
        lambda: Document.objects.for_practice(world.practice).get(pk=document.pk).is_ready,
        timeout=30,
        what="the document to be ready",
    )
    document.refresh_from_db()
    assert document.attempts == 2
    assert len(list(second.media_root.rglob("*.pdf"))) == 1

    # And when the relay later sends the lost message again, it does nothing
    Outbox.objects.filter(pk=lost_job.pk).update(next_attempt_at=timezone.now())
    relay_until_done(second, timeout=30, what="the lost job to be done")
    document.refresh_from_db()
    assert document.attempts == 2
    assert len(list(second.media_root.rglob("*.pdf"))) == 1
