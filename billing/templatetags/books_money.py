"""``{{ amount|money:book.currency }}``: ``USD 2,400.00``, written by ``secretary.money``."""

from __future__ import annotations

from django import template

from secretary.money import format_money

register = template.Library()


@register.filter
def money(value, currency: str) -> str:
    return format_money(value, currency)


@register.filter
def tax_name(row) -> str:
    """A tax summary row's name with its rate named once ("GST 10%", never "GST 10% 10 %")."""
    from billing.invoicing.documents import tax_name as named

    return named(row.get("name") or "", row.get("rate") or 0)
