"""Database guarantees under concurrency, on PostgreSQL (marker ``postgres``).

Run with DATABASE_URL pointing at PostgreSQL; elsewhere these tests are skipped with the
reason (SQLite serialises writers, so the races cannot happen there).
"""

import threading
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from secretary.errors import ApplicationError
from secretary.tenancy import practice_scope
from tasks import services, timekeeping
from tasks.models import RecurringTask, Task, TimeEntry
from tests.tasks.factories import RecurringTaskFactory, TaskFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (DATABASE_URL=postgres://...).")


def race(*calls, practice):
    """Run the calls at the same moment in threads, each inside the practice (as a request or
    a task would be); return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            with practice_scope(practice):
                results[index] = call()
        except Exception as error:  # reported to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_it_starts_only_one_of_two_simultaneous_timers(world, desk):
    first = TaskFactory(practice=world.practice, client=desk.client)
    second = TaskFactory(practice=world.practice, client=desk.client)
    results = race(
        lambda: timekeeping.timer_start(
            practice=world.practice, membership=world.secretary, task=first
        ),
        lambda: timekeeping.timer_start(
            practice=world.practice, membership=world.secretary, task=second
        ),
        practice=world.practice,
    )
    assert sum(isinstance(r, TimeEntry) for r in results) == 1
    assert sum(isinstance(r, ApplicationError) for r in results) == 1
    assert TimeEntry.objects.for_practice(world.practice).count() == 1


def test_it_creates_an_occurrence_once_when_two_beats_overlap(world, desk):
    rule = RecurringTaskFactory(
        practice=world.practice,
        client=desk.client,
        weekday=0,
        start_date=date(2025, 3, 1),
        lead_days=0,
    )
    RecurringTask.objects.for_practice(world.practice).update(
        created_at=datetime(2025, 3, 10, tzinfo=ZoneInfo("UTC"))
    )
    now = datetime(2025, 3, 17, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    with mock.patch("django.utils.timezone.now", return_value=now):
        race(
            lambda: services.recurring_tasks_run(practice=world.practice),
            lambda: services.recurring_tasks_run(practice=world.practice),
            practice=world.practice,
        )
    dates = sorted(
        Task.objects.for_practice(world.practice)
        .filter(recurrence=rule)
        .values_list("occurrence_date", flat=True)
    )
    assert dates == [date(2025, 3, 10), date(2025, 3, 17)]


def test_it_refuses_a_second_running_timer_in_the_database(world, desk):
    task = TaskFactory(practice=world.practice, client=desk.client)
    timekeeping.timer_start(practice=world.practice, membership=world.secretary, task=task)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(
            practice=world.practice,
            task=task,
            client=desk.client,
            membership=world.secretary,
            started_at=task.created_at,
        )
