"""The demo bank month: imported, mostly posted, idempotent."""

from __future__ import annotations

import pytest

from billing.bank import demo as bank_demo
from billing.bank import selectors
from billing.ledger.books import book_create
from billing.models import ImportStatus, StatementImport, StatementLine
from tests.clients.factories import ClientFactory


@pytest.fixture
def client_book(world):
    client = ClientFactory(practice=world.practice, name="Marlin Design")
    return book_create(practice=world.practice, name="Marlin", chart="au_service", client=client)


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
    assert StatementLine.objects.for_practice(practice).filter(account=account).count() == 16
    unmatched = selectors.unmatched_ledger_lines(practice=practice, account=account)
    assert unmatched.count() == 13
    fee = StatementLine.objects.for_practice(practice).get(description="Monthly account fee")
    assert fee.suggested_account.name == "Bank charges"
    assert bank_demo.demo_statement_path().exists()


def test_it_does_nothing_without_the_book(world):
    bank_demo.seed(object())
    assert not StatementImport.objects.for_practice(world.practice).exists()
