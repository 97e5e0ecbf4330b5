"""Benchmark: the front desk's requests against the one-query page, over HTTP, behind gunicorn.

The machinery is ``bench/pages.py``'s (the same gunicorn, settings, sign-in, baseline page,
interleaved rounds, medians with quartiles, queries and server CPU counted); only the practice
and the scenarios differ. The practice is the page benchmark's seed at 100,000 tasks
(``bench/pages_seed.py``, bulk ``COPY``), then made to read like a desk's work: task titles and
descriptions from a small vocabulary, a few clients with real names, one comment per task, and
a rare word in five tasks and five comments. Then ``VACUUM ANALYZE``.

Scenarios are a list (``scenarios()``): a name, who asks, the method, a path under the practice
and, for a write, a form body. Saving a call is the call form's POST as the browser sends it
(the session, a CSRF token, a new idempotency token each time), answered by its redirect.

    DATABASE_URL=postgres://secretary:…@127.0.0.1:5432/secretary_bench \\
        DATABASE_APP_ROLE=secretary_app .venv/bin/python bench/frontdesk.py

``BENCH_TASKS`` (100,000), ``BENCH_CLIENTS`` (30), ``BENCH_ROUNDS``, ``BENCH_BATCH``,
``BENCH_CONNECTIONS`` as in ``bench/pages.py``. On PostgreSQL it refuses to run unless the
full-text match function is leak-proof (``secretary.search.LEAKPROOF_SQL``, run once by a
superuser). Without ``DATABASE_URL`` it runs on a fresh SQLite file (a check that it works,
not figures to quote). A script, not a test.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_TASKS", "100000")
os.environ.setdefault("BENCH_CLIENTS", "30")

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bench import pages
from bench.pages_seed import Seeded, seed, vacuum_analyze
from clients.models import Client
from secretary import rls
from secretary.search import LEAKPROOF_SQL, match_is_leakproof
from tasks.models import Comment, Task

RARE_WORD = "harbourmaster"
VERBS = ("Book", "Renew", "Send", "Chase", "Prepare", "Confirm", "File", "Order", "Invoice", "Call")
THINGS = (
    "flights",
    "insurance",
    "supplier invoice",
    "board minutes",
    "hotel",
    "payroll report",
    "lease",
    "conference room",
    "courier",
    "tax return",
    "catering",
    "passport",
)
NAMES = ("Northwind Legal", "Bayside Clinic", "Acme Plumbing", "Kestrel Architects")


@dataclass
class Scenario(pages.Page):
    method: str = "GET"
    body: dict | None = None  # a form, for a write


def scenarios(seeded: Seeded) -> list[Scenario]:
    app = f"/app/{seeded.practice.slug}/"
    api = f"/api/v1/practices/{seeded.practice.slug}/"

    def search(text: str) -> str:
        return f"{app}search/?{urlencode({'q': text})}"

    return [
        Scenario("baseline", app + "bench/baseline/"),
        Scenario("search client name", search("northwind")),
        Scenario("search title word", search("insurance")),
        Scenario("search two words", search("renew lease")),
        Scenario("search rare word", search(RARE_WORD)),
        Scenario("search no match", search("zeppelin")),
        Scenario("search an old word", search(OLD_WORD)),
        Scenario("API search", f"{api}search/?q=insurance", "token"),
        Scenario(
            "save a call",
            f"{app}calls/new/?client={seeded.client_id}",
            method="POST",
            body={
                "caller_name": "Pat Caller",
                "reason": "Asks about the lease",
                "urgency": "normal",
            },
        ),
        Scenario(
            "call with follow-up",
            f"{app}calls/new/?client={seeded.client_id}",
            method="POST",
            body={
                "caller_name": "Pat Caller",
                "reason": "Wants the insurance renewed",
                "urgency": "normal",
                "follow_up": "on",
            },
        ),
    ]


# Words are drawn by a hash of the row's id, not by the id itself: the seed's dates cycle with
# the row's number too, and drawing by the number made a whole day of tasks share two titles.
HASH_MULTIPLIER, HASH_MODULUS = 2654435761, 2**32
# A word the desk stopped using: in one comment in ten older than OLD_DAYS days, none newer.
OLD_WORD, OLD_DAYS = "telex", 30
DRESSED = "Desk note:"  # how every dressed comment begins (and how a dressed database is known)


def spread(n: int) -> int:
    return n * HASH_MULTIPLIER % HASH_MODULUS


def title_for(n: int) -> str:
    h = spread(n)
    return f"{VERBS[h % len(VERBS)]} {THINGS[h // len(VERBS) % len(THINGS)]}"


def description_for(n: int) -> str:
    h = spread(n) // 1000
    thing, verb = THINGS[h % len(THINGS)], VERBS[h // len(THINGS) % len(VERBS)]
    return f"Asked by the client on the phone; see the notes of {thing} for {verb}."


def comment_for(n: int, title: str, old: bool) -> str:
    if n % 20000 == 7:
        said = f"the {RARE_WORD} called back about"
    elif old and spread(n) % 10 == 3:
        said = f"sent a {OLD_WORD} about"
    else:
        said = "spoke to the client about"
    return f"{DRESSED} {said} {title}"


# The same text as the functions above, written by PostgreSQL for 100,000 rows at once.
_ARRAY = "(ARRAY[{}])".format
_VERBS = _ARRAY(",".join(f"'{v}'" for v in VERBS))
_THINGS = _ARRAY(",".join(f"'{t}'" for t in THINGS))
_SPREAD = f"mod(id * {HASH_MULTIPLIER}, {HASH_MODULUS})"
_DRESS_TASKS = f"""
UPDATE tasks_task SET
  title = {_VERBS}[1 + mod({_SPREAD}, {len(VERBS)})]
    || ' ' || {_THINGS}[1 + mod({_SPREAD} / {len(VERBS)}, {len(THINGS)})],
  description = 'Asked by the client on the phone; see the notes of '
    || {_THINGS}[1 + mod({_SPREAD} / 1000, {len(THINGS)})]
    || ' for ' || {_VERBS}[1 + mod({_SPREAD} / 1000 / {len(THINGS)}, {len(VERBS)})] || '.'
