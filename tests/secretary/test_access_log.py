"""gunicorn's access log (the web container's request log) masks the secrets in URLs."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, **headers) -> None:
    try:
        urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5).close()
    except urllib.error.HTTPError:
        pass  # the status does not matter: every request gets its access log line


def test_it_keeps_url_secrets_out_of_the_gunicorn_access_log(tmp_path):
    # Given gunicorn started as the image starts it, from the project folder
    port, access_log = free_port(), tmp_path / "access.log"
    env = {
        **os.environ,
        "SECRETARY_TESTING": "1",
        "DEBUG": "0",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    args = ["secretary.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    args += ["--access-logfile", str(access_log), "--error-logfile", str(tmp_path / "error.log")]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "error.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)

        # When a calendar app polls its private feed, coming from an invitation link
        fetch(
            f"http://127.0.0.1:{port}/app/harbour-desk/calendar/feed/feed-secret-1.ics?key=k-2",
            Referer=f"http://127.0.0.1:{port}/invitations/invitation-secret-3/",
        )

        # Then the access log has the request, without any of its secrets
        deadline = time.monotonic() + 10
        while "calendar/feed" not in (text := access_log.read_text()):
            assert time.monotonic() < deadline, text
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "/calendar/feed/***.ics?key=***" in text
    assert "/invitations/***/" in text
    for secret in ("feed-secret-1", "k-2", "invitation-secret-3"):
        assert secret not in text
