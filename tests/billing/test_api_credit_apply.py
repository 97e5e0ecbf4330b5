"""The invoicing API: a client's credit (an overpayment kept as credit, or what a credit note gave
back) applied to an open invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.invoicing import services
from billing.invoicing.selectors import client_credit
from billing.models import Invoice, InvoiceStatus, JournalEntry, PaymentAllocation
from secretary.models import ActivityEvent
from tests.billing.invoice_factories import issued_invoice
from tests.billing.invoicing_helpers import billed_client, draft, issued
from tests.billing.isolation_invoices_portal import contact_client_of

pytestmark = pytest.mark.django_db

JSON = "application/json"


def url(world, invoice: Invoice) -> str:
    return reverse(
        "api_invoice_credit_apply",
        kwargs={"practice_slug": world.practice.slug, "invoice_id": invoice.pk},
    )


@pytest.fixture
def client(world):
    return billed_client(world.practice)


def keep_as_credit(world, client, amount: str, currency: str = "AUD"):
    """A payment of ``amount`` allocated to nothing: all of it is the client's credit."""
    return services.payment_record(
        practice=world.practice,
        client=client,
        date=date(2026, 3, 5),
        amount=Decimal(amount),
        currency=currency,
        allocations={},
        keep_as_credit=True,
    )


def allocations(world) -> list[tuple[int, int, Decimal]]:
    rows = PaymentAllocation.objects.for_practice(world.practice).order_by("pk")
    return list(rows.values_list("payment_id", "invoice_id", "amount"))


