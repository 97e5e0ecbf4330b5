"""The portal's invoices: the client's own (never drafts), billing contacts only, the PDF,
the statement of account, and how to pay."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.models import BillingSettings
from clients.models import Contact
from tests.billing.invoice_factories import issued_invoice, paid
from tests.billing.isolation_invoices_portal import contact_client_of
from tests.clients.factories import ClientFactory
from tests.documents.factories import FAKE_PDF, DocumentFactory


def _url(name, world, *args):
    return reverse(name, args=[world.practice.slug, *args])


@pytest.fixture
def other_invoice(world):
    other = ClientFactory(practice=world.practice, name="Southwind Co")
    return issued_invoice(practice=world.practice, client=other)


def test_it_checks_ownership(
    world, client_billing_invoice, other_invoice, contact_client, secretary_client, outsider_client
):
    page = _url("portal_invoice", world, client_billing_invoice.pk)
    assert contact_client.get(page).status_code == 200
    # Another client's invoice answers 404 on every route
    for name in ("portal_invoice", "portal_invoice_pdf"):
        assert contact_client.get(_url(name, world, other_invoice.pk)).status_code == 404
    assert (
        contact_client.post(_url("portal_invoice_pay", world, other_invoice.pk)).status_code == 404
    )
    # Staff and outsiders get 404 on portal pages
    assert secretary_client.get(page).status_code == 404
    assert outsider_client.get(page).status_code == 404


def test_it_answers_404_to_a_contact_without_billing(world, client_billing_invoice, contact_client):
    Contact.objects.for_practice(world.practice).filter(membership=world.client_contact).update(
        portal_billing=False
    )
    assert contact_client.get(_url("portal_invoices", world)).status_code == 404
    page = _url("portal_invoice", world, client_billing_invoice.pk)
    assert contact_client.get(page).status_code == 404


def test_it_lists_issued_invoices_but_no_drafts_in_constant_queries(
    world, contact_client, django_assert_max_num_queries
):
    client = contact_client_of(world)
    draft = issued_invoice(practice=world.practice, client=client, status="draft", number="DRAFT-1")
    shown = issued_invoice(practice=world.practice, client=client)
    paid(shown, "250.00")
    with django_assert_max_num_queries(20) as few:
        response = contact_client.get(_url("portal_invoices", world))
    body = response.content.decode()
    assert shown.number in body and draft.number not in body
    assert "AUD\xa0750.00" in body  # the balance due
    for _n in range(5):
        issued_invoice(practice=world.practice, client=client)
    with django_assert_max_num_queries(len(few.captured_queries)):
        contact_client.get(_url("portal_invoices", world))


def test_it_shows_bank_details_when_online_payment_is_off(
    world, settings, client_billing_invoice, contact_client
):
    settings.STRIPE_SECRET_KEY = ""
    BillingSettings.objects.create(practice=world.practice, payment_instructions="BSB 062-000")
    body = contact_client.get(_url("portal_invoice", world, client_billing_invoice.pk)).content
    assert b"BSB 062-000" in body
    assert _url("portal_invoice_pay", world, client_billing_invoice.pk).encode() not in body


def test_it_offers_to_pay_online_when_it_is_on(
    world, settings, client_billing_invoice, contact_client
):
    settings.STRIPE_SECRET_KEY = "sk_test_1"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_1"
    body = contact_client.get(_url("portal_invoice", world, client_billing_invoice.pk)).content
    assert _url("portal_invoice_pay", world, client_billing_invoice.pk).encode() in body


def test_it_downloads_the_ready_pdf(world, client_billing_invoice, contact_client):
    document = DocumentFactory(
        practice=world.practice, client=client_billing_invoice.client, ready=True
    )
    client_billing_invoice.document = document
    client_billing_invoice.save(update_fields=["document"])
    response = contact_client.get(_url("portal_invoice_pdf", world, client_billing_invoice.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_it_asks_for_the_pdf_when_not_ready(world, client_billing_invoice, contact_client):
    response = contact_client.get(_url("portal_invoice_pdf", world, client_billing_invoice.pk))
    assert response.status_code == 302
    client_billing_invoice.refresh_from_db()
    assert client_billing_invoice.document_id is not None


def test_it_prepares_a_statement(world, client_billing_invoice, contact_client):
    response = contact_client.post(_url("portal_statement", world))
    assert response.status_code == 302
    page = contact_client.get(_url("portal_invoices", world)).content.decode()
    assert "statement" in page.lower()


def test_it_says_the_statement_is_ready_when_it_is(
    world, client_billing_invoice, contact_client, django_capture_on_commit_callbacks
):
    # Given a statement asked for and made
    with django_capture_on_commit_callbacks(execute=True):
        first = contact_client.post(_url("portal_statement", world), follow=True)
    assert "being prepared" in first.content.decode()
    # When the same statement is asked for again
    second = contact_client.post(_url("portal_statement", world), follow=True).content.decode()
    # Then the message says it is ready, as the page does
    assert "Your statement is ready" in second
    assert "being prepared" not in second
    assert "Download the statement of account" in second
