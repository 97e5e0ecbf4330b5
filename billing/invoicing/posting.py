"""Posting invoices, credit notes and payments into the practice's own book of their currency.

The book is opened from the chart on first need (``au_service`` for AUD, else ``us_service``).
Issue: Dr receivable (the client's contact) / Cr service income per line's net / Cr tax
collected. A credit note posts the reverse of its lines; a payment Dr bank / Cr receivable. A
client's credit (a payment's unallocated remainder) stays a credit balance on receivable, so
applying it to a later invoice moves nothing in the ledger.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.ledger.books import book_create
from billing.ledger.posting import LedgerError, LineInput, entry_create, role_account
from billing.models import (
    Account,
    AccountRole,
    AccountType,
    Book,
    EntrySource,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    JournalEntry,
    LedgerContact,
    Payment,
)
from billing.models.ledger import ZERO

SOURCE_INVOICE = "billing.invoice"
SOURCE_PAYMENT = "billing.payment"


def chart_for(currency: str) -> str:
    return "au_service" if currency == "AUD" else "us_service"


def practice_book(*, practice, currency: str, user=None) -> Book:
    """The practice's own book in ``currency``, opened from the chart on first need."""
    books = Book.objects.for_practice(practice).filter(client__isnull=True, currency=currency)
    book = books.first()
    if book is not None:
        return book
    try:
        return book_create(
            practice=practice,
            name=f"{practice.name} ({currency})",
            chart=chart_for(currency),
            currency=currency,
            user=user,
        )
    except LedgerError:
        # Opened by someone else at the same moment: use theirs.
        book = books.first()
        if book is None:
            raise
        return book


def income_account(*, practice, book: Book) -> Account:
    """The chart's service income: the first non-archived income account without children."""
    account = (
        Account.objects.for_practice(practice)
        .filter(book=book, type=AccountType.INCOME, archived=False, role="")
        .exclude(children__isnull=False)
        .order_by("code")
        .first()
    )
    if account is None:
        raise LedgerError(_("These books have no income account: add one to the chart."))
    return account


def bank_account(*, practice, book: Book) -> Account:
    """The first bank account of the book (an asset, by code)."""
    account = (
        Account.objects.for_practice(practice)
        .filter(book=book, is_bank=True, is_trust=False, type=AccountType.ASSET, archived=False)
        .order_by("code")
        .first()
    )
    if account is None:
        raise LedgerError(_("These books have no bank account: add one to the chart."))
    return account


def client_contact(*, practice, book: Book, client) -> LedgerContact:
    """The book's contact standing for ``client``, created on first need."""
    contacts = LedgerContact.objects.for_practice(practice).filter(book=book, client=client)
    contact = contacts.first()
    if contact is not None:
        return contact
    for name in (client.name, f"{client.name} (#{client.pk})"):
        try:
            with transaction.atomic():
                return LedgerContact.objects.create(
                    practice=practice,
                    book=book,
                    client=client,
                    name=name[:160],
                    email=client.billing_email or "",
                )
        except IntegrityError:
            contact = contacts.first()
            if contact is not None:
                return contact
    raise LedgerError(_("The client's ledger contact could not be opened."))


def _lines_of(invoice: Invoice) -> list[InvoiceLine]:
    return list(
        InvoiceLine.objects.for_practice(invoice.practice_id)
        .filter(invoice=invoice)
        .order_by("position", "id")
    )


def invoice_post(*, practice, invoice: Invoice, user=None, request=None) -> JournalEntry | None:
    """Post an issued invoice (or, reversed, a credit note); None when its total is zero."""
    if invoice.total <= ZERO:
        return None
    book = practice_book(practice=practice, currency=invoice.currency, user=user)
    receivable = role_account(practice=practice, book=book, role=AccountRole.RECEIVABLE)
    income = income_account(practice=practice, book=book)
    contact = client_contact(practice=practice, book=book, client=invoice.client)
    reverse = invoice.kind == InvoiceKind.CREDIT_NOTE

    def side(amount: Decimal, *, debit: bool) -> dict:
        debit = debit != reverse  # a credit note swaps every side
        return {"debit": amount} if debit else {"credit": amount}

    lines = [
        LineInput(
            account=receivable,
            contact=contact,
            description=str(invoice.number),
            **side(invoice.total, debit=True),
        )
    ]
    for line in _lines_of(invoice):
        if line.amount > 0:
            lines.append(
                LineInput(
                    account=income,
                    contact=contact,
                    description=line.description,
                    **side(line.amount, debit=False),
                )
            )
    if invoice.tax_total > 0:
        lines.append(
            LineInput(
                account=role_account(practice=practice, book=book, role=AccountRole.TAX_COLLECTED),
                contact=contact,
                description=_("Tax on %(number)s") % {"number": invoice.number},
                **side(invoice.tax_total, debit=False),
            )
        )
    memo = (
        _("Credit note %(number)s to %(client)s")
        if reverse
        else _("Invoice %(number)s to %(client)s")
    ) % {"number": invoice.number, "client": invoice.client.name}
    return entry_create(
        practice=practice,
        book=book,
        date=invoice.issue_date,
        lines=lines,
        memo=memo,
        reference=invoice.number,
        source=EntrySource.INVOICE,
        source_type=SOURCE_INVOICE,
        source_id=invoice.pk,
        user=user,
        post=True,
        request=request,
    )


def payment_post(*, practice, payment: Payment, user=None, request=None) -> JournalEntry:
    """Post a payment received: Dr bank / Cr receivable (the client's contact), in full."""
    book = practice_book(practice=practice, currency=payment.currency, user=user)
    contact = client_contact(practice=practice, book=book, client=payment.client)
    description = payment.reference or _("Payment from %(client)s") % {
        "client": payment.client.name
    }
    return entry_create(
        practice=practice,
        book=book,
        date=payment.date,
        lines=[
            LineInput(
                account=bank_account(practice=practice, book=book),
                debit=payment.amount,
                contact=contact,
                description=description,
            ),
            LineInput(
                account=role_account(practice=practice, book=book, role=AccountRole.RECEIVABLE),
                credit=payment.amount,
                contact=contact,
                description=description,
            ),
        ],
        memo=_("Payment from %(client)s") % {"client": payment.client.name},
        reference=payment.reference,
        source=EntrySource.PAYMENT,
        source_type=SOURCE_PAYMENT,
        source_id=payment.pk,
        user=user,
        post=True,
        request=request,
    )
