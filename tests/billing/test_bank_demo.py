"""The demo bank month: the last full month before today, imported, mostly posted, and seeded
once (a later run, in any month, adds nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.bank import demo as bank_demo
from billing.bank import selectors
from billing.ledger.books import book_create
from billing.ledger.posting import LineInput, entry_create
from billing.models import (
    Account,
    AccountType,
    ImportStatus,
    JournalEntry,
    StatementImport,
    StatementLine,
)
from tests.clients.factories import ClientFactory


@pytest.fixture
def client_book(world):
    client = ClientFactory(practice=world.practice, name="Marlin Design")
    return book_create(practice=world.practice, name="Marlin", chart="au_service", client=client)


def _last_full_month() -> date:
    first = timezone.localdate().replace(day=1)
    return date(first.year - 1, 12, 1) if first.month == 1 else first.replace(month=first.month - 1)


def test_it_seeds_a_month_ready_to_reconcile_and_again_adds_nothing(
    world, client_book, django_capture_on_commit_callbacks
):
    # given the bookkeeping client's books
    demo = type("Demo", (), {"owner": world.owner})()
    # when the demo is seeded twice
    with django_capture_on_commit_callbacks(execute=True):
        bank_demo.seed(demo, bookkeeping=client_book)
    with django_capture_on_commit_callbacks(execute=True):
        bank_demo.seed(demo, bookkeeping=client_book)
    # then one import of the 16 lines is done, and most lines have a ledger line to match
    practice = world.practice
    account = bank_demo.cheque_account(client_book)
    item = StatementImport.objects.for_practice(practice).get(account=account)
    assert item.status == ImportStatus.DONE
    lines = StatementLine.objects.for_practice(practice).filter(account=account)
    assert lines.count() == 16
    unmatched = selectors.unmatched_ledger_lines(practice=practice, account=account)
    assert unmatched.count() == 13
    fee = StatementLine.objects.for_practice(practice).get(description="Monthly account fee")
    assert fee.suggested_account.name == "Bank charges"
    assert bank_demo.demo_statement_path().exists()
    # and the statement and its entries are of the last full month before today
    month = _last_full_month()
    assert {(line.date.year, line.date.month) for line in lines} == {(month.year, month.month)}
    assert {line.date for line in unmatched} <= {line.date for line in lines}
    assert lines.filter(description=f"Office rent {month:%B}").exists()
    assert item.filename == f"cheque_account_{month:%Y_%m}.csv"


def test_it_keeps_the_first_month_when_seeded_again_later(
    world, client_book, django_capture_on_commit_callbacks
):
    # given the demo seeded for March
    demo = type("Demo", (), {"owner": world.owner})()
    with django_capture_on_commit_callbacks(execute=True):
        bank_demo.seed(demo, bookkeeping=client_book, month=date(2026, 3, 1))
    entries = JournalEntry.objects.for_practice(world.practice).filter(book=client_book).count()
    # when it is seeded again in a later month
    with django_capture_on_commit_callbacks(execute=True):
        bank_demo.seed(demo, bookkeeping=client_book, month=date(2026, 4, 1))
    # then nothing is added: one import, the same entries, all in March
    account = bank_demo.cheque_account(client_book)
    assert StatementImport.objects.for_practice(world.practice).filter(account=account).count() == 1
    assert (
        JournalEntry.objects.for_practice(world.practice).filter(book=client_book).count()
        == entries
    )
    dates = StatementLine.objects.for_practice(world.practice).values_list("date", flat=True)
    assert {(day.year, day.month) for day in dates} == {(2026, 3)}


def test_it_moves_the_template_to_a_shorter_month():
    # when the statement is made for February 2028 (29 days)
    rows = bank_demo.demo_statement_rows(date(2028, 2, 1))
    # then each line keeps its day, the 30th and 31st falling on the 29th, and names the month
    assert [row["date"].day for row in rows][-3:] == [28, 29, 29]
    assert rows[0]["Date"] == "01/02/2028" and rows[0]["Reference"] == "TRF-0201"
    assert "Office rent February" in [row["Description"] for row in rows]
    assert rows[-1]["Reference"] == "FEE-0229"
    # and the file reads as the bank's CSV, from the opening balance to the closing one
    text = bank_demo.demo_statement(rows, opening=Decimal("1000.00")).decode().splitlines()
    assert text[0] == "Date,Description,Amount,Reference,Balance"
    assert text[1] == "01/02/2028,Opening balance,,,1000.00"
    assert text[2] == "01/02/2028,Transfer from savings,5000.00,TRF-0201,6000.00"
    total = sum((Decimal(row["Amount"]) for row in rows), Decimal("1000.00"))
    assert text[-1] == f"29/02/2028,Monthly account fee,-10.00,FEE-0229,{total}"


def test_it_puts_the_books_own_movements_of_the_month_on_the_statement(
    world, client_book, django_capture_on_commit_callbacks
):
    # given a bank account that held 500.00 at the end of February, and a receipt posted by
    # the books in March
    account = bank_demo.cheque_account(client_book)
    income = Account.objects.for_practice(world.practice).filter(
        book=client_book, type=AccountType.INCOME
    )[0]
    for day, amount, memo in (
        (date(2026, 2, 10), "500.00", "Opening deposit"),
        (date(2026, 3, 9), "770.00", "Payment INV-7 — Lumen Analytics"),
    ):
        entry_create(
            practice=world.practice,
            book=client_book,
            date=day,
            lines=[
                LineInput(account=account, debit=Decimal(amount)),
                LineInput(account=income, credit=Decimal(amount)),
            ],
            memo=memo,
            post=True,
        )
    # when the demo month of March is seeded
    demo = type("Demo", (), {"owner": world.owner})()
    with django_capture_on_commit_callbacks(execute=True):
        bank_demo.seed(demo, bookkeeping=client_book, month=date(2026, 3, 1))
    # then the statement holds the receipt beside the template's 16 lines
    lines = StatementLine.objects.for_practice(world.practice).filter(account=account)
    assert lines.count() == 17
    receipt = lines.get(description="Payment INV-7 — Lumen Analytics")
    assert (receipt.date, receipt.amount) == (date(2026, 3, 9), Decimal("770.00"))
    # and its closing balance is the opening one plus the month's lines
    item = StatementImport.objects.for_practice(world.practice).get(account=account)
    with item.file.open("rb") as handle:
        last = handle.read().decode().splitlines()[-1]
    closing = Decimal("500.00") + sum((line.amount for line in lines), Decimal(0))
    assert last.endswith(f",{closing:.2f}")


def test_it_does_nothing_without_the_book(world):
    bank_demo.seed(object())
    assert not StatementImport.objects.for_practice(world.practice).exists()
