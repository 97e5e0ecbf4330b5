"""The embedded default: with nothing configured, ``make run`` (``manage.py run_all``) starts the
web server, a real Celery worker and beat over a broker made of files, so work sent by one
process runs in another, as in production; a worker with no broker anyone else can reach
refuses to start; and ``manage.py`` in a checkout needs no ``DEBUG=1``."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings

from secretary.management.commands.run_all import worker_command

ROOT = Path(settings.BASE_DIR)
DEADLINE = 40.0  # upper bound only: on an idle machine each wait takes a few seconds
KEPT = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}


def embedded_env(root: Path) -> dict[str, str]:
    """A developer's environment with nothing configured, its files under ``root``."""
    base = {key: value for key, value in os.environ.items() if key in KEPT}
    return {
        **base,
        "SECRETARY_TESTING": "0",
        "DEBUG": "1",
        "SQLITE_PATH": str(root / "db.sqlite3"),
        "CELERY_BROKER_DIR": str(root / "broker"),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(root / "celerybeat-schedule"),
        "MEDIA_ROOT": str(root / "media"),
        "PYTHONUNBUFFERED": "1",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, what: str, log: Path, process: subprocess.Popen):
    deadline = time.monotonic() + DEADLINE
    while True:
        value = predicate()
        if value:
            return value
        if process.poll() is not None or time.monotonic() > deadline:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
            raise AssertionError(f"No {what} (exit status {process.poll()}):\n{tail}")
        time.sleep(0.1)


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return None


def test_it_runs_web_worker_and_beat_and_a_task_sent_by_another_process(tmp_path):
    # Given run_all started on the embedded default (nothing configured)
    env = embedded_env(tmp_path)
    port = free_port()
    log = tmp_path / "run_all.log"
    # The worker reads each job's outbox row: the core's tables are enough for Celery's own probe
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "secretary", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    with log.open("wb") as out:
        launcher = subprocess.Popen(
            [sys.executable, "manage.py", "run_all", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    text = lambda: log.read_text(errors="replace")  # noqa: E731
    try:
        wait_for(
            lambda: "embedded@" in text() and " ready." in text(), "ready worker", log, launcher
        )
        wait_for(lambda: "beat: Starting" in text(), "beat", log, launcher)
        wait_for(
            lambda: http_status(f"http://127.0.0.1:{port}/healthz") == 200, "web", log, launcher
        )
        # When another process (as the web app would) sends a task through the broker files
        marker = f"embedded-{uuid.uuid4().hex[:8]}"
        send = (
            "from secretary.celery import app; "
            f"app.send_task('celery.accumulate', args=['{marker}'], queue='default')"
        )
        subprocess.run(
            [sys.executable, "-c", send], cwd=ROOT, env=env, check=True, timeout=DEADLINE
        )
        # Then the worker receives and runs it
        wait_for(
            lambda: any("succeeded" in line and marker in line for line in text().splitlines()),
            "task run by the worker",
            log,
            launcher,
        )
    finally:
        # And SIGTERM stops all three, with a warm shutdown of the worker
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGTERM)
        try:
            status = launcher.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
            raise
    assert status == 0, text()[-3000:]
    assert "Warm shutdown" in text()
    assert "ERROR" not in text(), text()[-3000:]
    assert http_status(f"http://127.0.0.1:{port}/healthz") is None


def test_it_stops_everything_when_one_of_the_three_exits(tmp_path):
    # Given a port that is already taken, so the web server cannot start
    env = embedded_env(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # When run_all starts
        result = subprocess.run(
            [sys.executable, "manage.py", "run_all", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=2 * DEADLINE,
            check=False,
        )
    # Then the web server's exit stops the worker and beat, and the command fails
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "web exited with status" in output, output


def test_it_refuses_a_worker_that_no_web_process_can_reach(tmp_path):
    # Given the in-memory broker (tasks run inside the web process)
    env = {**embedded_env(tmp_path), "CELERY_BROKER_URL": "memory://"}
    # When a worker starts, as `make worker` would
    result = subprocess.run(
        [*worker_command(), "--pool=solo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=False,
    )
    # Then it refuses, saying why
    assert result.returncode != 0
    assert "Refusing to start a worker: the broker is in-memory" in result.stderr


def test_it_turns_debug_on_for_manage_py_in_a_checkout_with_nothing_configured(tmp_path):
    base = {key: value for key, value in os.environ.items() if key in KEPT}
    show = "from django.conf import settings; print('DEBUG', settings.DEBUG)"

    def debug_with(**env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", show],
            cwd=ROOT,
            env={**base, "SECRETARY_TESTING": "0", "SQLITE_PATH": str(tmp_path / "db"), **env},
            capture_output=True,
            text=True,
            timeout=DEADLINE,
            check=False,
        )

    # Given nothing configured, manage.py runs in development mode
    plain = debug_with()
    assert plain.returncode == 0, plain.stderr
    assert "DEBUG True" in plain.stdout
    # But a configured deployment keeps its production defaults
    deployed = debug_with(DATABASE_URL="postgres://app@db.invalid/secretary")
    assert deployed.returncode != 0
    assert "SECRET_KEY must be set" in deployed.stderr
