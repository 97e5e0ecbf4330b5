"""Crediting part of an invoice from the credit note page: an amount per line (before tax
when the line's tax is added to its price), the note's lines, totals and tax, the invoice's
balance; bad amounts are refused on the form and nothing is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice, InvoiceKind, InvoiceStatus
from tests.billing.invoicing_helpers import billed_client, issued, receivable_balance, tax


@pytest.fixture
def invoice(world):
    """AUD 1,155.00: a retainer of 1,000.00 and 2 couriers at 25.00, both with GST 10 %."""
    client = billed_client(world.practice)
    gst = tax(world.practice, "GST 10%")
    return issued(
        world.practice,
        client,
        ("Monthly retainer", "1", "1000.00", gst),
        ("Courier", "2", "25.00", gst),
    )


def _lines(invoice):
    return list(invoice.lines.order_by("position"))


def _credit(world, http, invoice, amounts: dict, **fields):
    data = {"reason": "Courier not needed"}
    for line, amount in amounts.items():
        data[f"line_{line.pk}"] = amount
    data.update(fields)
    return http.post(reverse("invoice_credit_note", args=[world.practice.slug, invoice.pk]), data)


def _notes(world):
    return Invoice.objects.for_practice(world.practice).filter(kind=InvoiceKind.CREDIT_NOTE)


def test_it_checks_ownership(
    world, invoice, outsider_client, contact_client, secretary_client, admin_client_
):
    page = reverse("invoice_credit_note", args=[world.practice.slug, invoice.pk])
    # Then another practice's member and a client contact see nothing, a secretary may not
    # credit, an admin may
    assert outsider_client.get(page).status_code == 404
    assert contact_client.get(page).status_code == 404
    assert secretary_client.get(page).status_code == 403
    form = admin_client_.get(page)
    assert form.status_code == 200
    assert "AUD\xa050.00 + AUD\xa05.00 tax" in form.content.decode()
    _retainer, courier = _lines(invoice)
    assert _credit(world, secretary_client, invoice, {courier: "10.00"}).status_code == 403
    assert _credit(world, outsider_client, invoice, {courier: "10.00"}).status_code == 404
    assert not _notes(world).exists()


def test_it_credits_amounts_of_two_lines(world, admin_client_, invoice):
    # Given an issued invoice of 1,155.00
    retainer, courier = _lines(invoice)
    assert receivable_balance(world.practice) == Decimal("1155.00")
    # When an admin credits 220.00 of the retainer and 20.00 of the couriers (before tax)
    response = _credit(world, admin_client_, invoice, {retainer: "220.00", courier: "20.00"})
    # Then a credit note is issued with a line per credited line, taxed like it
    assert response.status_code == 302
    note = _notes(world).get()
    assert note.credit_of_id == invoice.pk and note.number
    rows = [
        (line.credits_line_id, line.quantity, line.unit_price, line.amount, line.tax_amount)
        for line in _lines(note)
    ]
    assert rows == [
        (retainer.pk, Decimal("1.00"), Decimal("220.00"), Decimal("220.00"), Decimal("22.00")),
        (courier.pk, Decimal("1.00"), Decimal("20.00"), Decimal("20.00"), Decimal("2.00")),
    ]
    assert (note.subtotal, note.tax_total, note.total) == (
        Decimal("240.00"),
        Decimal("24.00"),
        Decimal("264.00"),
    )
    # And the invoice owes the rest, in its record and in the books
    invoice.refresh_from_db()
    assert invoice.amount_credited == Decimal("264.00")
    assert invoice.balance_due == Decimal("891.00")
    assert invoice.status != InvoiceStatus.VOID
    assert receivable_balance(world.practice) == Decimal("891.00")
    # And the invoice page shows it with the money filter
    page = admin_client_.get(reverse("invoice_detail", args=[world.practice.slug, invoice.pk]))
    body = page.content.decode()
    assert "AUD\xa0264.00" in body and "AUD\xa0891.00" in body and note.number in body


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("60.00", "left to credit"),  # the couriers have 50.00 + 5.00 tax
        ("-5.00", "greater than or equal to 0.01"),
        ("12.345", "decimal places"),
        ("lots", "Enter a number"),
    ],
)
def test_it_refuses_a_bad_amount_and_saves_nothing(world, admin_client_, invoice, amount, error):
    retainer, courier = _lines(invoice)
    # When an admin asks to credit a bad amount of the couriers beside a good one
    response = _credit(world, admin_client_, invoice, {retainer: "100.00", courier: amount})
    # Then the form comes back with the error and nothing is credited
    assert response.status_code == 400
    body = response.content.decode()
    assert error in body and "errorlist" in body
    assert not _notes(world).exists()
    invoice.refresh_from_db()
    assert invoice.amount_credited == Decimal("0.00")
    assert receivable_balance(world.practice) == Decimal("1155.00")


def test_it_refuses_more_than_is_left_after_an_earlier_credit(world, admin_client_, invoice):
    # Given 20.00 (+ 2.00 tax) of the couriers already credited: 30.00 + 3.00 left
    _retainer, courier = _lines(invoice)
    assert _credit(world, admin_client_, invoice, {courier: "20.00"}).status_code == 302
    # When 31.00 more is asked (its tax, 3.10, is more than is left)
    response = _credit(world, admin_client_, invoice, {courier: "31.00"})
    # Then it is refused and only the first note stands
    assert response.status_code == 400
    assert "Courier" in response.content.decode()
    assert "left to credit" in response.content.decode()
    assert _notes(world).count() == 1
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal("1133.00")
    # And what is left can still be credited
    assert _credit(world, admin_client_, invoice, {courier: "30.00"}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal("1100.00")


def test_it_asks_for_an_amount_when_not_crediting_the_whole_invoice(world, admin_client_, invoice):
    response = _credit(world, admin_client_, invoice, {})
    assert response.status_code == 400
    assert "at least one line" in response.content.decode()
    assert not _notes(world).exists()
