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


@pytest.fixture
def client_ledger(world) -> Ledger:
    """A bookkeeping client's books (any staff member keeps those; the practice's own books are
    for owners and admins)."""
    from tests.clients.factories import ClientFactory

    client = ClientFactory(practice=world.practice, name="Tidewater Studio", currency="USD")
    book = book_create(
        practice=world.practice,
        name="Tidewater Studio",
        chart="us_service",
        client=client,
        user=world.secretary.user,
    )
    return Ledger(book, user=world.secretary.user)
