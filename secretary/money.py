"""The one way money is written for people: pages, PDFs, emails and messages.

``format_money(Decimal("2400"), "USD")`` → ``"USD 2,400.00"``:

- the ISO code first, then a non-breaking space (U+00A0) so code and amount never part at a
  line end, in HTML as in PDF;
- quantized half-up to the currency's minor unit (``currency_quantum``: JPY none, BHD three);
- a negative amount takes the minus sign before the code: ``"-USD 50.00"`` (CLDR's own order
  for negative currency amounts);
- grouping and decimal marks of the active language (``translation.get_language()``, else
  ``LANGUAGE_CODE``) from babel's locale data, the amount written as babel writes ``PATTERN``
  (``_currency_amount``), never through float;
- ``None``, ``""`` or something that is not a number gives ``""``.

API amounts are decimal strings and never go through here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    format_decimal,
    get_currency_precision,
    get_decimal_symbol,
    get_group_symbol,
)
from django.conf import settings
from django.utils import translation

from secretary.models import currency_exponent, currency_quantum

NBSP = "\u00a0"
# ¤¤ is the ISO code; the fraction digits are replaced by the currency's own (currency_digits).
PATTERN = f"¤¤{NBSP}#,##0.00"


@lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))


def money_locale() -> Locale:
    """The babel locale of the active language (the project's ``LANGUAGE_CODE`` outside one)."""
    return _locale(translation.get_language() or settings.LANGUAGE_CODE)


def format_money(amount, currency: str | None) -> str:
    """``USD 2,400.00``; see the module docstring for the rules."""
    if amount is None or amount == "":
        return ""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
        if not value.is_finite():
            return ""
        quantized = value.quantize(currency_quantum(currency or ""), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    if quantized.is_zero():
        quantized = abs(quantized)  # never "-USD 0.00"
    locale = money_locale()
    if not currency:
        places = currency_exponent("")
        return format_decimal(
            quantized, format="#,##0." + "0" * places, locale=locale, decimal_quantization=False
        )
    return _currency_amount(quantized, currency, locale)


@lru_cache(maxsize=512)
def _marks(locale: Locale, currency: str) -> tuple[str, str, int]:
    """The locale's group and decimal marks (latin digits), and the currency's CLDR digits."""
    return (
        get_group_symbol(locale, numbering_system="latn"),
        get_decimal_symbol(locale, numbering_system="latn"),
        get_currency_precision(currency),
    )


def _currency_amount(value: Decimal, currency: str, locale: Locale) -> str:
    """``format_currency(value, currency, format=PATTERN, locale=locale)``, written here: babel
    parses the pattern and looks up the locale's data on every call, a tenth of a millisecond
    for each amount of a list. The same steps (``tests/secretary/test_money.py`` compares):
    rounded half-even to the currency's CLDR digits, groups of three, the minus sign before the
    code. (Where babel then drops a pair of apostrophes as quoted text, "1'000'000" in Swiss
    locales, the marks stay.)"""
    group, decimal, digits = _marks(locale, currency)
    rounded = abs(value).normalize().quantize(Decimal(1).scaleb(-digits))
    whole, _point, fraction = f"{rounded:f}".partition(".")
    number = f"{int(whole):,}".replace(",", group)
    if digits:
        number += decimal + fraction.ljust(digits, "0")
    sign = "-" if value.is_signed() else ""
    return f"{sign}{currency.upper()}{NBSP}{number}"