WHERE practice_id = %s AND title <> 'The task page'
"""
_COMMENTS = f"""
INSERT INTO tasks_comment (practice_id, task_id, body, internal, from_client, created_at)
SELECT practice_id, id,
  '{DRESSED} ' || CASE WHEN mod(id, 20000) = 7 THEN 'the {RARE_WORD} called back about'
    WHEN created_at < now() - interval '{OLD_DAYS} days' AND mod({_SPREAD}, 10) = 3
      THEN 'sent a {OLD_WORD} about'
    ELSE 'spoke to the client about' END || ' ' || title,
  mod(id, 3) = 0, false, created_at
FROM tasks_task WHERE practice_id = %s
"""
_RARE_TASKS = """
UPDATE tasks_task SET title = title || ' (' || %s || ')'
WHERE id IN (SELECT id FROM tasks_task WHERE practice_id = %s ORDER BY id LIMIT 5 OFFSET 1000)
"""


def dress(seeded: Seeded) -> None:
    """Titles, descriptions, client names and comments that read like a desk's (once per
    database: the comments say whether it was done; comments of an older dressing are
    replaced), as the tables' owner."""
    practice = seeded.practice
    with rls.owner_role():
        comments = Comment.objects.unscoped().filter(practice=practice)
        if comments.filter(body__startswith=DRESSED).exists():
            return
        with transaction.atomic():
            comments.filter(body__startswith="Desk:").delete()
            _dress(practice)
        vacuum_analyze()


