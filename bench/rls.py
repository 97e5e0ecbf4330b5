"""Benchmark: the cost of row-level security on the dashboard, over HTTP, on PostgreSQL.

Seeds the practice of ``bench/pages.py`` (30 clients, 20,000 tasks), serves the app on a
loopback port (wsgiref, one thread) and requests the dashboard with and without the wall, in
interleaved rounds: each round measures a batch with RLS (policies forced, the practice set
per transaction) and a batch without (policies removed, no practice transaction), in
alternating order. Prints the median and spread of each and the ratio of the medians.

    DATABASE_URL=postgres://secretary:…@127.0.0.1:5432/secretary_bench .venv/bin/python bench/rls.py

A script, not a test: it prints figures. ``BENCH_ROUNDS`` rounds of ``BENCH_BATCH`` requests.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("bench/rls.py measures PostgreSQL row-level security: set DATABASE_URL=postgres://…")

import pages  # the page benchmark's settings (DEBUG off, its URLconf) and practice
from django.conf import settings
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.test import Client as HttpClient
from django.test.utils import override_settings

from secretary import rls

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "12"))
BATCH = int(os.environ.get("BENCH_BATCH", "5"))


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serving(app) -> object:
    server = make_server("127.0.0.1", 0, app, server_class=WSGIServer, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


_with_wall = rls._settings


@contextlib.contextmanager
def _no_wall(*args, **kwargs):
    yield


def wall(on: bool) -> None:
    """Switch the whole wall: the policies (DDL, as the owner) and the per-request settings."""
    with rls.owner_role():
        (rls.apply_policies if on else rls.remove_policies)()
    rls._settings = _with_wall if on else _no_wall
    connections.close_all()  # the server thread reconnects


def timed_batch(port: int, path: str, cookie: str) -> list[float]:
    timings = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(BATCH):
        start = time.perf_counter()
        conn.request(
            "GET",
            path,
            headers={"Cookie": cookie, "Host": "127.0.0.1", "X-Forwarded-Proto": "https"},
        )
        response = conn.getresponse()
        response.read()
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, (path, response.status)
    conn.close()
    return timings


def describe(label: str, timings: list[float]) -> str:
    q = statistics.quantiles(timings, n=4)
    return (
        f"{label:<12} median {statistics.median(timings):7.1f} ms   "
        f"quartiles {q[0]:6.1f}–{q[2]:6.1f} ms   min {min(timings):6.1f} ms   n={len(timings)}"
    )


def main() -> None:
    print(
        f"database: postgresql, {pages.CLIENTS} clients, {pages.TASKS} tasks, "
        f"{ROUNDS} rounds x {BATCH} requests each way, app role: "
        f"{settings.DATABASE_APP_ROLE or '(the owner)'}"
    )
    call_command("migrate", verbosity=0, interactive=False)
    seeded = pages.seed(clients=pages.CLIENTS, tasks=pages.TASKS)  # and VACUUM ANALYZE
    practice, user = seeded.practice, seeded.secretary
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(DEBUG=False, STORAGES=storages):
        browser = HttpClient()
        browser.force_login(user)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        path = f"/app/{practice.slug}/"
        results: dict[bool, list[float]] = {True: [], False: []}
        with serving(get_wsgi_application()) as port:
            for on in (True, False):  # warm both up
                wall(on)
                timed_batch(port, path, cookie)
            for round_ in range(ROUNDS):
                for on in (True, False) if round_ % 2 == 0 else (False, True):
                    wall(on)
                    results[on] += timed_batch(port, path, cookie)
            wall(True)
    with_rls, without = results[True], results[False]
    print(describe("without RLS", without))
    print(describe("with RLS", with_rls))
    print(
        f"ratio of medians (with / without): {statistics.median(with_rls) / statistics.median(without):.3f}"
    )


if __name__ == "__main__":
    main()
