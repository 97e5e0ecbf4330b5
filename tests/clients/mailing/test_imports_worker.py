"""A 100,000-row file imported by the real worker (PostgreSQL, Redis, Celery)."""

from __future__ import annotations

import pytest
from django.db import transaction

from clients.mailing.imports import import_job_create, import_job_start
from clients.mailing.models import ImportJob, ImportStatus, Subscriber
from tests.clients.mailing.helpers import upload

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 100_000


def test_it_imports_a_100000_row_csv_on_the_worker(world, audience, celery_worker_live):
    # Given a CSV of 100,000 people, ten of them bad addresses and five given twice
    lines = ["email,name,tags,orders"]
    for n in range(ROWS - 15):
        lines.append(f"person{n}@example.com,Person {n},{'vip' if n % 10 == 0 else ''},{n % 50}")
    lines += [f"broken-{n}.example.com,Broken,," for n in range(10)]
    lines += [f"PERSON{n}@example.com,Again {n},late," for n in range(5)]
    data = ("\n".join(lines) + "\n").encode()
    # When it is uploaded, mapped and run on the worker
    with transaction.atomic():
        job = import_job_create(
            practice=world.practice, audience=audience, file=upload(data, "big.csv")
        )
        import_job_start(
            practice=world.practice,
            job=job,
            mapping=job.mapping,
            basis="existing customers who bought from the client",
        )

    def finished():
        item = ImportJob.objects.for_practice(world.practice).get(pk=job.pk)
        return item if item.finished else None

    item = celery_worker_live.wait_for(finished, timeout=900, what="the import to finish")
    # Then every row is counted: created, merged, reported
    assert item.status == ImportStatus.DONE, item.failure
    assert item.total_rows == ROWS
    assert item.processed_rows == ROWS
    assert item.created_count == ROWS - 15
    assert item.merged_count == 5
    assert item.error_total == 10
    assert [error["line"] for error in item.errors] == list(range(ROWS - 13, ROWS - 3))
    people = Subscriber.objects.for_practice(world.practice).filter(audience=audience)
    assert people.count() == ROWS - 15
    assert people.get(email_key="person3@example.com").tags == ["late"]
    assert people.get(email_key="person0@example.com").tags == ["vip", "late"]
    assert people.get(email_key="person0@example.com").name == "Again 0"
    assert people.filter(tags__contains=["vip"]).count() == (ROWS - 15 + 9) // 10
