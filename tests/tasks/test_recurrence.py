"""Recurrence rules: every N days, weeks or months, never the same occurrence twice."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.recurrence import Frequency, Rule, describe, next_occurrence, occurrences, rule_problems


def test_it_repeats_every_n_days():
    rule = Rule(Frequency.DAILY, start=date(2025, 1, 1), interval=3)
    assert occurrences(rule, after=None, until=date(2025, 1, 10)) == [
        date(2025, 1, 1),
        date(2025, 1, 4),
        date(2025, 1, 7),
        date(2025, 1, 10),
    ]


def test_it_repeats_weekly_on_a_weekday():
    # Given a weekly newsletter every Thursday, starting on a Monday
    rule = Rule(Frequency.WEEKLY, start=date(2025, 3, 3), weekday=3)
    # Then the first occurrence is that week's Thursday
    assert occurrences(rule, after=None, until=date(2025, 3, 20)) == [
        date(2025, 3, 6),
        date(2025, 3, 13),
        date(2025, 3, 20),
    ]


def test_it_repeats_every_two_weeks():
    rule = Rule(Frequency.WEEKLY, start=date(2025, 3, 3), interval=2, weekday=0)
    assert occurrences(rule, after=None, until=date(2025, 4, 1)) == [
        date(2025, 3, 3),
        date(2025, 3, 17),
        date(2025, 3, 31),
    ]


def test_it_falls_back_to_the_last_day_of_a_short_month():
    # Given monthly books closed on the 31st
    rule = Rule(Frequency.MONTHLY, start=date(2025, 1, 1), month_day=31)
    # Then February closes on the 28th and April on the 30th
    assert occurrences(rule, after=None, until=date(2025, 4, 30)) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
    ]
    leap = Rule(Frequency.MONTHLY, start=date(2024, 2, 1), month_day=30)
    assert occurrences(leap, after=None, until=date(2024, 3, 31)) == [
        date(2024, 2, 29),
        date(2024, 3, 30),
    ]


def test_it_repeats_every_quarter_on_a_day_of_month():
    rule = Rule(Frequency.MONTHLY, start=date(2025, 1, 1), interval=3, month_day=15)
    assert occurrences(rule, after=None, until=date(2025, 12, 31)) == [
        date(2025, 1, 15),
        date(2025, 4, 15),
        date(2025, 7, 15),
        date(2025, 10, 15),
    ]


def test_it_continues_strictly_after_the_last_occurrence():
    rule = Rule(Frequency.WEEKLY, start=date(2025, 3, 3), weekday=0)
    assert occurrences(rule, after=date(2025, 3, 10), until=date(2025, 3, 24)) == [
        date(2025, 3, 17),
        date(2025, 3, 24),
    ]
    assert next_occurrence(rule, after=date(2025, 3, 10)) == date(2025, 3, 17)


def test_it_explains_bad_rules():
    assert "interval" in rule_problems(Rule(Frequency.DAILY, start=date(2025, 1, 1), interval=0))
    assert "month_day" in rule_problems(
        Rule(Frequency.MONTHLY, start=date(2025, 1, 1), month_day=32)
    )
    assert "frequency" in rule_problems(Rule("yearly", start=date(2025, 1, 1)))
    with pytest.raises(ValueError):
        occurrences(
            Rule(Frequency.DAILY, start=date(2025, 1, 1), interval=0),
            after=None,
            until=date(2025, 2, 1),
        )


def test_it_describes_a_rule():
    assert (
        describe(Rule(Frequency.WEEKLY, start=date(2025, 3, 3), weekday=3))
        == "Every week on Thursday"
    )
    assert describe(Rule(Frequency.MONTHLY, start=date(2025, 3, 3), interval=2, month_day=5)) == (
        "Every 2 months on day 5"
    )


@settings(max_examples=100, deadline=None)
@given(
    frequency=st.sampled_from(list(Frequency)),
    interval=st.integers(1, 12),
    start=st.dates(date(2024, 1, 1), date(2026, 1, 1)),
    split=st.integers(0, 400),
    day=st.integers(1, 31),
    weekday=st.integers(0, 6),
)
def test_it_never_yields_an_occurrence_twice_however_the_range_is_split(
    frequency, interval, start, split, day, weekday
):
    rule = Rule(frequency, start=start, interval=interval, weekday=weekday, month_day=day)
    until = start + timedelta(days=500)
    whole = occurrences(rule, after=None, until=until)
    cut = start + timedelta(days=split)
    first = occurrences(rule, after=None, until=cut)
    rest = occurrences(rule, after=first[-1] if first else None, until=until)
    assert first + rest == whole
    assert len(set(whole)) == len(whole)
    assert all(start <= d <= until for d in whole)
