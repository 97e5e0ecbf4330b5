"""Billing fixtures: the practice's own books (US chart) and a way to post entries quickly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.ledger.books import book_create
from billing.ledger.posting import LineInput, entry_create
from billing.models import Account, Book


class Ledger:
    """A book with short ways to name its accounts and post balanced entries."""

    def __init__(self, book: Book, user=None):
        self.book = book
        self.practice = book.practice
        self.user = user

    def account(self, code: str) -> Account:
        return Account.objects.for_practice(self.practice).get(book=self.book, code=code)

    def post(self, day: date, *pairs: tuple[str, str, str], memo: str = "", post: bool = True):
        """``pairs`` are (debit account code, credit account code, amount)."""
        lines = []
        for debit_code, credit_code, amount in pairs:
            lines.append(LineInput(account=self.account(debit_code), debit=Decimal(amount)))
            lines.append(LineInput(account=self.account(credit_code), credit=Decimal(amount)))
        return entry_create(
            practice=self.practice,
            book=self.book,
            date=day,
            lines=lines,
            memo=memo,
            user=self.user,
            post=post,
        )


@pytest.fixture
def ledger(world) -> Ledger:
    book = book_create(
        practice=world.practice, name="Harbour Desk", chart="us_service", user=world.owner.user
    )
    return Ledger(book, user=world.owner.user)


# --- Reports, portal and month end: a client's books ---------------------------------------


@pytest.fixture
def client_ledger(world) -> Ledger:
    """Northwind Legal's books (US chart, AUD), kept by practice A; the world's contact is
    Northwind's billing contact and the secretary its primary secretary."""
    from tests.clients.factories import ClientFactory, ContactFactory

    client = ClientFactory(
        practice=world.practice,
        name="Northwind Legal",
        currency="AUD",
        primary_secretary=world.secretary,
    )
    ContactFactory(
        client=client,
        name="Nora North",
        email="contact@client.test",
        membership=world.client_contact,
        is_primary=True,
        portal_billing=True,
    )
    book = book_create(
        practice=world.practice,
        name="Northwind Legal",
        chart="us_service",
        client=client,
        currency="AUD",
        user=world.owner.user,
    )
    return Ledger(book, user=world.owner.user)


# --- Invoicing: an issued invoice of the client the world's contact represents ------------------


@pytest.fixture
def client_billing_invoice(world):
    """An issued invoice (AUD 1,000.00) of the client whose billing contact is the world's
    contact."""
    from tests.billing.invoice_factories import issued_invoice
    from tests.billing.isolation_invoices_portal import contact_client_of

    return issued_invoice(practice=world.practice, client=contact_client_of(world))
