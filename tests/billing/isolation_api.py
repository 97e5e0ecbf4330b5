"""Ledger API routes for the isolation harness (a client's books of practice A)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.ledger.books import book_create
from billing.ledger.posting import LineInput, entry_create
from billing.models import Account, LedgerContact
from tests.clients.factories import ClientFactory


def routes(world) -> dict[str, dict]:
    practice = world.practice
    client = ClientFactory(practice=practice, name="Isolated Ledger Client")
    book = book_create(practice=practice, name="Isolated books", chart="us_service", client=client)
    accounts = Account.objects.for_practice(practice).filter(book=book)
    bank = accounts.filter(is_bank=True).first()
    income = accounts.filter(type="income").first()
    lines = [
        LineInput(account=bank, debit=Decimal("10.00")),
        LineInput(account=income, credit=Decimal("10.00")),
    ]
    draft = entry_create(practice=practice, book=book, date=date(2026, 1, 5), lines=lines)
    posted = entry_create(
        practice=practice, book=book, date=date(2026, 1, 6), lines=lines, post=True
    )
    LedgerContact.objects.create(practice=practice, book=book, name="Isolated customer")
    b = {"book_id": book.pk}
    return {
        "api_book_list": {},
        "api_book_detail": b,
        "api_account_list": b,
        "api_account_detail": {**b, "account_id": bank.pk},
        "api_entry_list": b,
        "api_entry_detail": {**b, "entry_id": draft.pk},
        "api_entry_post": {**b, "entry_id": draft.pk},
        "api_entry_reverse": {**b, "entry_id": posted.pk},
        "api_taxcode_list": b,
        "api_ledgercontact_list": b,
    }
