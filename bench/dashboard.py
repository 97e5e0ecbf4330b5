"""Benchmark: the dashboard and the task list against a minimal view on the same server.

Seeds a practice with 30 clients and 20,000 tasks (bulk_create), then requests each page
through Django's full stack (middleware, sessions, practice resolution, templates) and prints
the median server time of each and its ratio to a minimal view behind the same stack.

    .venv/bin/python bench/dashboard.py                 # a fresh SQLite file under var/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/secretary_bench .venv/bin/python bench/dashboard.py

A script, not a test: it prints figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import types
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECRETARY_TESTING", "0")
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(
        Path(tempfile.mkdtemp(prefix="secretary-bench-")) / "bench.sqlite3"
    )

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "30"))
TASKS = int(os.environ.get("BENCH_TASKS", "20000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "25"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

import tasks.urls  # noqa: E402
from secretary import urls as root_urls  # noqa: E402
from secretary.access import staff_view  # noqa: E402


@staff_view
def minimal(request):
    """Same decorators and middleware as the real pages, no work."""
    return HttpResponse("ok")


urlconf = types.ModuleType("bench_urls")
_first = {"dashboard"}
urlconf.urlpatterns = [
    path("app/<slug:practice_slug>/bench-minimal/", minimal, name="bench_minimal"),
    path(
        "app/<slug:practice_slug>/",
        include([p for p in tasks.urls.staff_patterns if p.name in _first]),
    ),
    *root_urls.urlpatterns,
]
sys.modules["bench_urls"] = urlconf


def seed():
    from clients.models import Client, CoverageWindow, Engagement
    from secretary.models import Membership, Practice, Role, User
    from tasks.models import Priority, Status, Task, TimeEntry

    practice = Practice.objects.create(
        name="Bench Desk",
        slug=f"bench-{int(time.time())}",
        time_zone="Australia/Sydney",
        currency="AUD",
    )
    user = User.objects.create_user(f"bench{practice.pk}@bench.test", "bench-password-123")
    user.time_zone = "Australia/Sydney"
    user.save()
    me = Membership.objects.create(practice=practice, user=user, role=Role.SECRETARY)
    clients = Client.objects.bulk_create(
        [
            Client(
                practice=practice,
                name=f"Client {n:02d}",
                time_zone="America/Los_Angeles",
                primary_secretary=me,
            )
            for n in range(CLIENTS)
        ]
    )
    for client in clients:
        engagement = Engagement.objects.create(
            practice=practice,
            client=client,
            status="active",
            currency="AUD",
            included_hours=40,
            start_date=(timezone.now() - timedelta(days=90)).date(),
            coverage_time_zone="Australia/Sydney",
        )
        CoverageWindow.objects.bulk_create(
            [
                CoverageWindow(
                    practice=practice, engagement=engagement, weekday=d, start="09:00", end="17:00"
                )
                for d in range(5)
            ]
        )
    now = timezone.now()
    statuses = [Status.REQUESTED, Status.TODO, Status.IN_PROGRESS, Status.WAITING, Status.DONE]
    rows = []
    for n in range(TASKS):
        rows.append(
            Task(
                practice=practice,
                client=clients[n % CLIENTS],
                title=f"Task {n}",
                status=statuses[n % len(statuses)],
                priority=Priority.NORMAL + n % 3,
                assignee=me if n % 3 else None,
                source="portal" if n % 2 else "staff",
                due_at=now + timedelta(hours=(n % 400) - 100),
                created_at=now - timedelta(days=n % 60),
                sla_due_at=now + timedelta(hours=(n % 50) - 10) if n % 2 else None,
            )
        )
    Task.objects.bulk_create(rows, batch_size=2000)
    task_ids = list(Task.objects.for_practice(practice).values_list("pk", flat=True)[:2000])
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                practice=practice,
                task_id=task_id,
                client=clients[i % CLIENTS],
                membership=me,
                started_at=now - timedelta(hours=i % 48),
                ended_at=now,
                minutes=30,
                manual=True,
            )
            for i, task_id in enumerate(task_ids)
        ],
        batch_size=2000,
    )
    return practice, user


def median_ms(client: HttpClient, url: str) -> float:
    client.get(url)  # warm up
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def main() -> None:
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
        f"{CLIENTS} clients, {TASKS} tasks, {ROUNDS} rounds"
    )
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    practice, user = seed()
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }  # no collectstatic
    with override_settings(ROOT_URLCONF="bench_urls", DEBUG=False, STORAGES=storages):
        browser = HttpClient()
        browser.force_login(user)
        base = f"/app/{practice.slug}/"
        minimal_ms = median_ms(browser, base + "bench-minimal/")
        dashboard_ms = median_ms(browser, base)
        list_ms = median_ms(browser, base + "tasks/")
    print(f"minimal view : {minimal_ms:7.1f} ms")
    print(f"dashboard    : {dashboard_ms:7.1f} ms  ({dashboard_ms / minimal_ms:5.1f}x minimal)")
    print(f"task list    : {list_ms:7.1f} ms  ({list_ms / minimal_ms:5.1f}x minimal)")


if __name__ == "__main__":
    main()
