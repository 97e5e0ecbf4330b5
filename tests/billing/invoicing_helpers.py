"""Helpers of the invoicing engine tests: a client, its tax rates, drafts with lines, and the
balance of the practice book's receivable account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from billing.invoicing import services
from billing.invoicing.posting import practice_book
from billing.invoicing.selectors import taxes_seed
from billing.models import AccountRole, JournalLine, TaxRate
from tests.clients.factories import ClientFactory

ISSUE_DAY = date(2026, 3, 2)


def billed_client(practice, *, name="Northwind Legal", currency="AUD"):
    return ClientFactory(
        practice=practice,
        name=name,
        currency=currency,
        address="1 Quay St\nSydney NSW 2000",
        tax_id="51 824 753 556",
    )


def tax(practice, name: str) -> TaxRate:
    taxes_seed(practice=practice)
    return TaxRate.objects.for_practice(practice).get(name=name)


def draft(practice, client, *lines, user=None, **fields):
    """A draft with ``lines`` as (description, quantity, unit price, tax rate or None)."""
    invoice = services.invoice_create(practice=practice, client=client, user=user, **fields)
    for description, quantity, unit_price, rate in lines:
        services.invoice_line_add(
            practice=practice,
            invoice=invoice,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Decimal(unit_price),
            tax_rate=rate,
        )
    invoice.refresh_from_db()
    return invoice


def issued(practice, client, *lines, day=ISSUE_DAY, user=None, **fields):
    invoice = draft(practice, client, *lines, user=user, **fields)
    return services.invoice_issue(practice=practice, invoice=invoice, issue_date=day, user=user)


def receivable_balance(practice, currency="AUD") -> Decimal:
    """Debits minus credits of the receivable account of the practice's book."""
    book = practice_book(practice=practice, currency=currency)
    sums = (
        JournalLine.objects.for_practice(practice)
        .filter(book=book, posted=True, account__role=AccountRole.RECEIVABLE)
        .aggregate(debit=Sum("debit"), credit=Sum("credit"))
    )
    return (sums["debit"] or Decimal(0)) - (sums["credit"] or Decimal(0))


def account_balance(practice, *, role: str = "", code: str = "", currency="AUD") -> Decimal:
    """Credits minus debits (as income and liabilities read) of one account of the book."""
    book = practice_book(practice=practice, currency=currency)
    lines = JournalLine.objects.for_practice(practice).filter(book=book, posted=True)
    lines = lines.filter(account__role=role) if role else lines.filter(account__code=code)
    sums = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (sums["credit"] or Decimal(0)) - (sums["debit"] or Decimal(0))
