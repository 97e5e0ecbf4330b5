"""Benchmark: every page against a one-query page, over HTTP, behind gunicorn.

Seeds a practice (``bench/pages_seed.py``: 30 clients and 20,000 tasks; ``BENCH_SIZE=large``:
300 clients and 200,000 tasks), runs ``VACUUM ANALYZE``, serves the app with gunicorn (2 sync
workers, loopback port, ``DEBUG`` off, the app's database role under row-level security when
``DATABASE_APP_ROLE`` is set, as in production) and requests each page as a signed-in secretary
(the portal's as a client contact, the API's with a personal access token), side by side with
the baseline: a page of the same decorators and middleware that runs one query for 50 tasks and
renders them in a minimal template (``bench/pages_urls.py``, mounted only here).

Rounds are interleaved: each round requests a batch of every page, in an order that rotates
and reverses from round to round, over ``BENCH_CONNECTIONS`` concurrent connections. It prints
the machine's cores and load, then per page the queries it ran and the CPU time its worker
spent (a bench-only middleware's headers), the median latency with quartiles and minimum, the
ratio of its median to the baseline's, and the same ratio of the median CPU times (on a machine
shared with other work, latency moves with their load; CPU time much less).

    DATABASE_URL=postgres://secretary:…@127.0.0.1:5432/secretary_bench \
        DATABASE_APP_ROLE=secretary_app .venv/bin/python bench/pages.py
    BENCH_SIZE=large …                      # 300 clients, 200,000 tasks

Without ``DATABASE_URL`` it runs on a fresh SQLite file (a check that it works, not figures to
quote). ``BENCH_CLIENTS``, ``BENCH_TASKS``, ``BENCH_ROUNDS`` (10), ``BENCH_BATCH`` (6),
``BENCH_CONNECTIONS`` (2) and ``BENCH_PAGES`` (comma-separated names) change the run. A second
run on the same database reuses the seeded practice of its size.

Why not locust or wrk: wrk is not installed here, and this measures per-request latency of
a few pages side by side, not a crowd's throughput; http.client and a few threads do that
without another dependency. Gunicorn's sync workers close each connection after its response,
so each request opens one (a loopback connect, well under a millisecond).

A script, not a test: it prints figures.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SETTINGS = "bench.pages_settings"
os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
os.environ["DEBUG"] = "0"
os.environ["SECRETARY_TESTING"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
# Token calls are rate-limited per user in production; the bench makes hundreds a minute.
os.environ.setdefault("API_TOKEN_RATE", "100000/min")
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(
        Path(tempfile.mkdtemp(prefix="secretary-pages-bench-")) / "bench.sqlite3"
    )

SIZES = {"default": (30, 20_000), "large": (300, 200_000)}
SIZE = os.environ.get("BENCH_SIZE", "default")
CLIENTS = int(os.environ.get("BENCH_CLIENTS", SIZES[SIZE][0]))
TASKS = int(os.environ.get("BENCH_TASKS", SIZES[SIZE][1]))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
BATCH = int(os.environ.get("BENCH_BATCH", "6"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "2"))
WORKERS = 2

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402

from bench.pages_seed import Seeded, seed  # noqa: E402
from bench.pages_urls import CPU_HEADER, QUERIES_HEADER  # noqa: E402
from secretary import rls  # noqa: E402
from secretary.models import Membership  # noqa: E402
from secretary.services import token_create  # noqa: E402


@dataclass
class Page:
    name: str
    path: str
    who: str = "staff"  # staff, contact or token
    timings: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    queries: set[int] = field(default_factory=set)


def pages_for(seeded: Seeded) -> list[Page]:
    app = f"/app/{seeded.practice.slug}/"
    portal = f"/portal/{seeded.practice.slug}/"
    api = f"/api/v1/practices/{seeded.practice.slug}/"
    book = f"{app}books/{seeded.book_id}/"
    pages = [
        Page("baseline", app + "bench/baseline/"),
        Page("dashboard", app),
        # As its first visit after a write of the practice's tasks: nothing kept.
        Page("dashboard afresh", app + "bench/dashboard-afresh/"),
        Page("task list", app + "tasks/"),
        Page("client list", app + "clients/"),
        Page("client page", f"{app}clients/{seeded.client_id}/"),
        Page("task page", f"{app}tasks/{seeded.task_id}/"),
        Page("calendar", app + "calendar/"),
        Page("portal home", portal, "contact"),
        Page("portal requests", portal + "requests/", "contact"),
        Page("API task list", api + "tasks/", "token"),
        Page("invoice list", app + "billing/invoices/"),
        Page("book page", book),
        Page("journal list", book + "journal/"),
        Page("document list", app + "documents/"),
        Page("composed documents", app + "documents/composed/"),
        Page("call list", app + "calls/"),
        Page("held email", app + "email/held/"),
        Page("transcription list", app + "transcription/"),
    ]
    chosen = {n.strip() for n in os.environ.get("BENCH_PAGES", "").split(",") if n.strip()}
    return [p for p in pages if not chosen or p.name in chosen or p.name == "baseline"]


def credentials(seeded: Seeded) -> dict[str, dict[str, str]]:
    """Request headers of each kind of caller: session cookies signed in through Django's
    own login, and a personal access token."""
    return signed_in(seeded.practice, seeded.secretary, seeded.contact_user)


def signed_in(practice, secretary, contact_user, name: str = "pages bench"):
    """``credentials`` for any practice: the secretary's session and token, the contact's
    session."""

    def cookie(user) -> str:
        browser = HttpClient()
        browser.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        return f"{name}={browser.cookies[name].value}"

    with rls.cross_practice("bench sign-in"):
        staff, contact = cookie(secretary), cookie(contact_user)
        membership = Membership.objects.unscoped().get(practice=practice, user=secretary)
    with rls.practice_transaction(practice):
        _token, secret = token_create(membership=membership, name=name)
    # Behind the TLS proxy, as production sees its requests.
    common = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    return {
        "staff": {**common, "Cookie": staff},
        "contact": {**common, "Cookie": contact},
        "token": {**common, "Authorization": f"Bearer {secret}", "Accept": "application/json"},
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "secretary.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--worker-class=sync",
            "--timeout=120",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


_local = threading.local()


def connection(port: int) -> http.client.HTTPConnection:
    """This thread's connection to the server (reopened by the next request once closed)."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    return conn


