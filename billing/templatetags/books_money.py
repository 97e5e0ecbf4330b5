"""``{{ amount|money:book.currency }}``: an amount quantized to its currency (ROUND_HALF_UP),
with thousands separators and the currency code beside it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from secretary.models import currency_quantum

register = template.Library()


@register.filter
def money(value, currency: str) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(currency_quantum(currency), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    return f"{amount:,} {currency}"


@register.filter
def tax_name(row) -> str:
    """A tax summary row's name with its rate named once ("GST 10%", never "GST 10% 10 %")."""
    from billing.invoicing.documents import tax_name as named

    return named(row.get("name") or "", row.get("rate") or 0)