def _dress(practice) -> None:
    clients = list(Client.objects.unscoped().filter(practice=practice).order_by("pk")[1:5])
    for client, name in zip(clients, NAMES, strict=False):
        client.name = name
    Client.objects.unscoped().bulk_update(clients, ["name"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_DRESS_TASKS, [practice.pk])
            cursor.execute(_RARE_TASKS, [RARE_WORD, practice.pk])
            cursor.execute(_COMMENTS, [practice.pk])
    else:
        tasks = list(
            Task.objects.unscoped().filter(practice=practice).exclude(title="The task page")
        )
        for task in tasks:
            task.title = title_for(task.pk)
            task.description = description_for(task.pk)
        for task in sorted(tasks, key=lambda t: t.pk)[1000:1005]:
            task.title += f" ({RARE_WORD})"
        Task.objects.unscoped().bulk_update(tasks, ["title", "description"], batch_size=2000)
        old = timezone.now() - timedelta(days=OLD_DAYS)
        Comment.objects.bulk_create(
            [
                Comment(
                    practice=practice,
                    task=task,
                    body=comment_for(task.pk, task.title, task.created_at < old),
                    internal=task.pk % 3 == 0,
                    created_at=task.created_at,
                )
                for task in tasks
            ],
            batch_size=2000,
        )


# A CSRF secret sent both as the cookie and as the form's token (Django takes the unmasked
# secret too), with the Origin a browser sends over HTTPS.
CSRF_SECRET = "benchcsrfsecret0123456789abcdefg"


def fetch(port: int, page: Scenario, headers: dict[str, str]) -> tuple[float, float, int]:
    if page.method == "GET":
        return pages.fetch(port, page, headers)
    return post(port, page, headers)


def post(port: int, page: Scenario, headers: dict[str, str]) -> tuple[float, float, int]:
    conn = pages.connection(port)
    body = urlencode(
        {
            **(page.body or {}),
            "csrfmiddlewaretoken": CSRF_SECRET,
            "idempotency_token": secrets.token_urlsafe(16),
        }
    )
    sent = {
        **headers,
        "Cookie": f"{headers['Cookie']}; {pages.settings.CSRF_COOKIE_NAME}={CSRF_SECRET}",
        "Origin": f"https://{headers['Host']}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    start = time.perf_counter()
    conn.request("POST", page.path, body=body, headers=sent)
    response = conn.getresponse()
    answer = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 302:
        raise SystemExit(f"{page.name}: {page.path} answered {response.status}: {answer[:300]!r}")
    if response.getheader("Connection", "").lower() == "close":
        conn.close()
    cpu = float(response.getheader(pages.CPU_HEADER, "nan"))
    return elapsed, cpu, int(response.getheader(pages.QUERIES_HEADER, "-1"))


def refuse_without_index() -> None:
    """On PostgreSQL, stop unless the match function is leak-proof: under the practice
    policies the search indexes serve the app's role only then, and figures without them
    measure a deployment step left undone, not the search."""
    if match_is_leakproof() is False:
        sys.exit(
            "The search indexes cannot serve the app's role on this database: the full-text "
            f"match function is not leak-proof. As a superuser, run on it:\n"
            f"    {LEAKPROOF_SQL}\n(see README.md, PostgreSQL)."
        )


def main() -> None:
    refuse_without_index()
    database = pages.settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"database: {database}, app role: {pages.settings.DATABASE_APP_ROLE or '(the owner)'}, "
        f"{pages.CLIENTS} clients, {pages.TASKS} tasks with a comment each; "
        f"{pages.ROUNDS} rounds of {pages.BATCH} requests per scenario over "
        f"{pages.CONNECTIONS} connections; gunicorn: {pages.WORKERS} sync workers"
    )
    print(pages.machine())
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    seeded = seed(clients=pages.CLIENTS, tasks=pages.TASKS)
    dress(seeded)
    print(f"seeded (or found) in {time.perf_counter() - started:.1f} s")
    chosen = scenarios(seeded)
    headers = pages.credentials(seeded)
    port = pages.free_port()
    server = pages.serve(port)

    def run(pool, page: Scenario, n: int, record: bool) -> None:
        results = pool.map(lambda _: fetch(port, page, headers[page.who]), range(n))
        for elapsed, cpu, queries in results:
            if record:
                page.timings.append(elapsed)
                page.cpu.append(cpu)
                page.queries.add(queries)

    try:
        with ThreadPoolExecutor(pages.CONNECTIONS) as pool:
            for page in chosen:  # warm every worker
                run(pool, page, 2 * pages.WORKERS, record=False)
            for round_ in range(pages.ROUNDS):
                shift = round_ % len(chosen)
                order = chosen[shift:] + chosen[:shift]
                for page in reversed(order) if round_ % 2 else order:
                    run(pool, page, pages.BATCH, record=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(pages.machine())
    pages.report(chosen)


if __name__ == "__main__":
    main()
