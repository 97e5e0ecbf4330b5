"""Benchmark: the trial balance against the bare SQL aggregate, and the general ledger's pages.

On PostgreSQL only. Loads one book with 1,000,000 posted journal lines over 200 accounts (one
account holds 50,000 of them) with ``INSERT … SELECT generate_series`` as the tables' owner,
then:

* times ``reports.trial_balance`` against the raw ``SELECT account_id, sum(debit),
  sum(credit) … GROUP BY account_id`` on the same rows, as the app's role inside the practice
  (row-level security on for both), in interleaved rounds (the order alternating per round),
  and prints the medians, quartiles, minima and the ratio of the medians (goal: at most 1.5);
* requests the general ledger page of the 50,000-line account through Django's full stack
  (test client, signed-in secretary), page 1 and page 500, and prints the number of queries of
  each (they must be equal) and their median times.

    DATABASE_URL=postgres://secretary:…@127.0.0.1:5432/secretary_bench \
        DATABASE_APP_ROLE=secretary_app .venv/bin/python bench/ledger.py

The load runs once per database (a second run finds the book and reuses it). ``BENCH_LINES``,
``BENCH_ROUNDS`` change the sizes. A script, not a test: it prints figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECRETARY_TESTING", "0")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("bench/ledger.py measures PostgreSQL: set DATABASE_URL=postgres://…")

LINES = int(os.environ.get("BENCH_LINES", "1000000"))
ACCOUNTS = 200
GL_LINES = LINES // 20  # the general ledger's account: 50,000 of 1,000,000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "12"))
SLUG = "ledger-bench"
FIRST_DAY = date(2020, 1, 1)
DAYS = 2000

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from billing.ledger import reports  # noqa: E402
from billing.ledger.books import book_create  # noqa: E402
from billing.models import Account, AccountType, Book, JournalLine, NormalBalance  # noqa: E402
from secretary import rls  # noqa: E402
from secretary.models import Membership, Practice, Role, User  # noqa: E402
from secretary.tenancy import practice_scope  # noqa: E402

RAW = (
    "SELECT account_id, sum(debit), sum(credit) FROM billing_journalline "
    "WHERE practice_id = %s AND book_id = %s AND posted AND date <= %s GROUP BY account_id"
)


def _setup() -> tuple[Practice, Book, User]:
    with rls.cross_practice("bench seed"):
        practice = Practice.objects.filter(slug=SLUG).first()
        if practice is None:
            practice = Practice.objects.create(
                name="Ledger Bench", slug=SLUG, time_zone="UTC", currency="USD"
            )
        user = User.objects.filter(email="ledger-bench@bench.test").first()
        if user is None:
            user = User.objects.create_user("ledger-bench@bench.test", "bench-password-123")
        Membership.objects.unscoped().get_or_create(
            practice=practice, user=user, defaults={"role": Role.SECRETARY}
        )
    with practice_scope(practice):
        book = Book.objects.for_practice(practice).filter(client__isnull=True).first()
        if book is None:
            book = book_create(practice=practice, name="Bench books", chart="us_service")
        have = Account.objects.for_practice(practice).filter(book=book).count()
        types = [AccountType.ASSET, AccountType.LIABILITY, AccountType.INCOME, AccountType.EXPENSE]
        Account.objects.bulk_create(
            [
                Account(
                    practice=practice,
                    book=book,
                    code=f"9{n:03d}",
                    name=f"Bench account {n}",
                    type=types[n % 4],
                    normal_balance=NormalBalance.DEBIT
                    if types[n % 4] in (AccountType.ASSET, AccountType.EXPENSE)
                    else NormalBalance.CREDIT,
                )
                for n in range(have, ACCOUNTS)
            ]
        )
    return practice, book, user


def _load(practice: Practice, book: Book) -> int:
    """Insert LINES posted lines (two per entry, balanced) in one statement per table, as the
    owner with the integrity triggers off for the load, then check every entry balances."""
    with practice_scope(practice):
        existing = JournalLine.objects.for_practice(practice).filter(book=book).count()
        account_ids = list(
            Account.objects.for_practice(practice)
            .filter(book=book)
            .order_by("code")
            .values_list("pk", flat=True)
        )[:ACCOUNTS]
    if existing >= LINES:
        return existing
    entries = LINES // 2
    started = time.perf_counter()
    with rls.owner_role(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL app.bypass_rls = 'on'")
        # The per-row guards and the deferred balance check would run a million times; the load
        # writes balanced entries by construction and is checked in one query below.
        cursor.execute("ALTER TABLE billing_journalline DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE billing_journalentry DISABLE TRIGGER USER")
        cursor.execute(
            "DELETE FROM billing_journalline WHERE practice_id = %s AND book_id = %s",
            [practice.pk, book.pk],
        )
        cursor.execute(
            "DELETE FROM billing_journalentry WHERE practice_id = %s AND book_id = %s",
            [practice.pk, book.pk],
        )
        cursor.execute(
            """
            INSERT INTO billing_journalentry (practice_id, book_id, number, date, memo,
                reference, source, source_type, status, created_at, posted_at)
            SELECT %(practice)s, %(book)s, n, %(first)s::date + (n %% %(days)s),
                   'Bench entry ' || n, '', 'manual', '', 'posted', now(), now()
              FROM generate_series(1, %(entries)s) AS n
            """,
            {
                "practice": practice.pk,
                "book": book.pk,
                "first": FIRST_DAY,
                "days": DAYS,
                "entries": entries,
            },
        )
        # Every tenth entry debits the general ledger's account (50,000 lines of 1,000,000);
        # the others spread over the 200 accounts.
        cursor.execute(
            """
            INSERT INTO billing_journalline (practice_id, entry_id, book_id, account_id, date,
                posted, debit, credit, description, position)
            SELECT e.practice_id, e.id, e.book_id,
                   CASE WHEN side = 0 AND e.number %% 10 = 0 THEN (%(accounts)s)[1]
                        WHEN side = 0 THEN (%(accounts)s)[2 + e.number %% (%(count)s - 1)]
                        ELSE (%(accounts)s)[2 + (e.number * 7 + 3) %% (%(count)s - 1)] END,
                   e.date, true,
                   CASE WHEN side = 0 THEN ((e.number %% 1000) + 1) / 4.0 ELSE 0 END,
                   CASE WHEN side = 1 THEN ((e.number %% 1000) + 1) / 4.0 ELSE 0 END,
                   '', side
              FROM billing_journalentry e CROSS JOIN (VALUES (0), (1)) AS sides(side)
             WHERE e.practice_id = %(practice)s AND e.book_id = %(book)s
            """,
            {
                "practice": practice.pk,
                "book": book.pk,
                "accounts": account_ids,
                "count": len(account_ids),
            },
        )
        cursor.execute(
            "UPDATE billing_book SET next_entry_number = %s WHERE id = %s",
            [entries + 1, book.pk],
        )
        # Run the (deferred) foreign-key checks now: a table with pending events cannot change.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE billing_journalentry ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE billing_journalline ENABLE TRIGGER USER")
        cursor.execute(
            """
            SELECT count(*) FROM (
                SELECT entry_id FROM billing_journalline
                 WHERE practice_id = %s AND book_id = %s
                 GROUP BY entry_id HAVING sum(debit) <> sum(credit) OR count(*) < 2) AS bad
            """,
            [practice.pk, book.pk],
        )
        unbalanced = cursor.fetchone()[0]
        if unbalanced:
            raise SystemExit(f"{unbalanced} entries do not balance; the load is rolled back")
    with rls.owner_role(), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE billing_journalline")
        cursor.execute("VACUUM ANALYZE billing_journalentry")
    print(f"loaded {LINES:,} lines in {time.perf_counter() - started:.1f} s")
    return LINES


def _describe(label: str, timings: list[float]) -> str:
    q = statistics.quantiles(timings, n=4)
    return (
        f"{label:<16} median {statistics.median(timings):8.1f} ms   "
        f"quartiles {q[0]:7.1f}–{q[2]:7.1f} ms   min {min(timings):7.1f} ms   n={len(timings)}"
    )


def _time_trial_balance(practice: Practice, book: Book, as_of: date) -> None:
    def report() -> float:
        started = time.perf_counter()
        with practice_scope(practice):
            reports.trial_balance(practice=practice, book=book, as_of=as_of)
        return (time.perf_counter() - started) * 1000

    def raw() -> float:
        started = time.perf_counter()
        with practice_scope(practice), connection.cursor() as cursor:
            cursor.execute(RAW, [practice.pk, book.pk, as_of])
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    report(), raw()  # warm the cache and the plans
    timings: dict[str, list[float]] = {"report": [], "raw": []}
    for round_ in range(ROUNDS):
        order = (("report", report), ("raw", raw))
        for name, run in order if round_ % 2 == 0 else reversed(order):
            timings[name].append(run())
    print(_describe("raw SQL", timings["raw"]))
    print(_describe("trial_balance()", timings["report"]))
    ratio = statistics.median(timings["report"]) / statistics.median(timings["raw"])
    print(f"ratio of medians (trial_balance / raw): {ratio:.3f}  (goal ≤ 1.5)")


def _general_ledger_pages(practice: Practice, book: Book, user: User) -> None:
    with practice_scope(practice):
        account = Account.objects.for_practice(practice).filter(book=book).order_by("code").first()
        line_count = JournalLine.objects.for_practice(practice).filter(account=account).count()
    browser = HttpClient()
    browser.force_login(user)
    url = reverse("ledger_reports", args=[practice.slug, book.pk])
    params = {
        "report": "general_ledger",
        "account": account.pk,
        "start": FIRST_DAY.isoformat(),
        "end": (FIRST_DAY + timedelta(days=DAYS)).isoformat(),
    }
    results = {}
    for page in (1, 500):
        statements: list[str] = []

        def count(execute, sql, *args, statements=statements):
            statements.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            response = browser.get(url, {**params, "page": page})
        assert response.status_code == 200, response.status_code
        timings = []
        for _ in range(max(3, ROUNDS // 2)):
            started = time.perf_counter()
            browser.get(url, {**params, "page": page})
            timings.append((time.perf_counter() - started) * 1000)
        results[page] = (len(statements), timings)
    print(f"general ledger of {account.code} ({line_count:,} lines, 50 per page), over HTTP:")
    for page, (queries, timings) in results.items():
        print(
            f"  page {page:>3}: {queries} queries, median {statistics.median(timings):.1f} ms "
            f"(min {min(timings):.1f}, max {max(timings):.1f})"
        )
    same = results[1][0] == results[500][0]
    print(f"  same number of queries on page 1 and page 500: {'yes' if same else 'NO'}")


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    practice, book, user = _setup()
    lines = _load(practice, book)
    print(f"book of {lines:,} posted lines over {ACCOUNTS} accounts, {ROUNDS} rounds")
    as_of = FIRST_DAY + timedelta(days=DAYS)
    _time_trial_balance(practice, book, as_of)
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        _general_ledger_pages(practice, book, user)


if __name__ == "__main__":
    main()
