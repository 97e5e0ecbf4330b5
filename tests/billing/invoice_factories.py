"""Issued invoices made directly as rows (numbered, with snapshots, lines and totals), for
tests of what happens to an invoice after issue."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from billing.models import (
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    TaxRate,
)
from secretary.models import currency_quantum

_numbers = iter(range(1, 1_000_000))


def gst(practice) -> TaxRate:
    rate, _created = TaxRate.objects.for_practice(practice).get_or_create(
        practice=practice, name="GST", defaults={"rate": Decimal("10")}
    )
    return rate


def issued_invoice(
    *,
    practice,
    client,
    lines=(("Monthly retainer", "1", "1000.00"),),
    tax_rate: TaxRate | None = None,
    currency: str = "AUD",
    issue_date: date = date(2026, 3, 1),
    due_days: int = 14,
    number: str | None = None,
    status: str = InvoiceStatus.ISSUED,
) -> Invoice:
    """An issued invoice with ``lines`` of (description, quantity, unit price), taxed per line
    at ``tax_rate``; totals are sums of the rounded lines."""
    quantum = currency_quantum(currency)
    invoice = Invoice.objects.create(
        practice=practice,
        client=client,
        currency=currency,
        number=number or f"INV-2026-{next(_numbers):05}",
        status=InvoiceStatus.DRAFT,
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=due_days),
        period_start=issue_date.replace(day=1) - timedelta(days=28),
        period_end=issue_date - timedelta(days=1),
        seller_name=practice.name,
        seller_address="1 Harbour Street\nSydney NSW 2000",
        seller_tax_number="51 824 753 556",
        bill_to_name=client.name,
        bill_to_address="12 Wharf Road\nBalmain NSW 2041",
        bill_to_tax_id="98 765 432 109",
    )
    subtotal = tax_total = Decimal(0)
    for position, (description, quantity, unit_price) in enumerate(lines):
        amount = (Decimal(quantity) * Decimal(unit_price)).quantize(quantum, ROUND_HALF_UP)
        percent = tax_rate.rate if tax_rate else Decimal(0)
        tax = (amount * percent / 100).quantize(quantum, ROUND_HALF_UP)
        InvoiceLine.objects.create(
            practice=practice,
            invoice=invoice,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Decimal(unit_price),
            tax_rate=tax_rate,
            tax_percent=percent,
            amount=amount,
            tax_amount=tax,
            service_from=invoice.period_start,
            service_to=invoice.period_end,
            position=position,
        )
        subtotal += amount
        tax_total += tax
    invoice.subtotal = subtotal
    invoice.tax_total = tax_total
    invoice.total = subtotal + tax_total
    invoice.status = status
    invoice.save()
    return invoice


def paid(invoice: Invoice, amount: str, *, day: date = date(2026, 3, 5)) -> Payment:
    """Record a payment of ``amount`` against ``invoice`` as rows (no posting)."""
    payment = Payment.objects.create(
        practice=invoice.practice,
        client=invoice.client,
        date=day,
        amount=Decimal(amount),
        currency=invoice.currency,
        reference="Transfer 42",
    )
    PaymentAllocation.objects.create(
        practice=invoice.practice, payment=payment, invoice=invoice, amount=Decimal(amount)
    )
    invoice.amount_paid += Decimal(amount)
    invoice.status = (
        InvoiceStatus.PAID if invoice.amount_paid >= invoice.total else InvoiceStatus.PARTLY_PAID
    )
    invoice.save(update_fields=["amount_paid", "status"])
    return payment
