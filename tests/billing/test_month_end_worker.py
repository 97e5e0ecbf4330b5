"""The demo bookkeeping client's month, end to end on real services: its bank statement
imported by the worker (again: nothing new), the month reconciled to a difference of zero, and
the month-end pack rendered by the worker."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import pytest
from django.db import transaction

from billing import closing
from billing.bank import demo as bank_demo
from billing.bank import selectors as bank_selectors
from billing.bank import services as bank
from billing.demo import BOOKKEEPING_CLIENT
from billing.invoicing.issuing import practice_today
from billing.models import Book, ImportStatus, ReconciliationStatus, StatementImport, StatementLine
from documents.models import DocumentStatus
from secretary.demo import seed_demo
from secretary.tenancy import practice_scope

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _statement_lines(practice, account):
    return StatementLine.objects.for_practice(practice).filter(account=account)


def test_the_demo_bookkeeping_client_closes_its_month_with_the_worker(celery_worker_live):
    # Given the demo, whose bookkeeping client has last month's statement imported once
    demo = seed_demo()
    practice, user = demo.practice, demo.secretary.user
    with practice_scope(practice):
        book = Book.objects.for_practice(practice).get(client__name=BOOKKEEPING_CLIENT)
        account = bank_demo.cheque_account(book)
        lines_before = _statement_lines(practice, account).count()
        # (the template's 16 lines and the month's receipts and payments the books hold)
        assert lines_before == 20
        month = min(line.date for line in _statement_lines(practice, account)).replace(day=1)
        assert month == bank_demo.demo_month(practice_today(practice))
        first_import = StatementImport.objects.for_practice(practice).get(account=account)
        with first_import.file.open("rb") as handle:
            statement = handle.read()
        opening = bank.ledger_balance(
            practice=practice, account=account, as_of=month - timedelta(days=1)
        )

    # When the same statement is uploaded again and the worker imports it
    with transaction.atomic(), practice_scope(practice):
        again = bank.statement_upload_bytes(
            practice=practice,
            book=book,
            account=account,
            content=statement,
            name="statement-again.csv",
            user=user,
        )

    def imported():
        with practice_scope(practice):
            again.refresh_from_db()
        return again.status in (ImportStatus.DONE, ImportStatus.FAILED)

    celery_worker_live.wait_for(imported, timeout=90, what="the second import")
    # Then it found every line already there and created none
    assert again.status == ImportStatus.DONE, again.failure_reason
    assert (again.created_lines, again.duplicate_lines) == (0, lines_before)

    with practice_scope(practice):
        assert _statement_lines(practice, account).count() == lines_before
        # When every statement line is matched to its posted ledger line, or posted from its rule
        # (or to the uncategorised account) in one click
        ledger_lines = list(
            bank_selectors.unmatched_ledger_lines(practice=practice, account=account)
        )
        for line in _statement_lines(practice, account).order_by("date", "id"):
            same = next(
                (
                    ledger_line
                    for ledger_line in ledger_lines
                    if ledger_line.debit - ledger_line.credit == line.amount
                    and ledger_line.date == line.date
                ),
                None,
            )
            if same is not None:
                ledger_lines.remove(same)
                bank.statement_line_match(
                    practice=practice, line=line, journal_line_ids=[same.pk], user=user
                )
            else:
                fallback = line.suggested_account or book.accounts.get(role="uncategorised")
                bank.statement_line_create_entry(
                    practice=practice, line=line, account=fallback, user=user
                )
        assert not _statement_lines(practice, account).filter(reconciled=False).exists()
        # And the month is reconciled against the statement's closing balance (its last line)
        closing_balance = sum(
            (line.amount for line in _statement_lines(practice, account)), opening
        )
        assert statement.decode().splitlines()[-1].endswith(f",{closing_balance:.2f}")
        last_day = max(line.date for line in _statement_lines(practice, account))
        reconciliation = bank.reconciliation_save(
            practice=practice,
            account=account,
            period_end=closing.reports.month_bounds(last_day)[1],
            statement_balance=closing_balance,
            user=user,
        )
        assert reconciliation.difference == 0
        reconciliation = bank.reconciliation_close(
            practice=practice, reconciliation=reconciliation, user=user
        )
        assert reconciliation.status == ReconciliationStatus.CLOSED
        # When the secretary generates the month-end pack (rendered by the worker)
        with transaction.atomic():
            pack = closing.month_end_pack_generate(
                practice=practice,
                book=book,
                month=last_day,
                note="All statement lines reconciled.",
                user=user,
            )
    document = pack.document

    def rendered():
        with practice_scope(practice):
            document.refresh_from_db()
        return document.status in (DocumentStatus.READY, DocumentStatus.FAILED)

    celery_worker_live.wait_for(rendered, timeout=120, what="the month-end pack")
    # Then its PDF names the client, the period and the closing bank balance
    assert document.status == DocumentStatus.READY, document.failure_reason
    with document.file.open("rb") as handle:
        pdf = handle.read()
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert BOOKKEEPING_CLIENT in text
    assert closing.month_label(last_day) in text
    assert f"{closing_balance:,.2f}" in text
    assert StatementImport.objects.unscoped().filter(account=account).count() == 2
