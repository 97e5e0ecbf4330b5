"""Sending an invoice: the PDF attached, to the client's billing contacts, once per send."""

from __future__ import annotations

import pytest
from django.core import mail

from billing.invoicing.sending import invoice_recipients, invoice_send
from billing.invoicing.tasks import send_invoice
from billing.models import Invoice, InvoiceStatus
from documents.models import Document, DocumentStatus
from secretary.errors import ApplicationError
from tasks.models import NotificationSent
from tests.billing.invoice_factories import gst, issued_invoice
from tests.clients.factories import ClientFactory, ContactFactory


@pytest.fixture
def northwind(world):
    client = ClientFactory(
        practice=world.practice,
        name="Northwind Legal",
        currency="AUD",
        billing_email="accounts@northwind.test",
    )
    ContactFactory(client=client, email="nora@northwind.test", portal_billing=True)
    ContactFactory(client=client, email="not-billing@northwind.test", portal_billing=False)
    return client


@pytest.fixture
def invoice(world, northwind):
    return issued_invoice(practice=world.practice, client=northwind, tax_rate=gst(world.practice))


def _reload(invoice):
    return Invoice.objects.for_practice(invoice.practice).get(pk=invoice.pk)


def test_it_emails_the_pdf_to_the_billing_contacts_and_marks_it_sent(
    world, invoice, django_capture_on_commit_callbacks
):
    # When the invoice is sent (the render and the send run after commit)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_send(practice=world.practice, invoice=invoice, user=world.owner.user)
    # Then one email went to the billing email and the billing contact, with the PDF
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["accounts@northwind.test", "nora@northwind.test"]
    assert invoice.number in message.subject
    assert "AUD\xa01,100.00" in message.body
    (filename, content, mimetype) = message.attachments[0]
    assert filename == f"{invoice.number}.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    # And the invoice is sent
    invoice = _reload(invoice)
    assert invoice.status == InvoiceStatus.SENT
    assert invoice.sent_at is not None
    assert Document.objects.for_practice(world.practice).get(pk=invoice.document_id).status == (
        DocumentStatus.READY
    )


def test_it_sends_once_however_often_the_job_runs(
    world, invoice, django_capture_on_commit_callbacks
):
    # Given a send that went out
    with django_capture_on_commit_callbacks(execute=True):
        send_id = invoice_send(practice=world.practice, invoice=invoice)
    # When the job of that send runs again (a redelivered message)
    result = send_invoice.apply(
        kwargs={"practice_id": world.practice.pk, "invoice_id": invoice.pk, "send_id": send_id}
    ).get()
    # Then nothing more is sent
    assert result == "skipped"
    assert len(mail.outbox) == 1
    key = f"billing.invoice_send:{invoice.pk}:{send_id}"
    assert NotificationSent.objects.for_practice(world.practice).filter(key=key).count() == 1


def test_it_sends_again_when_asked_again(world, invoice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_send(practice=world.practice, invoice=invoice)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_send(practice=world.practice, invoice=invoice)
    assert len(mail.outbox) == 2
    assert _reload(invoice).status == InvoiceStatus.SENT


def test_it_renders_the_pdf_itself_when_the_renderer_has_not(
    world, invoice, django_capture_on_commit_callbacks
):
    # Given a send whose render job was lost (only the send job runs)
    with django_capture_on_commit_callbacks(execute=False):
        send_id = invoice_send(practice=world.practice, invoice=invoice)
    assert Document.objects.for_practice(world.practice).get().status == DocumentStatus.QUEUED
    # When the send job runs
    result = send_invoice.apply(
        kwargs={"practice_id": world.practice.pk, "invoice_id": invoice.pk, "send_id": send_id}
    ).get()
    # Then it rendered the PDF and sent it
    assert result == "sent"
    assert mail.outbox[0].attachments[0][1].startswith(b"%PDF")


def test_it_refuses_to_send_a_draft(world, northwind):
    draft = issued_invoice(practice=world.practice, client=northwind, status="draft")
    with pytest.raises(ApplicationError):
        invoice_send(practice=world.practice, invoice=draft)


def test_it_refuses_to_send_to_a_client_without_billing_recipients(world):
    client = ClientFactory(practice=world.practice, name="Silent Co")
    invoice = issued_invoice(practice=world.practice, client=client)
    assert invoice_recipients(practice=world.practice, invoice=invoice) == []
    with pytest.raises(ApplicationError) as error:
        invoice_send(practice=world.practice, invoice=invoice)
    assert "Silent Co" in error.value.message
