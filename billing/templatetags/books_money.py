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
