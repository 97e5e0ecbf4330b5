"""Benchmark: roster gaps for many engagements, beside the one-query baseline page.

Seeds a practice with ``BENCH_ENGAGEMENTS`` (300) active engagements (Mon-Fri 09:00-17:00 in
one of three zones), each with four weekly shifts of its members (Thursday left open, so every
engagement has gaps), members' availability and a day of time off, then measures in-process:

- ``gaps (14 days)``: ``tasks.roster.selectors.rosters`` over the next 14 days (the queries
  that load everything, and the span arithmetic of ``tasks/roster/gaps.py``);
- ``roster week page``: the staff page as a signed-in secretary (the week grid and the list of
  gaps of the next 14 days), through Django's test client with every middleware;
- ``baseline page``: the one-query page of ``bench/pages_urls.py`` (50 tasks, same decorators).

For each: queries, median and quartiles of wall time over ``BENCH_ROUNDS`` (15) rounds after a
warm-up, and the ratio of its median to the baseline's. In-process (no gunicorn, no HTTP): the
figures compare the work each does, not a server's latency (``bench/pages.py`` measures that).

    DATABASE_URL=postgres://secretary:…@127.0.0.1:5432/secretary_bench \
        DATABASE_APP_ROLE=secretary_app .venv/bin/python bench/roster.py

Without ``DATABASE_URL`` it runs on a fresh SQLite file (a check that it works, not figures to
quote). A second run on the same database reuses the seeded practice.

A script, not a test: it prints figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.pages_settings"
os.environ["DEBUG"] = "0"
os.environ["SECRETARY_TESTING"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench-roster.sqlite3"

import django  # noqa: E402

django.setup()

from datetime import date, timedelta  # noqa: E402
from datetime import time as clock  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.pages_urls import QUERIES_HEADER  # noqa: E402
from clients.models import Client, ClientStatus, CoverageWindow, Engagement  # noqa: E402
from secretary.models import Membership, Practice, Role, User  # noqa: E402
from secretary.rls import cross_practice  # noqa: E402
from secretary.tenancy import practice_scope  # noqa: E402
from tasks.roster import selectors  # noqa: E402
from tasks.roster.models import AvailabilityWindow, Shift, StaffAvailability, TimeOff  # noqa: E402

ENGAGEMENTS = int(os.environ.get("BENCH_ENGAGEMENTS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
MEMBERS = 12
ZONES = ["Australia/Sydney", "America/New_York", "Europe/London"]
SLUG = f"bench-roster-{ENGAGEMENTS}"


def seed() -> tuple[Practice, User]:
    with cross_practice("bench seeding"):
        practice = Practice.objects.filter(slug=SLUG).first()
        if practice is not None:
            user = User.objects.get(email=f"secretary@{SLUG}.bench")
            return practice, user
    practice = Practice.objects.create(name="Roster bench", slug=SLUG, time_zone="UTC")
    with practice_scope(practice):
        members = []
        for n in range(MEMBERS):
            user = User.objects.create_user(
                email=f"{'secretary' if n == 0 else f'member{n}'}@{SLUG}.bench",
                password="bench",
                full_name=f"Member {n}",
                time_zone=ZONES[n % 3],
            )
            members.append(
                Membership.objects.create(practice=practice, user=user, role=Role.SECRETARY)
            )
        clients = Client.objects.bulk_create(
            [
                Client(
                    practice=practice,
                    name=f"Client {n:03d}",
                    status=ClientStatus.ACTIVE,
                    time_zone=ZONES[n % 3],
                )
                for n in range(ENGAGEMENTS)
            ]
        )
        engagements = Engagement.objects.bulk_create(
            [
                Engagement(
                    practice=practice,
                    client=client,
                    status="active",
                    currency="USD",
                    coverage_time_zone=ZONES[n % 3],
                    start_date=date(2025, 1, 1),
                )
                for n, client in enumerate(clients)
            ]
        )
        CoverageWindow.objects.bulk_create(
            [
                CoverageWindow(
                    practice=practice, engagement=e, weekday=d, start=clock(9), end=clock(17)
                )
                for e in engagements
                for d in range(5)
            ]
        )
        Shift.objects.bulk_create(
            [
                Shift(
                    practice=practice,
                    engagement=e,
                    membership=members[(n + d) % MEMBERS],
                    weekday=d,
                    start=clock(9),
                    end=clock(17),
                )
                for n, e in enumerate(engagements)
                for d in (0, 1, 2, 4)
            ]
        )
        StaffAvailability.objects.bulk_create(
            [StaffAvailability(practice=practice, membership=m, time_zone="UTC") for m in members]
        )
        AvailabilityWindow.objects.bulk_create(
            [
                AvailabilityWindow(
                    practice=practice, membership=m, weekday=d, start=clock(0), end=clock(0)
                )
                for m in members
                for d in range(7)
            ]
        )
        today = timezone.now().date()
        TimeOff.objects.bulk_create(
            [
                TimeOff(
                    practice=practice,
                    membership=m,
                    start_date=today + timedelta(days=n % 14),
                    end_date=today + timedelta(days=n % 14),
                )
                for n, m in enumerate(members)
            ]
        )
    return practice, members[0].user


def measure(label: str, run) -> tuple[str, int, list[float]]:
    run()  # warm-up
    with CaptureQueriesContext(connection) as queries:
        counted = run()
    # A page reports its own queries (the bench middleware's header); a function is counted here.
    count = counted if isinstance(counted, int) else len(queries.captured_queries)
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return label, count, times


def main() -> None:
    call_command("migrate", verbosity=0)
    practice, user = seed()
    http = HttpClient()
    http.force_login(user)
    week = reverse("roster_week", args=[practice.slug])
    baseline = reverse("bench_baseline", args=[practice.slug])

    def gaps():
        now = timezone.now()
        with practice_scope(practice):
            selectors.rosters(practice=practice, start=now, end=now + timedelta(days=14))

    def page(url):
        def get():
            response = http.get(url, secure=True)
            assert response.status_code == 200, response.status_code
            return int(response[QUERIES_HEADER])

        return get

    results = [
        measure("baseline page", page(baseline)),
        measure("gaps (14 days)", gaps),
        measure("roster week page", page(week)),
    ]
    print(f"{ENGAGEMENTS} engagements, {MEMBERS} members, {ROUNDS} rounds, {connection.vendor}")
    base = statistics.median(results[0][2])
    print(f"{'':20} {'queries':>8} {'median ms':>10} {'q1':>8} {'q3':>8} {'x baseline':>11}")
    for label, count, times in results:
        q1, median, q3 = statistics.quantiles(times, n=4)
        median = statistics.median(times)
        print(f"{label:20} {count:8d} {median:10.1f} {q1:8.1f} {q3:8.1f} {median / base:11.1f}")


if __name__ == "__main__":
    main()
