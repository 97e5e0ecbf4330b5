"""Pricing: a line's net amount and tax, rounded half-up per line; totals are sums of the
rounded lines, never a rounding of a sum.

Exclusive tax is added to the price (tax = round(net * rate / 100)); inclusive tax is taken out
of it (net = gross - round(gross * rate / (100 + rate))).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from billing.invoicing.errors import field_error
from billing.models import InvoiceLine, TaxRate
from billing.models.ledger import ZERO
from secretary.models import currency_quantum

HUNDRED = Decimal(100)
QUANTITY_QUANTUM = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 14


def round_money(value: Decimal, currency: str) -> Decimal:
    return value.quantize(currency_quantum(currency), rounding=ROUND_HALF_UP)


def _decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise field_error(field, _("Enter a number.")) from None
    if not amount.is_finite():
        raise field_error(field, _("Enter a number."))
    return amount


def clean_quantity(value) -> Decimal:
    """A quantity people entered: zero or more, at most two decimal places."""
    quantity = _decimal(value, "quantity")
    if quantity < 0:
        raise field_error("quantity", _("The quantity cannot be negative."))
    if quantity != quantity.quantize(QUANTITY_QUANTUM, rounding=ROUND_HALF_UP):
        raise field_error("quantity", _("A quantity has at most 2 decimal places."))
    if quantity >= Decimal(10) ** 8:
        raise field_error("quantity", _("This quantity is too large."))
    return quantity.quantize(QUANTITY_QUANTUM)


def clean_amount(value, *, currency: str, field: str = "unit_price") -> Decimal:
    """An amount of ``currency`` people entered: zero or more, at most its decimal places."""
    amount = _decimal(value, field)
    if amount < 0:
        raise field_error(field, _("The amount cannot be negative."))
    quantum = currency_quantum(currency)
    if amount != amount.quantize(quantum, rounding=ROUND_HALF_UP):
        message = _("%(currency)s amounts have at most %(places)d decimal places.") % {
            "currency": currency,
            "places": max(0, -quantum.as_tuple().exponent),
        }
        raise field_error(field, message)
    if amount >= MAX_AMOUNT:
        raise field_error(field, _("This amount is too large."))
    return amount.quantize(quantum)


def price_line(
    *, quantity: Decimal, unit_price: Decimal, tax_rate: TaxRate | None, currency: str
) -> tuple[Decimal, Decimal]:
    """(net amount, tax) of a line, each rounded half-up to ``currency``."""
    gross = round_money(Decimal(quantity) * Decimal(unit_price), currency)
    if tax_rate is None or not tax_rate.rate:
        return gross, round_money(ZERO, currency)
    rate = Decimal(tax_rate.rate)
    if tax_rate.inclusive:
        tax = round_money(gross * rate / (HUNDRED + rate), currency)
        return gross - tax, tax
    return gross, round_money(gross * rate / HUNDRED, currency)


def invoice_totals(invoice) -> None:
    """Recompute subtotal, tax and total from the saved lines (sums of rounded lines), save."""
    sums = (
        InvoiceLine.objects.for_practice(invoice.practice_id)
        .filter(invoice=invoice)
        .aggregate(net=Coalesce(Sum("amount"), ZERO), tax=Coalesce(Sum("tax_amount"), ZERO))
    )
    invoice.subtotal = sums["net"]
    invoice.tax_total = sums["tax"]
    invoice.total = sums["net"] + sums["tax"]
    invoice.save(update_fields=["subtotal", "tax_total", "total"])


def tax_summary(invoice) -> list[dict]:
    """``[{"name", "rate", "inclusive", "net", "tax"}]`` per tax rate of the invoice's lines
    (untaxed lines under an empty name), one grouped query."""
    rows = (
        InvoiceLine.objects.for_practice(invoice.practice_id)
        .filter(invoice=invoice)
        .values("tax_rate_id", "tax_rate__name", "tax_percent", "tax_inclusive")
        .annotate(net=Sum("amount"), tax=Sum("tax_amount"))
        .order_by("-tax_percent", "tax_rate__name")
    )
    return [
        {
            "name": row["tax_rate__name"] or "",
            "rate": row["tax_percent"],
            "inclusive": row["tax_inclusive"],
            "net": row["net"],
            "tax": row["tax"],
        }
        for row in rows
    ]
