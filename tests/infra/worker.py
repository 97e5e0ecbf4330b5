"""A real Celery worker for the test session, pointed at pytest's test database.

Started once per session (only when a test asks for it), as
``celery -A secretary worker -Q default,documents --pool=solo``, with a file email backend in a
temporary folder the tests read, and stopped at the end of the session.
"""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

T = TypeVar("T")

QUEUES = "default,documents"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
POLL_INTERVAL = 0.05
# What Django's file email backend writes after each message.
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def url_for_database(database_url: str, test_name: str) -> str:
    """``database_url`` pointing at the database named ``test_name`` instead."""
    return urlunsplit(urlsplit(database_url)._replace(path="/" + test_name))


class LiveWorker:
    """Handle on the running worker, for tests: wait for effects, read the emails it sent."""

    def __init__(
        self, process: subprocess.Popen, hostname: str, root: Path, broker_url: str = ""
    ) -> None:
        self.process = process
        self.hostname = hostname
        self.broker_url = broker_url
        self.mail_dir = root / "mail"
        self.media_root = root / "media"
        self.log_path = root / "worker.log"

    def wait_for(
        self, predicate: Callable[[], T], timeout: float = 30.0, what: str = "the condition"
    ) -> T:
        """Poll ``predicate`` until it returns something truthy, or fail after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if self.process.poll() is not None:
                raise AssertionError(
                    f"The Celery worker died waiting for {what}.\n{self.log_tail()}"
                )
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"Timed out after {timeout:.0f}s waiting for {what}.\n{self.log_tail()}"
                )
            time.sleep(POLL_INTERVAL)

    def messages(self) -> list[EmailMessage]:
        """Emails the worker has finished writing, oldest first."""
        found: list[EmailMessage] = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: (p.stat().st_mtime, p.name)):
            chunks = path.read_bytes().split(MAIL_SEPARATOR)
            # The last chunk is empty when complete, or a message still being written.
            for chunk in chunks[:-1]:
                found.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return found

    def wait_for_messages(self, count: int = 1, timeout: float = 30.0) -> list[EmailMessage]:
        return self.wait_for(
            lambda: (found := self.messages()) and len(found) >= count and found,
            timeout=timeout,
            what=f"{count} email(s)",
        )

    def clear_mail(self) -> None:
        for path in self.mail_dir.glob("*.log"):
            path.unlink()

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no worker log)"
        return "--- worker log (tail) ---\n" + "\n".join(text.splitlines()[-lines:])

    def ping(self) -> bool:
        from secretary.celery import app

        with app.connection_for_write(self.broker_url or None) as connection:
            return bool(
                app.control.ping(destination=[self.hostname], timeout=0.5, connection=connection)
            )

    def idle(self, queues: str = QUEUES) -> bool:
        """Whether the worker runs nothing, holds nothing and ``queues`` wait empty."""
        from secretary.celery import app

        with app.connection_for_write(self.broker_url or None) as connection:
            inspect = app.control.inspect(
                destination=[self.hostname], timeout=0.5, connection=connection
            )
            for held in (inspect.active(), inspect.reserved()):
                if held is None or held.get(self.hostname):
                    return False  # busy, or too busy to answer
            channel = connection.default_channel
            return all(_waiting(channel, queue) == 0 for queue in queues.split(","))

    def wait_idle(self, timeout: float = 60.0, queues: str = QUEUES) -> None:
        """Wait until the worker has done what the test gave it (a job still running when the
        test database is emptied would hold locks that the emptying waits on)."""
        self.wait_for(
            lambda: self.idle(queues), timeout=timeout, what="the worker to finish its jobs"
        )


def _waiting(channel, queue: str) -> int:
    """Messages waiting in ``queue`` (a queue Redis holds no list for is empty)."""
    from kombu.exceptions import ChannelError

    try:
        return channel.queue_declare(queue, passive=True).message_count
    except ChannelError:
        return 0


def start_worker(
    *,
    database_url: str,
    redis_url: str,
    root: Path,
    app: str = "secretary",
    name: str = "pytest",
    purge: bool = True,
    extra_env: dict[str, str] | None = None,
    queues: str = QUEUES,
    pool: tuple[str, ...] = ("--pool=solo",),
) -> LiveWorker:
    """Start the worker against ``database_url`` and wait until it answers a ping.

    ``app`` is the module ``celery -A`` loads (a test may wrap the real app), ``purge`` drops
    messages left in the queues first, ``extra_env`` adds to the worker's environment,
    ``pool`` gives the pool's options (one process of its own, unless a test needs children).
    """
    for folder in ("mail", "media"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    hostname = f"{name}-{os.getpid()}@%h"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(root / "mail"),
        "MEDIA_ROOT": str(root / "media"),
        "SECRETARY_TESTING": "1",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        app,
        "worker",
        "-Q",
        queues,
        *pool,
        "--loglevel=INFO",
        "-n",
        hostname,
        "--without-gossip",
        "--without-mingle",
    ]
    if purge:
        # Messages left in our queues by an interrupted run name rows that no longer exist.
        command.append("--purge")
    log = (root / "worker.log").open("wb")
    process = subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    log.close()
    # Celery expands %h to the host name in the node name it answers pings with.
    worker = LiveWorker(process, hostname.replace("%h", _node_host()), root, redis_url)
    try:
        worker.wait_for(worker.ping, timeout=START_TIMEOUT, what="the worker to answer a ping")
    except BaseException:
        stop_worker(worker)
        raise
    return worker


def stop_worker(worker: LiveWorker, timeout: float = STOP_TIMEOUT) -> None:
    """Warm shutdown (finish the current task), then kill if it does not stop in time."""
    if worker.process.poll() is not None:
        return
    worker.process.terminate()
    try:
        worker.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.process.wait()


def _node_host() -> str:
    import socket

    return socket.gethostname()


def point_celery_at(broker_url: str) -> None:
    """Make this process publish to ``broker_url`` (drop connections made for another)."""
    from secretary.celery import app
    from secretary.outbox import reset_publish_connections

    app.conf.broker_url = broker_url
    # kombu keeps one pool per broker (shared, never closed here): forget the app's handles.
    app._pool = None
    app.amqp._producer_pool = None
    reset_publish_connections()
