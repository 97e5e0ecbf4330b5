"""Issuing invoices: numbers, dates, copied details, the posting, locked time, immutability."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from billing.invoicing import services
from billing.invoicing.posting import SOURCE_INVOICE, practice_book
from billing.models import (
    AccountRole,
    BillingSettings,
    Book,
    InvoiceLine,
    InvoiceStatus,
    JournalEntry,
    LedgerContact,
)
from secretary.models import ActivityEvent
from tasks.models import TimeEntry
from tests.billing.invoicing_helpers import (
    ISSUE_DAY,
    account_balance,
    billed_client,
    draft,
    issued,
    receivable_balance,
    tax,
)
from tests.tasks.factories import TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_to_issue_an_invoice_without_lines(world):
    # Given an empty draft
    invoice = draft(world.practice, billed_client(world.practice))
    # When it is issued, then it is refused and stays a draft without a number
    with pytest.raises(services.InvoiceError) as error:
        services.invoice_issue(practice=world.practice, invoice=invoice)
    assert "lines" in error.value.errors
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (InvoiceStatus.DRAFT, "")


def test_it_numbers_dates_and_copies_the_details_at_issue(world):
    # Given the practice's invoicing settings and a client on net 30
    BillingSettings.objects.create(
        practice=world.practice, tax_number="12 345 678 901", invoice_address="2 Harbour Rd"
    )
    client = billed_client(world.practice)
    gst = tax(world.practice, "GST 10%")
    first = draft(world.practice, client, ("Retainer", "1", "500.00", gst), payment_terms="net_30")
    second = draft(world.practice, client, ("Hours", "2", "60.00", gst))
    # When both are issued
    first = services.invoice_issue(
        practice=world.practice, invoice=first, issue_date=ISSUE_DAY, user=world.owner.user
    )
    second = services.invoice_issue(practice=world.practice, invoice=second, issue_date=ISSUE_DAY)
    # Then they take consecutive numbers of the default series
    assert (first.number, second.number) == ("INV-2026-00001", "INV-2026-00002")
    assert first.status == InvoiceStatus.ISSUED
    assert first.due_date == ISSUE_DAY + timedelta(days=30)
    assert (first.seller_name, first.seller_tax_number, first.seller_address) == (
        "Harbour Desk",
        "12 345 678 901",
        "2 Harbour Rd",
    )
    assert (first.bill_to_name, first.bill_to_tax_id) == ("Northwind Legal", "51 824 753 556")
    assert first.bill_to_address.startswith("1 Quay St")
    assert first.issued_by == world.owner.user and first.issued_at is not None
    assert ActivityEvent.objects.filter(verb="invoice.issued", practice=world.practice).count() == 2


def test_it_issues_today_in_the_practices_time_zone_by_default(world):
    # Given a draft (practice A works in Sydney)
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    invoice = draft(world.practice, billed_client(world.practice), ("Work", "1", "10.00", None))
    # When it is issued without a date
    invoice = services.invoice_issue(practice=world.practice, invoice=invoice)
    # Then it is dated today in Sydney
    assert invoice.issue_date == timezone.localdate(timezone=ZoneInfo("Australia/Sydney"))


def test_it_posts_receivable_income_and_tax_into_the_practice_book_of_the_currency(world):
    # Given a draft of 2 x 100.00 with GST and 1 x 50.00 GST-free, in AUD
    client = billed_client(world.practice)
    invoice = draft(
        world.practice,
        client,
        ("Hours", "2", "100.00", tax(world.practice, "GST 10%")),
        ("Filing", "1", "50.00", tax(world.practice, "GST-free")),
    )
    # When it is issued
    invoice = services.invoice_issue(practice=world.practice, invoice=invoice, issue_date=ISSUE_DAY)
    # Then the AUD book was opened from the Australian chart and the entry posted
    book = Book.objects.for_practice(world.practice).get(client__isnull=True, currency="AUD")
    assert book.chart_template == "au_service"
    entry = JournalEntry.objects.for_practice(world.practice).get(
        source_type=SOURCE_INVOICE, source_id=invoice.pk
    )
    assert invoice.journal_entry == entry and entry.is_posted
    assert receivable_balance(world.practice) == Decimal("270.00")
    assert account_balance(world.practice, code="4-1000") == Decimal("250.00")
    assert account_balance(world.practice, role=AccountRole.TAX_COLLECTED) == Decimal("20.00")
    contact = LedgerContact.objects.for_practice(world.practice).get(book=book, client=client)
    receivable_line = entry.lines.get(account__role=AccountRole.RECEIVABLE)
    assert receivable_line.contact == contact


def test_it_posts_a_usd_invoice_into_the_usd_book(world):
    # Given a client billed in USD
    client = billed_client(world.practice, name="Acme Inc", currency="USD")
    # When its invoice is issued
    issued(world.practice, client, ("Work", "1", "80.00", None))
    # Then the USD book (US chart) holds it, and the contact is made once per book
    book = practice_book(practice=world.practice, currency="USD")
    assert book.chart_template == "us_service"
    assert receivable_balance(world.practice, "USD") == Decimal("80.00")
    assert account_balance(world.practice, code="4010", currency="USD") == Decimal("80.00")
    issued(world.practice, client, ("More work", "1", "20.00", None))
    assert LedgerContact.objects.for_practice(world.practice).filter(client=client).count() == 1


def test_it_locks_the_time_an_issued_invoice_bills(world):
    # Given two time entries of the client, one on the invoice
    client = billed_client(world.practice)
    task = TaskFactory(practice=world.practice, client=client)
    billed, other = TimeEntryFactory(task=task), TimeEntryFactory(task=task)
    invoice = draft(world.practice, client)
    services.invoice_line_add(
        practice=world.practice,
        invoice=invoice,
        kind="hourly",
        description="Hours",
        quantity=Decimal(1),
        unit_price=Decimal("60.00"),
        time_entries=[billed],
    )
    # When the invoice is issued
    services.invoice_issue(practice=world.practice, invoice=invoice, issue_date=ISSUE_DAY)
    # Then only the billed entry is locked
    entries = TimeEntry.objects.for_practice(world.practice)
    assert entries.get(pk=billed.pk).locked_at is not None
    assert entries.get(pk=other.pk).locked_at is None


def test_it_refuses_time_of_another_client_or_already_billed(world):
    # Given an entry already on a draft, and another client's entry
    client = billed_client(world.practice)
    entry = TimeEntryFactory(task=TaskFactory(practice=world.practice, client=client))
    other_client = billed_client(world.practice, name="Someone Else")
    stranger = TimeEntryFactory(task=TaskFactory(practice=world.practice, client=other_client))
    first = draft(world.practice, client)
    line_kwargs = {"description": "Hours", "quantity": 1, "unit_price": "60.00"}
    services.invoice_line_add(
        practice=world.practice, invoice=first, time_entries=[entry], **line_kwargs
    )
    second = draft(world.practice, client)
    # When either is billed again, then it is refused
    for entries in ([entry], [stranger]):
        with pytest.raises(services.InvoiceError) as error:
            services.invoice_line_add(
                practice=world.practice, invoice=second, time_entries=entries, **line_kwargs
            )
        assert "time_entries" in error.value.errors


def test_it_refuses_every_change_to_an_issued_invoice(world):
    # Given an issued invoice
    invoice = issued(world.practice, billed_client(world.practice), ("Work", "1", "10.00", None))
    line = InvoiceLine.objects.for_practice(world.practice).get(invoice=invoice)
    # When its lines or fields are changed, or it is issued again or deleted, then all refuse
    attempts = [
        lambda: services.invoice_line_add(
            practice=world.practice, invoice=invoice, description="X", quantity=1, unit_price=1
        ),
        lambda: services.invoice_line_update(
            practice=world.practice, line=line, description="X", quantity=1, unit_price=1
        ),
        lambda: services.invoice_line_delete(practice=world.practice, line=line),
        lambda: services.invoice_update(practice=world.practice, invoice=invoice, notes="X"),
        lambda: services.invoice_issue(practice=world.practice, invoice=invoice),
        lambda: services.invoice_delete_draft(practice=world.practice, invoice=invoice),
    ]
    for attempt in attempts:
        with pytest.raises(services.InvoiceError):
            attempt()
    line.refresh_from_db()
    assert (line.description, line.amount) == ("Work", Decimal("10.00"))


def test_it_marks_an_issued_invoice_sent(world):
    # Given an issued invoice
    invoice = issued(world.practice, billed_client(world.practice), ("Work", "1", "10.00", None))
    # When it is marked sent
    invoice = services.invoice_mark_sent(practice=world.practice, invoice=invoice)
    # Then its status and time say so
    assert invoice.status == InvoiceStatus.SENT and invoice.sent_at is not None


def test_it_uses_the_invoices_own_series_when_it_has_one(world):
    # Given a second invoice series with its own pattern
    from billing.models import InvoiceSeries

    series = InvoiceSeries.objects.create(
        practice=world.practice, kind="invoice", name="Projects", pattern="P{yy}-{seq:03}"
    )
    invoice = draft(
        world.practice, billed_client(world.practice), ("Work", "1", "10.00", None), series=series
    )
    # When it is issued
    invoice = services.invoice_issue(
        practice=world.practice, invoice=invoice, issue_date=date(2027, 1, 5)
    )
    # Then the number comes from that series
    assert invoice.number == "P27-001"
