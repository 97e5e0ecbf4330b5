"""Online payment with Stripe Checkout: off without keys, the checkout session for the amount
due, and the signed webhook handled once per event (no network: payloads signed here)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from billing.invoicing.payments_online import payment_provider
from billing.models import Invoice, InvoiceStatus, Payment, PaymentAllocation, ProviderEvent
from tests.billing.invoice_factories import issued_invoice
from tests.clients.factories import ClientFactory

WEBHOOK = "/billing/stripe/webhook/"
SECRET = "whsec_test_secret"


@pytest.fixture
def stripe_on(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def invoice(world):
    client = ClientFactory(practice=world.practice, name="Northwind Legal", currency="AUD")
    return issued_invoice(practice=world.practice, client=client)  # AUD 1,000.00


def completed_event(invoice, *, amount=100000, event_id="evt_1"):
    """A recorded ``checkout.session.completed`` event, as Stripe sends it."""
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": "checkout.session.completed",
            "created": 1772700000,
            "data": {
                "object": {
                    "id": "cs_test_a1",
                    "object": "checkout.session",
                    "amount_total": amount,
                    "currency": "aud",
                    "payment_status": "paid",
                    "client_reference_id": str(invoice.pk),
                    "metadata": {
                        "practice_id": str(invoice.practice_id),
                        "invoice_id": str(invoice.pk),
                    },
                }
            },
        }
    ).encode()


def signature(payload: bytes, secret: str = SECRET, timestamp: int | None = None) -> str:
    timestamp = timestamp or int(time.time())
    signed = hmac.new(
        secret.encode(), f"{timestamp}.{payload.decode()}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signed}"


def deliver(client, payload: bytes, header: str):
    return client.post(
        WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def test_it_is_off_without_the_keys(settings, client):
    settings.STRIPE_SECRET_KEY = ""
    assert payment_provider() is None
    assert client.post(WEBHOOK, data=b"{}", content_type="application/json").status_code == 404


def test_it_records_one_payment_however_often_the_event_comes(world, stripe_on, invoice, client):
    payload = completed_event(invoice)
    # When Stripe delivers the event twice
    first = deliver(client, payload, signature(payload))
    second = deliver(client, payload, signature(payload))
    # Then both are acknowledged and one payment is recorded, paying the invoice
    assert (first.status_code, second.status_code) == (200, 200)
    payment = Payment.objects.for_practice(world.practice).get()
    assert (payment.amount, payment.currency, payment.provider) == (
        Decimal("1000.00"),
        "AUD",
        "stripe",
    )
    assert payment.provider_reference == "cs_test_a1"
    allocation = PaymentAllocation.objects.for_practice(world.practice).get()
    assert allocation.amount == Decimal("1000.00")
    invoice = Invoice.objects.for_practice(world.practice).get(pk=invoice.pk)
    assert (invoice.amount_paid, invoice.status) == (Decimal("1000.00"), InvoiceStatus.PAID)
    assert ProviderEvent.objects.get(event_id="evt_1").practice_id == world.practice.pk


def test_it_records_a_part_payment(world, stripe_on, invoice, client):
    payload = completed_event(invoice, amount=40000)
    assert deliver(client, payload, signature(payload)).status_code == 200
    invoice = Invoice.objects.for_practice(world.practice).get(pk=invoice.pk)
    assert (invoice.amount_paid, invoice.status) == (Decimal("400.00"), InvoiceStatus.PARTLY_PAID)


def test_it_refuses_a_tampered_event(world, stripe_on, invoice, client):
    payload = completed_event(invoice)
    header = signature(payload)
    tampered = payload.replace(b"100000", b"900000")
    assert deliver(client, tampered, header).status_code == 400
    assert deliver(client, payload, signature(payload, secret="whsec_other")).status_code == 400
    assert deliver(client, payload, "").status_code == 400
    assert not Payment.objects.for_practice(world.practice).exists()
    assert not ProviderEvent.objects.exists()


def test_it_acknowledges_events_it_does_not_act_on(world, stripe_on, invoice, client):
    payload = json.dumps({"id": "evt_2", "type": "customer.created", "data": {"object": {}}})
    assert deliver(client, payload.encode(), signature(payload.encode())).status_code == 200
    assert not Payment.objects.for_practice(world.practice).exists()


def test_it_sends_the_contact_to_checkout_for_the_amount_due(
    world, stripe_on, client_billing_invoice, contact_client
):
    invoice = client_billing_invoice
    session = mock.Mock(url="https://checkout.stripe.test/c/pay/cs_test_a1")
    with mock.patch("stripe.checkout.Session.create", return_value=session) as create:
        response = contact_client.post(
            reverse("portal_invoice_pay", args=[world.practice.slug, invoice.pk])
        )
    assert response.status_code == 302
    assert response["Location"] == session.url
    kwargs = create.call_args.kwargs
    assert kwargs["line_items"][0]["price_data"]["unit_amount"] == 100000
    assert kwargs["line_items"][0]["price_data"]["currency"] == "aud"
    assert kwargs["metadata"] == {
        "practice_id": str(world.practice.pk),
        "invoice_id": str(invoice.pk),
    }


def test_it_has_no_checkout_when_online_payment_is_off(
    world, settings, client_billing_invoice, contact_client
):
    settings.STRIPE_SECRET_KEY = ""
    page = reverse("portal_invoice_pay", args=[world.practice.slug, client_billing_invoice.pk])
    assert contact_client.post(page).status_code == 404
