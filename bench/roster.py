"""Benchmark: the roster's gaps of 300 engagements over the next 14 days, over HTTP behind
gunicorn, beside the one-query baseline page of ``bench/pages.py``.

Seeds the practice of ``bench/pages_seed.py`` at ``BENCH_ENGAGEMENTS`` (300) clients, each with
an active engagement, and ``BENCH_TASKS`` (20,000) tasks (the baseline's table), then its
roster (``seed_roster``): coverage in four zones (Sydney, Los Angeles, London, New York), one
engagement in fifteen on call 24/7 with a rotation of three, the others with weekday shifts
(Thursday left open on every third, Wednesday split between two members on every fifth, a
day's exception on every seventh), 30 members with availability in their own zones (a few
with working hours only) and a day or a half-day of time off in the next two weeks each. Then
``VACUUM ANALYZE``, gunicorn (2 sync workers, ``DEBUG`` off, the app's role under row-level
security when ``DATABASE_APP_ROLE`` is set) and interleaved rounds of (``bench/pages.py``'s
machinery, its ``BENCH_ROUNDS``, ``BENCH_BATCH`` and ``BENCH_CONNECTIONS``):

- ``baseline``: the one-query page (50 tasks, the same middleware and decorators);
- ``roster week``: the staff page (the week grid of 50 clients and the list of the gaps of
  every client over the next 14 days);
- ``API gaps``: ``/api/v1/practices/<slug>/roster/gaps/`` (every gap of the next 14 days, with
  a personal access token).

It prints the machine's cores and load, then per page the queries, the median latency with
quartiles and minimum, the ratio to the baseline, the worker's median CPU time and its ratio.
Then, in this process, the gap computation itself over the next 14 days: as the page computed
it before (``selectors.rosters``), computed afresh (``_compute_gap_rows``, what a request pays
after a roster change) and read from the cache (``gap_rows``).

    DATABASE_URL=postgres://secretary:…@127.0.0.1:5432/secretary_bench_roster \
        DATABASE_APP_ROLE=secretary_app REDIS_URL=redis://127.0.0.1:6379/4 \
        .venv/bin/python bench/roster.py

Without ``DATABASE_URL`` it runs on a fresh SQLite file (a check that it works, not figures to
quote); without ``REDIS_URL`` each gunicorn worker caches in its own memory. A second run on
the same database reuses the seeded practice. A script, not a test: it prints figures.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENGAGEMENTS = int(os.environ.get("BENCH_ENGAGEMENTS", "300"))
os.environ.setdefault("BENCH_CLIENTS", str(ENGAGEMENTS))

from bench import pages  # noqa: E402  (sets up Django with the bench's settings)

# isort: split

from datetime import UTC, datetime, timedelta  # noqa: E402
from datetime import time as clock  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.pages_seed import Seeded, _user, seed, vacuum_analyze  # noqa: E402
from clients.models import Engagement  # noqa: E402
from secretary import rls  # noqa: E402
from secretary.models import Membership, Role  # noqa: E402
from secretary.tenancy import practice_scope  # noqa: E402
from tasks.roster import cache as roster_cache  # noqa: E402
from tasks.roster import selectors  # noqa: E402
from tasks.roster.models import (  # noqa: E402
    AvailabilityWindow,
    Rotation,
    RotationMember,
    Shift,
    ShiftException,
    StaffAvailability,
    TimeOff,
)

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "30"))
ZONES = ("Australia/Sydney", "America/Los_Angeles", "Europe/London", "America/New_York")
DAYS = 14


def seed_roster(seeded: Seeded) -> None:
    """The roster of the seeded practice (once: a second run finds its shifts)."""
    practice = seeded.practice
    with rls.owner_role(), transaction.atomic(), practice_scope(practice):
        if Shift.objects.for_practice(practice).exists():
            return
        staff = list(
            Membership.objects.for_practice(practice)
            .exclude(role=Role.CLIENT)
            .select_related("user")
            .order_by("pk")
        )
        for n in range(len(staff), MEMBERS):
            user = _user(f"{practice.slug}-member{n}@bench.test", f"Member {n}", ZONES[n % 4])
            staff.append(
                Membership.objects.create(practice=practice, user=user, role=Role.SECRETARY)
            )
        engagements = list(
            Engagement.objects.for_practice(practice).filter(status="active").order_by("pk")
        )
        for k, zone in enumerate(ZONES):
            Engagement.objects.for_practice(practice).filter(
                pk__in=[e.pk for n, e in enumerate(engagements) if n % len(ZONES) == k]
            ).update(coverage_time_zone=zone)
        on_call = [e for n, e in enumerate(engagements) if n % 15 == 7]
        Engagement.objects.for_practice(practice).filter(pk__in=[e.pk for e in on_call]).update(
            on_call=True
        )
        today = timezone.now().date()
        rotations = Rotation.objects.bulk_create(
            [
                Rotation(
                    practice=practice,
                    engagement=e,
                    handover_weekday=0,
                    handover_time=clock(9),
                    length_days=7,
                    starts_on=today - timedelta(days=30),
                )
                for e in on_call
            ]
        )
        RotationMember.objects.bulk_create(
            [
                RotationMember(
                    practice=practice,
                    rotation=r,
                    membership=staff[(n + k) % MEMBERS],
                    position=k,
                )
                for n, r in enumerate(rotations)
                for k in range(3)
            ]
        )
        shifts = []
        for n, e in enumerate(engagements):
            if n % 15 == 7:
                continue
            for day in range(5):
                member = staff[(n + day) % MEMBERS]
                if day == 3 and n % 3 == 0:
                    continue  # Thursday: nobody
                if day == 2 and n % 5 == 0:
                    other = staff[(n + day + 1) % MEMBERS]
                    shifts += [
                        Shift(
                            practice=practice,
                            engagement=e,
                            membership=member,
                            weekday=day,
                            start=clock(9),
                            end=clock(13),
                        ),
                        Shift(
                            practice=practice,
                            engagement=e,
                            membership=other,
                            weekday=day,
                            start=clock(13),
                            end=clock(17),
                        ),
                    ]
                    continue
                shifts.append(
                    Shift(
                        practice=practice,
                        engagement=e,
                        membership=member,
                        weekday=day,
                        start=clock(9),
                        end=clock(17),
                    )
                )
        shifts = Shift.objects.bulk_create(shifts)
        next_tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
        ShiftException.objects.bulk_create(
            [
                ShiftException(
                    practice=practice,
                    shift=s,
                    date=next_tuesday,
                    replacement=staff[(n + 5) % MEMBERS] if n % 2 else None,
                )
                for n, s in enumerate(x for x in shifts if x.weekday == 1)
                if n % 7 == 0
            ]
        )
        StaffAvailability.objects.bulk_create(
            [
                StaffAvailability(
                    practice=practice, membership=m, time_zone=ZONES[n % 4], max_weekly_hours=40
                )
                for n, m in enumerate(staff)
            ]
        )
        AvailabilityWindow.objects.bulk_create(
            [
                AvailabilityWindow(
                    practice=practice,
                    membership=m,
                    weekday=day,
                    # Most work any hour; every sixth member keeps to 07:00-19:00 on weekdays.
                    start=clock(7) if n % 6 == 0 else clock(0),
                    end=clock(19) if n % 6 == 0 else clock(0),
                )
                for n, m in enumerate(staff)
                for day in range(5 if n % 6 == 0 else 7)
            ]
        )
        TimeOff.objects.bulk_create(
            [
                TimeOff(
                    practice=practice,
                    membership=m,
                    start_date=today + timedelta(days=n % DAYS),
                    end_date=today + timedelta(days=n % DAYS),
                    start_time=clock(12) if n % 4 == 0 else None,
                    end_time=None,
                )
                for n, m in enumerate(staff)
            ]
        )


def timed(run, rounds: int) -> tuple[int, list[float]]:
    run()  # warm-up
    with CaptureQueriesContext(connection) as queries:
        run()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return len(queries.captured_queries), times


def in_process(seeded: Seeded) -> None:
    """The computation alone, in this process: before, afresh, cached."""
    practice = seeded.practice
    rounds = max(3, pages.ROUNDS)
    start = datetime.now(UTC)
    end = start + timedelta(days=DAYS)

    def scoped(function):
        def run():
            with rls.practice_transaction(practice):
                return function(practice=practice, start=start, end=end)

        return run

    rows = scoped(selectors.gap_rows)()
    print(
        f"\nin this process, {ENGAGEMENTS} engagements over {DAYS} days "
        f"({len(rows)} gaps), {rounds} rounds"
    )
    print(f"{'computation':<36} {'queries':>7}  {'median':>8}  {'quartiles':>17}  {'min':>7}")
    for label, run in (
        ("before: selectors.rosters", scoped(selectors.rosters)),
        ("afresh: _compute_gap_rows", scoped(selectors._compute_gap_rows)),
        ("cached: gap_rows", scoped(selectors.gap_rows)),
    ):
        count, times = timed(run, rounds)
        median, q1, q3, low = pages.describe(times)
        print(f"{label:<36} {count:>7}  {median:6.1f}ms  {q1:7.1f}–{q3:7.1f}ms  {low:5.1f}ms")


def main() -> None:
    database = connection.vendor
    print(
        f"database: {database}, app role: {pages.settings.DATABASE_APP_ROLE or '(the owner)'}, "
        f"cache: {pages.settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"{ENGAGEMENTS} engagements, {MEMBERS} members, {pages.TASKS} tasks; {pages.ROUNDS} "
        f"rounds of {pages.BATCH} requests per page over {pages.CONNECTIONS} connections; "
        f"gunicorn: {pages.WORKERS} sync workers"
    )
    print(pages.machine())
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    seeded = seed(clients=ENGAGEMENTS, tasks=pages.TASKS, slug=f"roster-bench-{ENGAGEMENTS}")
    seed_roster(seeded)
    with rls.owner_role():
        vacuum_analyze()
    # Bulk inserts send no signal: a version of their own for the rows just written.
    roster_cache.bump(seeded.practice.pk)
    print(f"seeded (or found) in {time.perf_counter() - started:.1f} s")
    slug = seeded.practice.slug
    measured = [
        pages.Page("baseline", f"/app/{slug}/bench/baseline/"),
        pages.Page("roster week", f"/app/{slug}/roster/"),
        pages.Page("API gaps", f"/api/v1/practices/{slug}/roster/gaps/", "token"),
    ]
    headers = pages.signed_in(seeded.practice, seeded.secretary, seeded.contact_user, "roster")
    pages.measure(measured, headers)
    print(pages.machine())
    pages.report(measured)
    in_process(seeded)
    print(pages.machine())


if __name__ == "__main__":
    main()
