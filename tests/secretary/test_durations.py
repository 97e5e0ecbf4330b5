"""One way to write a duration, in pages, messages and emails alike."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from secretary.durations import format_clock, format_duration, format_hours, parse_duration


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 min"),
        (1, "1 min"),
        (45, "45 min"),
        (60, "1 h"),
        (61, "1 h 1 min"),
        (135, "2 h 15 min"),
        (1440, "24 h"),
        (Decimal("89.6"), "1 h 30 min"),
        (-90, "\u22121 h 30 min"),
        (None, ""),
        ("", ""),
        ("soon", ""),
    ],
)
def test_it_writes_minutes_as_hours_and_minutes(minutes, text):
    assert format_duration(minutes) == text


def test_it_writes_decimal_hours_the_same_way():
    assert format_hours(Decimal("6.50")) == "6 h 30 min"
    assert format_hours(Decimal("10.00")) == "10 h"
    assert format_hours(Decimal("0.25")) == "15 min"
    assert format_hours(None) == ""


def test_it_never_writes_minutes_in_the_plural_of_one_or_hours_as_decimals():
    texts = [format_duration(m) for m in range(0, 24 * 60 + 1)]
    assert not [t for t in texts if "minutes" in t or "." in t or "hours" in t]


def test_it_shows_a_running_clock():
    assert format_clock(0) == "0:00:00"
    assert format_clock(3 * 3600 + 5 * 60 + 9) == "3:05:09"
    assert format_clock(-4) == "0:00:00"


def test_it_offers_the_same_formatter_to_templates():
    template = Template("{% load durations %}{{ m|duration }} · {{ h|hours_duration }}")
    assert template.render(Context({"m": 135, "h": Decimal("1.50")})) == "2 h 15 min · 1 h 30 min"


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("90", 90),
        ("1:30", 90),
        ("1 h 30 min", 90),
        ("1h30m", 90),
        ("1h30", 90),
        ("1.5 h", 90),
        ("1,5h", 90),
        ("2 hours", 120),
        ("45 min", 45),
        ("0:05", 5),
        ("-5", -5),
        ("", None),
        ("a while", None),
        ("1:75", None),
        ("h", None),
    ],
)
def test_it_reads_a_duration_the_way_people_type_it(typed, minutes):
    assert parse_duration(typed) == minutes


def test_it_reads_back_what_it_writes():
    for minutes in (1, 59, 60, 61, 135, 1440):
        assert parse_duration(format_duration(minutes)) == minutes