def test_it_checks_ownership(
    world, client, outsider_client, contact_client, secretary_client, admin_client_
):
    # Given the world contact's own client with an open invoice and credit
    own = contact_client_of(world)
    invoice = issued_invoice(practice=world.practice, client=own)
    keep_as_credit(world, own, "10.00")
    apply = url(world, invoice)
    # Then an outsider and the client contact get 404 (a staff route), and nothing is applied
    assert outsider_client.post(apply, {}, content_type=JSON).status_code == 404
    assert contact_client.post(apply, {}, content_type=JSON).status_code == 404
    assert allocations(world) == []
    # And a secretary may apply it
    response = secretary_client.post(apply, {}, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert response.json()["applied"] == "10.00"


def test_it_applies_an_overpayment_kept_as_credit_as_far_as_it_goes(
    world, client, secretary_client
):
    # Given 30.00 of credit (kept from an overpayment) and a later invoice of 50.00
    keep_as_credit(world, client, "30.00")
    later = issued(world.practice, client, ("More", "1", "50.00", None))
    entries = JournalEntry.objects.for_practice(world.practice).count()

    # When the credit is applied without an amount
    response = secretary_client.post(url(world, later), {}, content_type=JSON)

    # Then all of it is applied, 20.00 is due, and nothing more was posted
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["applied"] == "30.00"
    assert (data["invoice"]["id"], data["invoice"]["status"]) == (later.pk, "partly_paid")
    assert (data["invoice"]["amount_paid"], data["invoice"]["balance_due"]) == ("30.00", "20.00")
    assert [row["amount"] for row in data["invoice"]["payments"]] == ["30.00"]
    assert client_credit(practice=world.practice, client=client, currency="AUD") == 0
    assert JournalEntry.objects.for_practice(world.practice).count() == entries
    event = ActivityEvent.objects.get(practice=world.practice, verb="payment.credit_applied")
    assert (event.actor, event.data["amount"]) == (world.secretary.user, "30.00")


def test_it_applies_part_of_what_a_credit_note_gave_back(world, client, secretary_client):
    # Given a paid invoice of 1,000.00, credited 200.00 (given back as the client's credit)
    paid_invoice = issued(world.practice, client, ("Retainer", "1", "1000.00", None))
    services.payment_record(
        practice=world.practice,
        client=client,
        date=date(2026, 3, 5),
        amount=Decimal("1000.00"),
        currency="AUD",
    )
    line = paid_invoice.lines.get()
    services.credit_note_create(
        practice=world.practice, invoice=paid_invoice, lines={line: Decimal("200.00")}
    )
    assert client_credit(practice=world.practice, client=client, currency="AUD") == Decimal("200")
    later = issued(world.practice, client, ("Next month", "1", "500.00", None))

    # When 150.00 of it is applied to the next invoice
    response = secretary_client.post(url(world, later), {"amount": "150.00"}, content_type=JSON)

    # Then 150.00 is applied, 350.00 is due, and 50.00 of credit is left
    assert response.status_code == 200, response.json()
    assert response.json()["applied"] == "150.00"
    assert response.json()["invoice"]["balance_due"] == "350.00"
    assert client_credit(practice=world.practice, client=client, currency="AUD") == Decimal("50")


def _usd_credit(world, client):
    keep_as_credit(world, client, "40.00", currency="USD")


def _aud_credit(world, client):
    keep_as_credit(world, client, "40.00")


@pytest.mark.parametrize(
    ("given", "body", "field"),
    [
        # No credit at all
        (None, {}, "amount"),
        (None, {"amount": "10.00"}, "amount"),
        # More than the credit, more than the balance (50.00), nothing, or below nothing
        (_aud_credit, {"amount": "40.01"}, "amount"),
        (_aud_credit, {"amount": "50.01"}, "amount"),
        (_aud_credit, {"amount": "0.00"}, "amount"),
        (_aud_credit, {"amount": "-5.00"}, "amount"),
        (_aud_credit, {"amount": "1.005"}, "amount"),
        (_aud_credit, {"amount": "ten"}, "amount"),
        # Another currency: asked for, or the only credit there is
        (_aud_credit, {"currency": "USD"}, "currency"),
        (_usd_credit, {}, "currency"),
        (_usd_credit, {"currency": "XXX"}, "currency"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(
    world, client, secretary_client, given, body, field
):
    # Given an invoice of 50.00 in AUD, and the credit of the case
    invoice = issued(world.practice, client, ("Work", "1", "50.00", None))
    if given is not None:
        given(world, client)
    before = allocations(world)

    # When the credit is applied
    response = secretary_client.post(url(world, invoice), body, content_type=JSON)

    # Then it is a 400 on the field at fault, and nothing is applied
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert allocations(world) == before
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.status) == (Decimal("0"), InvoiceStatus.ISSUED)
    applied = ActivityEvent.objects.for_practice(world.practice).filter(
        verb="payment.credit_applied"
    )
    assert not applied.exists()


def test_it_names_the_currency_the_credit_is_in(world, client, secretary_client):
    # Given credit in USD only and an invoice in AUD
    invoice = issued(world.practice, client, ("Work", "1", "50.00", None))
    _usd_credit(world, client)
    # When it is applied, then the answer says where the credit is
    response = secretary_client.post(url(world, invoice), {}, content_type=JSON)
    assert response.status_code == 400
    assert "USD" in response.json()["errors"]["currency"][0]


def test_it_refuses_a_draft_or_a_credit_note(world, client, secretary_client, admin_client_):
    # Given credit, a draft and a credit note
    _aud_credit(world, client)
    draft_invoice = draft(world.practice, client, ("Work", "1", "50.00", None))
    invoice = issued(world.practice, client, ("Work", "1", "50.00", None))
    note = services.credit_note_create(practice=world.practice, invoice=invoice)
    before = allocations(world)
    # When the credit is applied to either, then it is refused and nothing is applied
    for target in (draft_invoice, note):
        response = secretary_client.post(url(world, target), {}, content_type=JSON)
        assert response.status_code == 400
        assert response.json()["message"]
    assert allocations(world) == before


def test_it_applies_once_for_one_idempotency_key(world, client, secretary_client):
    # Given 40.00 of credit and an invoice of 50.00
    _aud_credit(world, client)
    invoice = issued(world.practice, client, ("Work", "1", "50.00", None))
    headers = {"Idempotency-Key": "apply-credit-1"}

    # When 10.00 is applied twice with the same key
    first = secretary_client.post(
        url(world, invoice), {"amount": "10.00"}, content_type=JSON, headers=headers
    )
    second = secretary_client.post(
        url(world, invoice), {"amount": "10.00"}, content_type=JSON, headers=headers
    )

    # Then it was applied once, and the second answer replays the first
    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("10.00")
    assert client_credit(practice=world.practice, client=client, currency="AUD") == Decimal("30")
