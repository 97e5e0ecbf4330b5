"""The one money formatter: ISO code first, the currency's minor unit, the active locale."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel import Locale
from babel.numbers import format_currency
from django.template import Context, Template
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from secretary import money
from secretary.models import currency_quantum
from secretary.money import NBSP, PATTERN, format_money


def spaced(text: str) -> str:
    return text.replace(" ", NBSP)


@pytest.mark.parametrize(
    "amount, currency, expected",
    [
        (Decimal("2400"), "USD", "USD 2,400.00"),
        (Decimal("1200"), "AUD", "AUD 1,200.00"),
        (Decimal("1234.5"), "JPY", "JPY 1,235"),
        (Decimal("0"), "JPY", "JPY 0"),
        (Decimal("1.2345"), "BHD", "BHD 1.235"),
        (Decimal("12"), "KWD", "KWD 12.000"),
    ],
)
def test_it_writes_the_currencys_own_number_of_decimals(amount, currency, expected):
    assert format_money(amount, currency) == spaced(expected)


@pytest.mark.parametrize(
    "amount, currency, expected",
    [
        (Decimal("0.005"), "USD", "USD 0.01"),
        (Decimal("0.015"), "EUR", "EUR 0.02"),
        (Decimal("1.005"), "GBP", "GBP 1.01"),
        (Decimal("2.5"), "JPY", "JPY 3"),
        (Decimal("0.0005"), "BHD", "BHD 0.001"),
        (Decimal("19.994999"), "AUD", "AUD 19.99"),
    ],
)
def test_it_rounds_more_places_half_up_to_the_minor_unit(amount, currency, expected):
    assert format_money(amount, currency) == spaced(expected)


@pytest.mark.parametrize(
    "amount, currency, expected",
    [
        (Decimal("-50"), "USD", "-USD 50.00"),
        (Decimal("-1234567.891"), "EUR", "-EUR 1,234,567.89"),
        (Decimal("-3"), "JPY", "-JPY 3"),
        (Decimal("-0.001"), "USD", "USD 0.00"),
        (Decimal("-0"), "USD", "USD 0.00"),
    ],
)
def test_it_puts_the_minus_before_the_code_and_never_on_zero(amount, currency, expected):
    assert format_money(amount, currency) == spaced(expected)


def test_it_groups_large_amounts():
    assert format_money(Decimal("123456789012345.678"), "USD") == spaced(
        "USD 123,456,789,012,345.68"
    )
    assert format_money(Decimal("9999999999"), "JPY") == spaced("JPY 9,999,999,999")


@pytest.mark.parametrize("blank", [None, "", "  ", "twelve", "NaN", "Infinity"])
def test_it_writes_nothing_for_a_blank_or_not_a_number(blank):
    assert format_money(blank, "USD") == ""


def test_it_accepts_ints_and_decimal_strings_without_going_through_float():
    assert format_money(7, "GBP") == spaced("GBP 7.00")
    assert format_money("0.1", "USD") == spaced("USD 0.10")
    # 1.015 is 1.01499999... as a float; as a decimal it rounds up
    assert format_money("1.015", "USD") == spaced("USD 1.02")


def test_it_writes_the_number_alone_without_a_currency():
    assert format_money(Decimal("1234.5"), "") == "1,234.50"


def test_it_uses_the_marks_of_the_active_language():
    with translation.override("de"):
        assert format_money(Decimal("1234.5"), "EUR") == spaced("EUR 1.234,50")
    with translation.override("fr"):
        assert format_money(Decimal("1234.5"), "EUR") == "EUR\u00a01\u202f234,50"
    assert format_money(Decimal("1234.5"), "EUR") == spaced("EUR 1,234.50")


def test_it_agrees_with_the_quantum_amounts_are_stored_with():
    assert currency_quantum("USD") == Decimal("0.01")
    assert currency_quantum("JPY") == Decimal("1")
    assert currency_quantum("BHD") == Decimal("0.001")


def test_the_template_filters_delegate_to_it():
    template = Template(
        "{% load money %}{{ a|money:'USD' }}|{{ a|money_negated:'USD' }}|{{ none|money:'USD' }}"
    )
    text = template.render(Context({"a": Decimal("2400"), "none": None}))

    assert text == spaced("USD 2,400.00|-USD 2,400.00|")
    books = Template("{% load books_money %}{{ a|money:'JPY' }}")
    assert books.render(Context({"a": Decimal("12.5")})) == spaced("JPY 13")


@settings(max_examples=400, deadline=None)
@given(
    value=st.decimals(
        min_value=Decimal("-1e15"), max_value=Decimal("1e15"), allow_nan=False, places=4
    ),
    currency=st.sampled_from(["USD", "EUR", "JPY", "BHD", "KWD", "CLP", "ISK", "HUF", "CHF"]),
    locale=st.sampled_from(
        ["en", "en_IN", "de", "de_AT", "fr", "es", "pt_BR", "sv", "ar", "fa", "hi", "ja"]
    ),
)
def test_it_writes_amounts_as_babels_pattern_does(value, currency, locale):
    # Given an amount already rounded to the currency's minor unit, as format_money has it
    quantized = value.quantize(currency_quantum(currency), rounding=ROUND_HALF_UP)
    parsed = Locale.parse(locale)
    # Then it is written as babel writes the pattern, mark for mark
    expected = format_currency(
        quantized, currency, format=PATTERN, locale=parsed, currency_digits=True
    )
    assert money._currency_amount(quantized, currency, parsed) == expected


def test_it_keeps_the_apostrophes_that_group_swiss_amounts():
    # babel's pattern drops a pair of apostrophes as if they quoted text ("1000000.00"); the
    # marks are the locale's own
    swiss = Locale.parse("de_CH")
    assert money._currency_amount(Decimal("1000000.00"), "CHF", swiss) == "CHF\xa01'000'000.00"
    assert money._currency_amount(Decimal("-1000.5"), "CHF", swiss) == "-CHF\xa01'000.50"
