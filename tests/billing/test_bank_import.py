"""Importing statements: CSV through the feed mapping, OFX, dedupe, failures, progress."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.utils import timezone

from billing.bank import services
from billing.bank.tasks import import_statement
from billing.models import BankRule, ImportStatus, StatementImport, StatementLine
from secretary.errors import ApplicationError
from tests.billing.bank_helpers import CSV_HEADER, feed, upload

OFX_PATH = Path(__file__).parent / "data" / "statement.ofx"


def _lines(ledger):
    return StatementLine.objects.for_practice(ledger.practice).filter(
        account=ledger.account("1010")
    )


def _run(statement_import) -> StatementImport:
    """Commit so the on-commit task runs in-process, then read the import again."""
    return StatementImport.objects.for_practice(statement_import.practice_id).get(
        pk=statement_import.pk
    )


@pytest.fixture
def bank(ledger):
    feed(ledger)
    return ledger


def _upload(ledger, content, name="statement.csv"):
    with transaction.atomic():
        made = upload(ledger, content, name)
    return _run(made)


def test_it_imports_a_csv_with_signed_amounts(bank, django_capture_on_commit_callbacks):
    # given a statement of three lines
    csv = CSV_HEADER + "2025-01-05,Client payment,1500.00,A1\n2025-01-10,Fee,-12.50,\n"
    csv += '2025-01-11,Coffee,"-1,004.10",X\n'
    # when it is uploaded and the worker runs
    with django_capture_on_commit_callbacks(execute=True):
        made = upload(bank, csv)
    item = _run(made)
    # then the lines are there, signed, and the import is done
    assert item.status == ImportStatus.DONE
    assert (item.total_lines, item.processed_lines, item.created_lines) == (3, 3, 3)
    amounts = sorted(_lines(bank).values_list("amount", flat=True))
    assert amounts == [Decimal("-1004.10"), Decimal("-12.50"), Decimal("1500.00")]
    assert item.progress == 100


def test_it_creates_nothing_when_the_same_file_comes_twice(
    bank, django_capture_on_commit_callbacks
):
    # given an imported statement with two identical lines (two coffees the same day)
    csv = CSV_HEADER + "2025-01-05,Coffee,-4.00,\n2025-01-05,Coffee,-4.00,\n"
    with django_capture_on_commit_callbacks(execute=True):
        upload(bank, csv)
    # when the same file is uploaded again
    with django_capture_on_commit_callbacks(execute=True):
        again = upload(bank, csv)
    item = _run(again)
    # then both lines are kept once, and the second import counts two duplicates
    assert _lines(bank).count() == 2
    assert (item.created_lines, item.duplicate_lines) == (0, 2)


def test_it_reads_debit_and_credit_columns_and_a_decimal_comma(
    ledger, django_capture_on_commit_callbacks
):
    # given a European bank's mapping
    feed(
        ledger,
        amount_column="",
        credit_column="In",
        debit_column="Out",
        reference_column="",
        delimiter=";",
        date_format="%d/%m/%Y",
        decimal_comma=True,
    )
    csv = "Date;Description;In;Out\n05/01/2025;Payment;1.234,56;\n06/01/2025;Rent;;800,00\n"
    # when imported
    with django_capture_on_commit_callbacks(execute=True):
        made = upload(ledger, csv)
    # then money in is positive and money out negative
    assert _run(made).status == ImportStatus.DONE
    assert sorted(_lines(ledger).values_list("amount", flat=True)) == [
        Decimal("-800.00"),
        Decimal("1234.56"),
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Day,Text,Amount\n2025-01-01,x,1\n", "no column named “Date”, “Description”"),
        (CSV_HEADER + "2025-01-01,a,1,\n01/02/2025,b,2,\n", "Line 3: the date “01/02/2025”"),
        (CSV_HEADER + "2025-01-01,a,one hundred,\n", "Line 2: the amount “one hundred”"),
        (CSV_HEADER, "no statement lines"),
    ],
)
def test_it_fails_a_bad_csv_with_a_reason_and_saves_nothing(
    bank, django_capture_on_commit_callbacks, content, reason
):
    # given a file the mapping cannot read
    # when it is imported
    with django_capture_on_commit_callbacks(execute=True):
        made = upload(bank, content)
    item = _run(made)
    # then the import failed, saying why, and no line was saved
    assert item.status == ImportStatus.FAILED
    assert reason in item.failure_reason
    assert not _lines(bank).exists()


def test_it_fails_a_file_whose_bad_line_comes_after_a_full_batch(
    bank, django_capture_on_commit_callbacks
):
    # given 1,500 good lines and one bad one at the end
    body = "".join(f"2025-01-01,Line {i},1.00,\n" for i in range(1500)) + "2025-13-01,x,1,\n"
    with django_capture_on_commit_callbacks(execute=True):
        made = upload(bank, CSV_HEADER + body)
    # then nothing at all was saved (the file is read whole before any line is written)
    item = _run(made)
    assert item.status == ImportStatus.FAILED
    assert "Line 1502" in item.failure_reason
    assert not _lines(bank).exists()


def test_it_refuses_a_file_that_is_not_utf8(bank):
    # given a latin-1 file
    content = (CSV_HEADER + "2025-01-01,Caf\u00e9 cr\u00e8me,-3.00,\n").encode("latin-1")
    # when it is uploaded
    with pytest.raises(ApplicationError) as refused:
        upload(bank, content)
    # then it is refused, asking for UTF-8, and nothing is stored
    assert "UTF-8" in refused.value.message
    assert not StatementImport.objects.for_practice(bank.practice).exists()


def test_it_refuses_an_empty_file_and_markup(bank):
    for content in (b"", b"  \n", b"<html><script>alert(1)</script></html>"):
        with pytest.raises(ApplicationError):
            upload(bank, content)
    assert not StatementImport.objects.for_practice(bank.practice).exists()


def test_it_fails_a_non_utf8_byte_deep_in_the_file(bank, django_capture_on_commit_callbacks):
    # given a file whose first 8 KB are UTF-8 and a later line is not
    body = "".join(f"2025-01-01,Line {i},1.00,\n" for i in range(600))
    content = (CSV_HEADER + body).encode() + b"2025-01-02,Caf\xe9,1.00,\n"
    with django_capture_on_commit_callbacks(execute=True):
        made = upload(bank, content)
    item = _run(made)
    assert item.status == ImportStatus.FAILED
    assert "UTF-8" in item.failure_reason
    assert not _lines(bank).exists()


def test_it_refuses_a_csv_before_the_columns_are_set(ledger):
    with pytest.raises(ApplicationError) as refused:
        upload(ledger, CSV_HEADER + "2025-01-01,a,1,\n")
    assert "columns" in refused.value.message


def test_it_imports_an_ofx_of_its_account(bank, django_capture_on_commit_callbacks):
    # given an OFX file for account 123456789 (the feed's)
    with django_capture_on_commit_callbacks(execute=True):
        made = upload(bank, OFX_PATH.read_bytes(), "bank.qfx")
    item = _run(made)
    # then its transactions are lines, with the FITID as reference
    assert item.format == "ofx"
    assert item.status == ImportStatus.DONE
    assert set(_lines(bank).values_list("reference", "amount")) == {
        ("A1", Decimal("1500.00")),
        ("A2", Decimal("-12.50")),
    }


def test_it_fails_an_ofx_of_another_account(ledger, django_capture_on_commit_callbacks):
    # given a feed for account 999
    feed(ledger, account_number="999")
    with django_capture_on_commit_callbacks(execute=True):
        made = upload(ledger, OFX_PATH.read_bytes(), "bank.ofx")
    item = _run(made)
    assert item.status == ImportStatus.FAILED
    assert item.failure_reason == "This file is for account 123456789, not 999."
    assert not _lines(ledger).exists()


def test_it_applies_rules_on_import(bank, django_capture_on_commit_callbacks):
    # given two rules matching "fee", the lower priority number wins
    BankRule.objects.create(
        practice=bank.practice,
        book=bank.book,
        contains="fee",
        account=bank.account("6900"),
        priority=50,
    )
    BankRule.objects.create(
        practice=bank.practice,
        book=bank.book,
        contains="FEE",
        account=bank.account("6020"),
        priority=10,
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(bank, CSV_HEADER + "2025-01-10,Monthly fee,-12.50,\n2025-01-11,Other,-1.00,\n")
    lines = {line.description: line for line in _lines(bank)}
    assert lines["Monthly fee"].suggested_account == bank.account("6020")
    assert lines["Other"].suggested_account is None


def test_it_imports_100000_lines_in_batches_with_progress(bank, django_capture_on_commit_callbacks):
    # given a 100,000-line statement
    start = date(2020, 1, 1)
    body = "".join(
        f"{(start + timedelta(days=i % 1500)).isoformat()},Payee {i % 977},{(i % 500) - 250}.25,R{i}\n"
        for i in range(100_000)
    )
    with transaction.atomic():
        made = upload(bank, CSV_HEADER + body)
    # when the worker task runs in-process
    result = import_statement.run(practice_id=bank.practice.pk, statement_import_id=made.pk)
    # then every line is there and progress reached the total
    item = _run(made)
    assert result == "done"
    assert (item.total_lines, item.processed_lines, item.created_lines) == (100_000,) * 3
    assert _lines(bank).count() == 100_000


def test_it_picks_up_an_import_left_by_a_dead_worker(bank):
    # given an import half done by a worker whose lease expired
    body = "".join(f"2025-01-01,Line {i},1.00,\n" for i in range(30))
    with transaction.atomic():
        made = upload(bank, CSV_HEADER + body)
    claimed = services.import_claim(practice_id=bank.practice.pk, statement_import_id=made.pk)
    services._insert_batch(  # the first lines of a run that then died
        claimed,
        [
            (line, services.line_hash(account_id=claimed.account_id, line=line, occurrence=0))
            for line in list(_parse(bank, claimed))[:10]
        ],
        services._Rules(practice=bank.practice, book=bank.book, account=claimed.account),
        {"processed": 0, "created": 0, "duplicates": 0},
    )
    StatementImport.objects.for_practice(bank.practice).filter(pk=made.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    # when the sweep queues it again and the task runs (in-process on commit)
    assert import_statement.run(practice_id=bank.practice.pk, statement_import_id=made.pk) == "done"
    # then the import finishes with every line once, none counted as a duplicate
    item = _run(made)
    assert (item.created_lines, item.duplicate_lines) == (30, 0)
    assert _lines(bank).count() == 30


def test_it_leaves_a_live_claim_alone(bank):
    with transaction.atomic():
        made = upload(bank, CSV_HEADER + "2025-01-01,a,1,\n")
    # given an import another worker is importing right now
    services.import_claim(practice_id=bank.practice.pk, statement_import_id=made.pk)
    # when a duplicate message runs, it comes back after the lease instead of working
    with pytest.raises(Retry):
        import_statement.run(practice_id=bank.practice.pk, statement_import_id=made.pk)
    # and the sweep does not queue it again
    assert services.imports_requeue_stalled(practice=bank.practice) == []


def _parse(ledger, statement_import):
    from billing.bank.parsing import iter_statement

    with statement_import.file.open("rb") as handle:
        yield from iter_statement(
            handle,
            format="csv",
            feed=services.feed_for(practice=ledger.practice, account=statement_import.account),
            quantum=ledger.book.quantum,
        )