def fetch(port: int, page: Page, headers: dict[str, str]) -> tuple[float, float, int]:
    conn = connection(port)
    start = time.perf_counter()
    conn.request("GET", page.path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise SystemExit(f"{page.name}: {page.path} answered {response.status}: {body[:300]!r}")
    if response.getheader("Connection", "").lower() == "close":
        conn.close()  # reopened by the next request
    cpu = float(response.getheader(CPU_HEADER, "nan"))
    return elapsed, cpu, int(response.getheader(QUERIES_HEADER, "-1"))


def batch(pool, port: int, page: Page, headers: dict[str, str], n: int, record: bool) -> None:
    for elapsed, cpu, queries in pool.map(lambda _: fetch(port, page, headers), range(n)):
        if record:
            page.timings.append(elapsed)
            page.cpu.append(cpu)
            page.queries.add(queries)


def describe(values: list[float]) -> tuple[float, float, float, float]:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return statistics.median(values), q[0], q[2], min(values)


def report(pages: list[Page]) -> None:
    base = statistics.median(pages[0].timings)
    base_cpu = statistics.median(pages[0].cpu)
    print(
        f"{'page':<20} {'queries':>7}  {'median':>8}  {'quartiles':>17}  {'min':>7}  "
        f"{'ratio':>5}  {'server CPU':>10}  {'ratio':>5}"
    )
    for page in pages:
        median, q1, q3, low = describe(page.timings)
        cpu = statistics.median(page.cpu)
        queries = "/".join(str(q) for q in sorted(page.queries))
        print(
            f"{page.name:<20} {queries:>7}  {median:6.1f}ms  {q1:7.1f}–{q3:7.1f}ms  "
            f"{low:5.1f}ms  {median / base:5.2f}  {cpu:8.1f}ms  {cpu / base_cpu:5.2f}"
        )


def machine() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"cores: {os.cpu_count()}, load average: {load}"


def main() -> None:
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"database: {database}, app role: {settings.DATABASE_APP_ROLE or '(the owner)'}, "
        f"{CLIENTS} clients, {TASKS} tasks; {ROUNDS} rounds of {BATCH} requests per page "
        f"over {CONNECTIONS} connections; gunicorn: {WORKERS} sync workers"
    )
    print(machine())
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    seeded = seed(clients=CLIENTS, tasks=TASKS)
    print(f"seeded (or found) in {time.perf_counter() - started:.1f} s")
    pages = pages_for(seeded)
    measure(pages, credentials(seeded))
    print(machine())
    report(pages)


def measure(pages: list[Page], headers: dict[str, dict[str, str]]) -> None:
    """Serve the app with gunicorn and ask every page in interleaved rounds (the first page
    is the baseline the report compares with)."""
    port = free_port()
    server = serve(port)
    try:
        with ThreadPoolExecutor(CONNECTIONS) as pool:
            for page in pages:  # warm every worker: templates, caches, connections
                batch(pool, port, page, headers[page.who], 2 * WORKERS, record=False)
            for round_ in range(ROUNDS):
                shift = round_ % len(pages)
                order = pages[shift:] + pages[:shift]
                for page in reversed(order) if round_ % 2 else order:
                    batch(pool, port, page, headers[page.who], BATCH, record=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
