"""The invoice and the statement of account as PDFs, rendered for real and read back."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing.invoicing.documents import (
    invoice_context,
    invoice_request_pdf,
    statement_context,
    statement_request_pdf,
)
from billing.models import BillingSettings, Invoice
from documents import rendering
from documents.builtins import builtin_template
from documents.models import DocumentKind, DocumentStatus
from secretary.errors import ApplicationError
from tests.billing.invoice_factories import gst, issued_invoice, paid
from tests.clients.factories import ClientFactory


@pytest.fixture
def northwind(world):
    return ClientFactory(
        practice=world.practice, name="Northwind Legal", currency="AUD", address="12 Wharf Road"
    )


@pytest.fixture
def settings_row(world):
    return BillingSettings.objects.create(
        practice=world.practice,
        tax_number="51 824 753 556",
        payment_instructions="BSB 062-000\nAccount 1234 5678",
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _render(kind: str, context: dict) -> str:
    result = rendering.render_document(
        template_source=builtin_template(kind).source, context=context
    )
    return _text(result.pdf)


def test_it_renders_an_invoice_with_its_tax_and_amount_due(world, northwind, settings_row):
    # Given an issued invoice of two lines with GST 10 %, partly paid
    invoice = issued_invoice(
        practice=world.practice,
        client=northwind,
        lines=(("Monthly retainer", "1", "1000.00"), ("Hours beyond the plan", "2.5", "80.00")),
        tax_rate=gst(world.practice),
        number="INV-2026-00042",
    )
    paid(invoice, "500.00")
    # When its PDF is rendered
    text = _render(DocumentKind.INVOICE, invoice_context(invoice))
    # Then the number, the GST line, the total, the paid amount and the amount due are there
    assert "INV-2026-00042" in text
    assert "GST 10% on AUD 1,200.00" in text
    assert "AUD 120.00" in text
    assert "AUD 1,320.00" in text
    assert "AUD 820.00" in text
    # And both parties with their tax numbers, the bank details and the remittance slip
    assert "51 824 753 556" in text and "98 765 432 109" in text
    assert "BSB 062-000" in text
    assert "remittance slip" in text.lower()
    assert "2.5" in text


def test_it_requests_the_invoice_pdf_through_the_renderer(world, northwind, settings_row):
    # Given an issued invoice
    invoice = issued_invoice(
        practice=world.practice, client=northwind, tax_rate=gst(world.practice)
    )
    # When its PDF is asked for (the render runs after commit in tests)
    document = invoice_request_pdf(practice=world.practice, invoice=invoice)
    # Then it is an invoice document about the invoice, kept on the invoice
    assert document.kind == DocumentKind.INVOICE
    assert (document.subject_type, document.subject_id) == ("billing.invoice", invoice.pk)
    assert document.client_id == northwind.pk
    invoice = Invoice.objects.for_practice(world.practice).get(pk=invoice.pk)
    assert invoice.document_id == document.pk
    # And asking again gives the same document
    assert invoice_request_pdf(practice=world.practice, invoice=invoice).pk == document.pk


@pytest.mark.django_db(transaction=True)
def test_it_renders_the_requested_pdf_for_real(world, northwind, settings_row):
    # Given an issued invoice
    invoice = issued_invoice(
        practice=world.practice, client=northwind, tax_rate=gst(world.practice)
    )
    # When its PDF is asked for and the worker runs after commit
    document = invoice_request_pdf(practice=world.practice, invoice=invoice)
    document.refresh_from_db()
    # Then the file holds the invoice
    assert document.status == DocumentStatus.READY
    with document.file.open("rb") as handle:
        text = _text(handle.read())
    assert invoice.number in text and "AUD 1,100.00" in text


def test_it_refuses_the_pdf_of_a_draft(world, northwind):
    invoice = issued_invoice(practice=world.practice, client=northwind, status="draft")
    with pytest.raises(ApplicationError):
        invoice_request_pdf(practice=world.practice, invoice=invoice)


def test_it_renders_a_statement_of_account(world, northwind, settings_row):
    # Given two open invoices, one partly paid, and a paid one
    first = issued_invoice(practice=world.practice, client=northwind, number="INV-2026-00101")
    second = issued_invoice(
        practice=world.practice,
        client=northwind,
        number="INV-2026-00102",
        issue_date=date(2026, 4, 1),
    )
    paid(second, "300.00")
    done = issued_invoice(practice=world.practice, client=northwind, number="INV-2026-00103")
    paid(done, "1000.00")
    # When the statement is rendered
    context = statement_context(
        practice=world.practice, client=northwind, currency="AUD", as_of=date(2026, 5, 1)
    )
    text = _render(DocumentKind.STATEMENT_OF_ACCOUNT, context)
    # Then it lists the open invoices and the payments, and the balance
    assert "INV-2026-00101" in text and "INV-2026-00102" in text
    assert "INV-2026-00103" not in text
    assert "Transfer 42" in text
    assert context["balance"] == "AUD\xa01,700.00"
    assert "AUD 1,700.00" in text
    assert first.number in text


def test_it_requests_the_statement_as_a_client_document(world, northwind):
    issued_invoice(practice=world.practice, client=northwind)
    document = statement_request_pdf(
        practice=world.practice, client=northwind, as_of=date(2026, 5, 1)
    )
    assert document.kind == DocumentKind.STATEMENT_OF_ACCOUNT
    assert document.client_id == northwind.pk
    assert document.subject_type == "billing.client_statement"


@pytest.mark.parametrize(
    ("name", "rate", "shown"),
    [("GST 10%", "10.000", "GST 10%"), ("GST", "10", "GST 10%"), ("VAT 20 %", "20", "VAT 20 %")],
)
def test_a_tax_is_named_with_its_rate_once(name, rate, shown):
    from billing.invoicing.documents import tax_name

    assert tax_name(name, Decimal(rate)) == shown
