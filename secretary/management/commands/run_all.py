"""``manage.py run_all [addrport]``: the web server, a Celery worker and Celery beat together, as
``make run`` starts them on the embedded default (SQLite, the filesystem broker under
var/broker) or on Redis when ``REDIS_URL`` is set.

Each runs as a child process in its own process group, with its output prefixed by its name.
Ctrl-C or SIGTERM stops all three (a warm shutdown: the worker finishes its task); when any of
them exits, the others are stopped and the command exits with that child's status.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

QUEUES = "default,documents"
STOP_TIMEOUT = 20.0
POLL_INTERVAL = 0.2


def worker_command() -> list[str]:
    """The worker ``make run`` starts: both queues, one process (SQLite has one writer)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "secretary",
        "worker",
        "-Q",
        QUEUES,
        "--concurrency=1",
        "--loglevel=INFO",
        "-n",
        "embedded@%h",
        # Events, gossip and heartbeats are broadcasts: on the filesystem broker each would be
        # a file every few seconds, and no other worker listens.
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]


def beat_command() -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "secretary",
        "beat",
        "--loglevel=INFO",
        f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
    ]


def web_command(addrport: str) -> list[str]:
    return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "runserver", addrport]


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat together (Ctrl-C stops all)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        from secretary.celery import app, unreachable_broker_problem

        problem = unreachable_broker_problem(app.conf)
        if problem:
            raise CommandError(f"Cannot start a worker: {problem}")
        Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)
        host, _, port = addrport.rpartition(":")
        self.stdout.write(
            f"Secretary: web at http://{host or '127.0.0.1'}:{port}/, a Celery worker and beat "
            f"on {app.conf.broker_url.split('@')[-1]} (Ctrl-C stops all three)."
        )
        self.stdout.flush()
        children = Children(self.stdout)
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        status = 0
        try:
            # runserver's autoreloader serves from a child process: stop the whole group.
            children.start("web", web_command(addrport), whole_group=True)
            children.start("worker", worker_command())
            children.start("beat", beat_command())
            while not stop.is_set():
                exited = children.first_exited()
                if exited is not None:
                    name, code = exited
                    children.say(f"{name} exited with status {code}: stopping the others")
                    status = code or 1
                    break
                stop.wait(POLL_INTERVAL)
        finally:
            children.stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if status:
            sys.exit(status)


class Children:
    """The child processes, each in its own process group, their output copied line by line."""

    def __init__(self, out) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.processes: dict[str, subprocess.Popen] = {}
        self.whole_group: set[str] = set()
        self.readers: list[threading.Thread] = []
        self.width = len("worker")

    def say(self, text: str, name: str = "run_all") -> None:
        with self.lock:
            self.out.write(f"{name:<{self.width}} | {text}")
            self.out.flush()

    def start(self, name: str, command: list[str], *, whole_group: bool = False) -> None:
        """Start ``command``. Stopping it signals its main process (Celery stops its own pool
        processes), or with ``whole_group`` every process of its group."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Its own group: Ctrl-C reaches this command only, which stops each child once (a
            # second SIGINT would make the worker abandon its task).
            start_new_session=True,
        )
        self.processes[name] = process
        if whole_group:
            self.whole_group.add(name)
        reader = threading.Thread(target=self._copy, args=(name, process), daemon=True)
        reader.start()
        self.readers.append(reader)

    def _copy(self, name: str, process: subprocess.Popen) -> None:
        for raw in process.stdout:
            self.say(raw.decode(errors="replace").rstrip("\n"), name)

    def first_exited(self) -> tuple[str, int] | None:
        for name, process in self.processes.items():
            code = process.poll()
            if code is not None:
                return name, code
        return None

    def stop_all(self) -> None:
        running = [p for p in self.processes.values() if p.poll() is None]
        for name, process in self.processes.items():
            if process.poll() is None:
                _signal(process, signal.SIGTERM, group=name in self.whole_group)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal(process, signal.SIGKILL, group=True)
                process.wait()
        for reader in self.readers:
            reader.join(timeout=2)


def _signal(process: subprocess.Popen, sig: int, *, group: bool) -> None:
    try:
        if group:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)
    except ProcessLookupError:
        pass
