"""Benchmark: a 100,000-line bank statement imported through the worker task.

Seeds a practice with books (US chart) and a CSV mapping on the checking account, uploads a
generated 100,000-line statement, runs the import task in this process (the same code a worker
runs: validation pass, then batches of 1,000 with a per-batch duplicate check and progress
commits), samples the progress a second thread reads while it runs, and prints lines/second.
Then it imports the same file again (every line a duplicate) and prints that rate too.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/secretary_bench .venv/bin/python bench/ledger_import.py
    .venv/bin/python bench/ledger_import.py                 # a fresh SQLite file under /tmp

A script, not a test: it prints figures. `BENCH_LINES` changes the size.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

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

LINES = int(os.environ.get("BENCH_LINES", "100000"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def statement(lines: int) -> bytes:
    start = date(2020, 1, 1)
    rows = ["Date,Description,Amount,Reference\n"]
    for i in range(lines):
        day = (start + timedelta(days=i % 1500)).isoformat()
        rows.append(f"{day},Payee {i % 977} invoice {i},{(i % 500) - 250}.25,R{i}\n")
    return "".join(rows).encode()


def seed():
    from billing.bank import services
    from billing.ledger.books import book_create
    from billing.models import Account
    from secretary.models import Practice
    from secretary.tenancy import practice_scope

    practice = Practice.objects.create(
        name="Bench Ledger", slug=f"bench-ledger-{int(time.time())}", currency="USD"
    )
    with practice_scope(practice):
        book = book_create(practice=practice, name="Bench", chart="us_service")
        account = Account.objects.for_practice(practice).get(book=book, code="1010")
        services.feed_save(
            practice=practice,
            account=account,
            data={
                "date_column": "Date",
                "description_column": "Description",
                "amount_column": "Amount",
                "reference_column": "Reference",
                "date_format": "%Y-%m-%d",
            },
        )
    return practice, book, account


def run_import(practice, book, account, content: bytes) -> tuple[float, list[int], object]:
    from billing.bank import services
    from billing.bank.tasks import import_statement
    from billing.models import StatementImport
    from secretary.tenancy import practice_scope

    # The task is run below, in this process and timed, instead of being sent to a worker.
    with (
        practice_scope(practice),
        transaction.atomic(),
        mock.patch.object(services, "enqueue_on_commit"),
    ):
        made = services.statement_upload_bytes(
            practice=practice, book=book, account=account, content=content, name="bench.csv"
        )
    samples: list[int] = []
    done = threading.Event()

    def watch():
        while not done.is_set():
            with practice_scope(practice):
                samples.append(
                    StatementImport.objects.for_practice(practice)
                    .values_list("processed_lines", flat=True)
                    .get(pk=made.pk)
                )
            connection.close()
            done.wait(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    import_statement.run(practice_id=practice.pk, statement_import_id=made.pk)
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    with practice_scope(practice):
        item = StatementImport.objects.for_practice(practice).get(pk=made.pk)
    return elapsed, samples, item


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    practice, book, account = seed()
    content = statement(LINES)
    print(f"{connection.vendor}: {LINES:,} lines, {len(content) / 1e6:.1f} MB")
    for label in ("first import", "same file again"):
        elapsed, samples, item = run_import(practice, book, account, content)
        moving = sorted({s for s in samples if 0 < s < LINES})
        print(
            f"{label:16} {elapsed:6.1f} s  {LINES / elapsed:8,.0f} lines/s  "
            f"status={item.status} created={item.created_lines:,} "
            f"duplicates={item.duplicate_lines:,} progress samples between 0 and the total: "
            f"{len(moving)}"
        )
        assert item.status == "done", item.failure_reason
        assert item.processed_lines == LINES


if __name__ == "__main__":
    main()
