"""Demo bookkeeping: the practice's books, a bookkeeping client and the law firm; idempotent."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q, Sum

from billing.models import Account, AccountRole, Book, JournalEntry, JournalLine, LedgerContact
from clients.models import Contact
from secretary.demo import seed_demo

pytestmark = pytest.mark.django_db


def counts(practice) -> dict[str, int]:
    return {
        model.__name__: model.objects.for_practice(practice).count()
        for model in (Book, Account, LedgerContact, JournalEntry, JournalLine)
    }


def test_it_seeds_books_once_and_they_balance():
    # (One test: seeding the whole demo takes a while.)
    # Given the demo seeded
    demo = seed_demo()
    practice = demo.practice
    first = counts(practice)
    # When it is seeded again
    seed_demo()
    # Then nothing changed
    assert counts(practice) == first
    # And there are three sets of books, each with posted entries that balance
    books = Book.objects.for_practice(practice).annotate(
        posted_count=Count("entries", filter=Q(entries__status="posted"))
    )
    assert {b.client.name if b.client else None for b in books} == {
        None,
        "Nightjar Ventures",
        "Northwind Legal",
    }
    assert all(book.posted_count > 5 for book in books)
    totals = (
        JournalLine.objects.for_practice(practice)
        .filter(posted=True)
        .aggregate(debits=Sum("debit"), credits=Sum("credit"))
    )
    assert totals["debits"] == totals["credits"] > 0
    for book in books:
        per_book = JournalLine.objects.for_practice(practice).filter(book=book, posted=True)
        sums = per_book.aggregate(debits=Sum("debit"), credits=Sum("credit"))
        assert sums["debits"] == sums["credits"], book.name
    practice_books_have_clients_and_gst(practice)
    law_firm_has_trust_accounts(demo)


def practice_books_have_clients_and_gst(practice) -> None:
    # The practice's books (Australian dollars)
    book = Book.objects.for_practice(practice).get(client=None)
    # Then its chart is the Australian one, with a contact per client and GST collected
    assert book.chart_template == "au_service" and book.currency == "AUD"
    linked = LedgerContact.objects.for_practice(practice).filter(book=book, client__isnull=False)
    assert linked.filter(client__name="Northwind Legal").exists()
    gst = Account.objects.for_practice(practice).get(book=book, role=AccountRole.TAX_COLLECTED)
    assert JournalLine.objects.for_practice(practice).filter(account=gst, posted=True).exists()
    # And the month's invoices are partly still open (receivable above zero)
    receivable = Account.objects.for_practice(practice).get(book=book, role="receivable")
    sums = (
        JournalLine.objects.for_practice(practice)
        .filter(account=receivable)
        .aggregate(debits=Sum("debit"), credits=Sum("credit"))
    )
    assert sums["debits"] > sums["credits"]


def law_firm_has_trust_accounts(demo) -> None:
    practice = demo.practice
    book = Book.objects.for_practice(practice).get(client__name="Northwind Legal")
    accounts = Account.objects.for_practice(practice).filter(book=book, is_trust=True)
    assert accounts.filter(type="asset", is_bank=True).count() == 1
    assert accounts.filter(type="liability", role=AccountRole.TRUST_LIABILITY).count() == 1
    # And the portal login (Northwind's contact) may see billing
    contact = Contact.objects.for_practice(practice).get(membership=demo.client_contact)
    assert contact.portal_billing
