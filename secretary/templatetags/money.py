"""``{% load money %}`` then ``{{ amount|money:currency }}``: ``USD 2,400.00`` (``secretary.money``)."""

from decimal import Decimal

from django import template

from secretary.money import format_money

register = template.Library()


@register.filter
def money(value, currency: str) -> str:
    return format_money(value, currency)


@register.filter
def money_negated(value, currency: str) -> str:
    """The amount with its sign turned: a credit shown as money going out (``-USD 50.00``)."""
    if value is None or value == "":
        return ""
    return format_money(-Decimal(str(value)), currency)
