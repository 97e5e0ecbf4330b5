"""Routes of books, accounts and the journal for the isolation harness (practice A's objects)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.ledger.books import book_create
from billing.ledger.posting import LineInput, entry_create
from billing.models import Account, LedgerContact, TaxCode
from tests.clients.factories import ClientFactory


def routes(world) -> dict[str, dict]:
    practice = world.practice
    client = ClientFactory(practice=practice, name="Books Client")
    book = book_create(
        practice=practice, client=client, name="Books Client", chart="us_service", user=None
    )
    accounts = Account.objects.for_practice(practice).filter(book=book)
    bank, income = accounts.get(code="1010"), accounts.get(code="4010")
    draft = entry_create(
        practice=practice,
        book=book,
        date=date(2026, 1, 5),
        lines=[
            LineInput(account=bank, debit=Decimal("10")),
            LineInput(account=income, credit=Decimal("10")),
        ],
    )
    tax_code = TaxCode.objects.for_practice(practice).filter(book=book).first()
    contact = LedgerContact.objects.create(practice=practice, book=book, name="Isolated Customer")
    b = {"book_id": book.pk}
    e = {**b, "entry_id": draft.pk}
    return {
        "book_list": {},
        "book_create": {},
        "book_detail": b,
        "book_settings": b,
        "book_lock": b,
        "book_opening_balances": b,
        "account_create": b,
        "account_edit": {**b, "account_id": bank.pk},
        "account_archive": {**b, "account_id": bank.pk},
        "taxcode_list": b,
        "taxcode_create": b,
        "taxcode_edit": {**b, "tax_code_id": tax_code.pk},
        "ledgercontact_list": b,
        "ledgercontact_create": b,
        "ledgercontact_edit": {**b, "contact_id": contact.pk},
        "journal_list": b,
        "entry_new": b,
        "entry_line": b,
        "entry_line_remove": b,
        "entry_totals": b,
        "entry_detail": e,
        "entry_edit": e,
        "entry_post": e,
        "entry_delete": e,
        "entry_reverse": e,
    }
