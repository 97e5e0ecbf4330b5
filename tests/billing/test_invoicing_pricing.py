"""Pricing, draft lines, numbering patterns and the default tax rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.invoicing import pricing, services
from billing.invoicing.numbering import number_format, series_default
from billing.invoicing.selectors import taxes_seed
from billing.models import InvoiceKind, InvoiceSeries, TaxRate
from tests.billing.invoicing_helpers import billed_client, draft, tax
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def test_it_adds_exclusive_tax_to_the_price_rounded_half_up(world):
    # Given GST 10 % exclusive
    gst = tax(world.practice, "GST 10%")
    # When a line of 3 x 33.35 is priced (100.05, tax 10.005)
    net, tax_amount = pricing.price_line(
        quantity=Decimal("3"), unit_price=Decimal("33.35"), tax_rate=gst, currency="AUD"
    )
    # Then the tax rounds half up
    assert (net, tax_amount) == (Decimal("100.05"), Decimal("10.01"))


def test_it_takes_inclusive_tax_out_of_the_price(world):
    # Given an inclusive rate of 10 %
    rate = TaxRate.objects.create(
        practice=world.practice, name="GST incl.", rate=Decimal(10), inclusive=True
    )
    # When a line of 1 x 110.00 and one of 1 x 10.00 are priced
    first = pricing.price_line(
        quantity=Decimal(1), unit_price=Decimal("110.00"), tax_rate=rate, currency="AUD"
    )
    second = pricing.price_line(
        quantity=Decimal(1), unit_price=Decimal("10.00"), tax_rate=rate, currency="AUD"
    )
    # Then net = gross - round(gross x 10 / 110)
    assert first == (Decimal("100.00"), Decimal("10.00"))
    assert second == (Decimal("9.09"), Decimal("0.91"))


def test_it_rounds_whole_currencies_to_units(world):
    # When a yen line of 1.5 x 333 is priced
    net, tax_amount = pricing.price_line(
        quantity=Decimal("1.5"), unit_price=Decimal("333"), tax_rate=None, currency="JPY"
    )
    # Then 499.5 rounds half up to 500
    assert (net, tax_amount) == (Decimal("500"), Decimal("0"))


def test_it_totals_the_rounded_lines_not_a_rounding_of_the_sum(world):
    # Given three lines whose tax is 0.335 each before rounding
    gst = tax(world.practice, "GST 10%")
    client = billed_client(world.practice)
    invoice = draft(
        world.practice,
        client,
        ("A", "1", "3.35", gst),
        ("B", "1", "3.35", gst),
        ("C", "1", "3.35", gst),
    )
    # Then each line's tax is 0.34 and the tax total their sum (not round(1.005) = 1.01)
    assert invoice.subtotal == Decimal("10.05")
    assert invoice.tax_total == Decimal("1.02")
    assert invoice.total == Decimal("11.07")
    summary = pricing.tax_summary(invoice)
    assert summary == [
        {
            "name": "GST 10%",
            "rate": Decimal("10.0000"),
            "inclusive": False,
            "net": Decimal("10.05"),
            "tax": Decimal("1.02"),
        }
    ]


@pytest.mark.parametrize(
    ("quantity", "unit_price", "field"),
    [
        ("-1", "10.00", "quantity"),
        ("1", "-10.00", "unit_price"),
        ("1.005", "10.00", "quantity"),
        ("1", "10.001", "unit_price"),
    ],
)
def test_it_refuses_negative_or_too_precise_line_figures(world, quantity, unit_price, field):
    # Given a draft
    invoice = draft(world.practice, billed_client(world.practice))
    # When a line with a negative or too precise figure is added, then the field is named
    with pytest.raises(services.InvoiceError) as error:
        services.invoice_line_add(
            practice=world.practice,
            invoice=invoice,
            description="Work",
            quantity=Decimal(quantity),
            unit_price=Decimal(unit_price),
        )
    assert field in error.value.errors
    assert not invoice.lines.exists()


def test_it_refuses_a_tax_rate_of_another_practice(world):
    # Given a tax rate of practice B
    foreign = taxes_seed(practice=world.other_practice)[0]
    invoice = draft(world.practice, billed_client(world.practice))
    # When a line names it, then it is refused on the tax rate
    with pytest.raises(services.InvoiceError) as error:
        services.invoice_line_add(
            practice=world.practice,
            invoice=invoice,
            description="Work",
            quantity=1,
            unit_price="10.00",
            tax_rate=foreign,
        )
    assert "tax_rate" in error.value.errors


def test_it_prices_again_when_a_draft_line_changes_and_when_one_goes(world):
    # Given a draft of two lines
    gst = tax(world.practice, "GST 10%")
    invoice = draft(
        world.practice,
        billed_client(world.practice),
        ("A", "2", "50.00", gst),
        ("B", "1", "5", None),
    )
    first, second = invoice.lines.order_by("position")
    # When the first changes and the second is deleted
    services.invoice_line_update(
        practice=world.practice,
        line=first,
        description="A again",
        quantity=Decimal("3"),
        unit_price=Decimal("10.00"),
        tax_rate=gst,
    )
    services.invoice_line_delete(practice=world.practice, line=second)
    # Then the totals follow
    invoice.refresh_from_db()
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("30.00"),
        Decimal("3.00"),
        Decimal("33.00"),
    )


def test_it_formats_numbers_from_the_pattern():
    # When patterns are filled for the 7th number of 2026
    day = date(2026, 3, 2)
    # Then years and padded sequences appear where the pattern says
    assert number_format("INV-{yyyy}-{seq:05}", issue_date=day, sequence=7) == "INV-2026-00007"
    assert number_format("{yy}/{seq}", issue_date=day, sequence=7) == "26/7"
    assert number_format("CN{seq:3}", issue_date=day, sequence=12) == "CN012"


def test_it_makes_the_default_series_once_per_kind(world):
    # When the default series are asked for twice
    invoices = series_default(practice=world.practice, kind=InvoiceKind.INVOICE)
    again = series_default(practice=world.practice, kind=InvoiceKind.INVOICE)
    notes = series_default(practice=world.practice, kind=InvoiceKind.CREDIT_NOTE)
    # Then there is one of each, with their own patterns
    assert invoices == again
    assert (invoices.pattern, notes.pattern) == ("INV-{yyyy}-{seq:05}", "CN-{yyyy}-{seq:05}")
    assert InvoiceSeries.objects.for_practice(world.practice).count() == 2


@pytest.mark.parametrize(
    ("currency", "expected"),
    [
        ("AUD", {("GST 10%", Decimal(10)), ("GST-free", Decimal(0))}),
        ("USD", {("No tax", Decimal(0))}),
        ("GBP", {("VAT 20%", Decimal(20)), ("Zero-rated", Decimal(0))}),
        ("EUR", {("VAT 20%", Decimal(20)), ("Zero-rated", Decimal(0))}),
        ("JPY", {("No tax", Decimal(0))}),
    ],
)
def test_it_seeds_the_tax_rates_of_the_practices_currency_once(db, currency, expected):
    # Given a practice working in ``currency``
    practice = PracticeFactory(currency=currency)
    # When the defaults are seeded twice
    taxes_seed(practice=practice)
    taxes_seed(practice=practice)
    # Then each rate exists once, exclusive
    rates = TaxRate.objects.for_practice(practice)
    assert {(rate.name, rate.rate) for rate in rates} == expected
    assert not any(rate.inclusive for rate in rates)
