"""The SLA clock counts only covered, unpaused time, in the coverage's own time zone."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clients.coverage import Coverage, Window
from tasks.sla import NoCoverage, coverage_elapsed, due_at

SYDNEY = ZoneInfo("Australia/Sydney")
NEW_YORK = ZoneInfo("America/New_York")


def business_hours(zone: str) -> Coverage:
    return Coverage(
        time_zone=zone, windows=tuple(Window(day, time(9), time(17)) for day in range(5))
    )


def test_it_carries_a_friday_afternoon_request_to_monday_morning():
    # Given a request on Friday 16:30 Sydney time with a 2-hour target, Mon-Fri 09:00-17:00
    start = datetime(2025, 3, 14, 16, 30, tzinfo=SYDNEY)
    # When the due time is computed
    due = due_at(start=start, hours=Decimal(2), coverage=business_hours("Australia/Sydney"))
    # Then it is Monday 10:30 Sydney time
    assert due == datetime(2025, 3, 17, 10, 30, tzinfo=SYDNEY)


def test_it_counts_every_hour_for_24_7_on_call():
    start = datetime(2025, 3, 14, 16, 30, tzinfo=SYDNEY)
    coverage = Coverage(time_zone="Australia/Sydney", always_on=True)
    assert due_at(start=start, hours=Decimal(2), coverage=coverage) == start + timedelta(hours=2)
    assert due_at(start=start, hours=Decimal(100), coverage=coverage) == start + timedelta(
        hours=100
    )


def test_it_counts_24_7_across_a_daylight_saving_change_in_real_hours():
    # Given Sydney leaves daylight saving at 03:00 on Sunday 6 April 2025 (clocks go back)
    start = datetime(2025, 4, 5, 23, 0, tzinfo=SYDNEY)
    coverage = Coverage(time_zone="Australia/Sydney", always_on=True)
    # When 6 real hours pass
    due = due_at(start=start, hours=Decimal(6), coverage=coverage)
    # Then the wall clock shows 04:00, not 05:00: an hour was repeated
    assert due.astimezone(SYDNEY).replace(tzinfo=None) == datetime(2025, 4, 6, 4, 0)


def test_it_keeps_wall_clock_windows_through_a_sydney_daylight_saving_week():
    # Given Sydney starts daylight saving on Sunday 5 October 2025 (02:00 → 03:00)
    coverage = business_hours("Australia/Sydney")
    start = datetime(2025, 10, 3, 16, 0, tzinfo=SYDNEY)  # Friday before the change
    # When a 3-hour request arrives on Friday afternoon
    due = due_at(start=start, hours=Decimal(3), coverage=coverage)
    # Then it is due Monday 11:00 on the (new) wall clock
    assert due == datetime(2025, 10, 6, 11, 0, tzinfo=SYDNEY)
    assert due.astimezone(SYDNEY).utcoffset() == timedelta(hours=11)
    # And a whole week of business hours still counts 40 hours on the wall clock
    week = coverage_elapsed(
        start=datetime(2025, 10, 4, tzinfo=SYDNEY),
        end=datetime(2025, 10, 11, tzinfo=SYDNEY),
        coverage=coverage,
    )
    assert week == timedelta(hours=40)


def test_it_keeps_wall_clock_windows_through_a_new_york_daylight_saving_week():
    # Given New York starts daylight saving on Sunday 9 March 2025 at 02:00
    coverage = business_hours("America/New_York")
    start = datetime(2025, 3, 7, 15, 0, tzinfo=NEW_YORK)  # Friday, EST (UTC-5)
    # When a 4-hour target runs over the weekend
    due = due_at(start=start, hours=Decimal(4), coverage=coverage)
    # Then it is Monday 11:00 EDT (UTC-4)
    assert due == datetime(2025, 3, 10, 11, 0, tzinfo=NEW_YORK)
    assert due.astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)
    # And in the autumn week (2 November 2025) the same holds the other way
    autumn = due_at(
        start=datetime(2025, 10, 31, 16, 0, tzinfo=NEW_YORK), hours=Decimal(2), coverage=coverage
    )
    assert autumn == datetime(2025, 11, 3, 10, 0, tzinfo=NEW_YORK)


def test_it_counts_a_night_window_on_the_change_night_in_real_hours():
    # Given a window 00:00-06:00 on the Sunday New York springs forward (02:00 → 03:00)
    coverage = Coverage(time_zone="America/New_York", windows=(Window(6, time(0), time(6)),))
    night = coverage_elapsed(
        start=datetime(2025, 3, 9, tzinfo=NEW_YORK),
        end=datetime(2025, 3, 10, tzinfo=NEW_YORK),
        coverage=coverage,
    )
    # Then it lasts 5 real hours that night
    assert night == timedelta(hours=5)


def test_it_pauses_the_clock_while_waiting_on_the_client():
    coverage = business_hours("Australia/Sydney")
    start = datetime(2025, 3, 17, 9, 0, tzinfo=SYDNEY)  # Monday
    pause = (
        datetime(2025, 3, 17, 10, 0, tzinfo=SYDNEY),
        datetime(2025, 3, 17, 15, 0, tzinfo=SYDNEY),
    )
    # When the task waits on the client 10:00-15:00
    due = due_at(start=start, hours=Decimal(4), coverage=coverage, paused=[pause])
    # Then only 1 h before and 2 h after count on Monday, the last hour on Tuesday
    assert due == datetime(2025, 3, 18, 10, 0, tzinfo=SYDNEY)
    assert coverage_elapsed(start=start, end=due, coverage=coverage, paused=[pause]) == timedelta(
        hours=4
    )


def test_it_lands_on_the_closing_time_rather_than_after_the_gap():
    coverage = business_hours("Australia/Sydney")
    start = datetime(2025, 3, 17, 9, 0, tzinfo=SYDNEY)
    assert due_at(start=start, hours=Decimal(8), coverage=coverage) == datetime(
        2025, 3, 17, 17, 0, tzinfo=SYDNEY
    )


def test_it_refuses_a_coverage_without_windows_and_naive_times():
    with pytest.raises(NoCoverage):
        due_at(
            start=datetime(2025, 1, 1, tzinfo=UTC),
            hours=Decimal(1),
            coverage=Coverage(time_zone="UTC"),
        )
    with pytest.raises(ValueError):
        due_at(start=datetime(2025, 1, 1), hours=Decimal(1), coverage=business_hours("UTC"))
    with pytest.raises(ValueError):
        due_at(
            start=datetime(2025, 1, 1, tzinfo=UTC),
            hours=Decimal(-1),
            coverage=business_hours("UTC"),
        )


# --- properties ------------------------------------------------------------------------------

ZONES = ["Australia/Sydney", "America/New_York", "Europe/London", "Asia/Kolkata", "UTC"]
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
targets = st.decimals(min_value=Decimal("0.25"), max_value=Decimal(60), places=2)


@st.composite
def coverages(draw):
    zone = draw(st.sampled_from(ZONES))
    if draw(st.booleans()) and draw(st.booleans()):
        return Coverage(time_zone=zone, always_on=True)
    days = draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True))
    windows = []
    for day in days:
        start_hour = draw(st.integers(0, 22))
        end_hour = draw(st.integers(start_hour + 1, 24))
        windows.append(Window(day, time(start_hour), time(0) if end_hour == 24 else time(end_hour)))
    return Coverage(time_zone=zone, windows=tuple(windows))


@settings(max_examples=150, deadline=None)
@given(coverage=coverages(), start=moments, hours=targets, later=st.integers(0, 10**6))
def test_it_is_monotonic_in_start_and_target(coverage, start, hours, later):
    due = due_at(start=start, hours=hours, coverage=coverage)
    assert due >= start
    assert due_at(start=start + timedelta(seconds=later), hours=hours, coverage=coverage) >= due
    assert due_at(start=start, hours=hours + 1, coverage=coverage) > due


@settings(max_examples=150, deadline=None)
@given(coverage=coverages(), start=moments, hours=targets)
def test_it_is_never_due_inside_a_gap(coverage, start, hours):
    due = due_at(start=start, hours=hours, coverage=coverage)
    # The clock was running right up to the due time, and counted exactly the target.
    just_before = due - timedelta(microseconds=1)
    assert coverage_elapsed(start=just_before, end=due, coverage=coverage) == timedelta(
        microseconds=1
    )
    assert coverage_elapsed(start=start, end=due, coverage=coverage) == timedelta(
        microseconds=int(hours * 3_600_000_000)
    )


@settings(max_examples=150, deadline=None)
@given(
    coverage=coverages(),
    start=moments,
    first=targets,
    second=targets,
    pause_at=st.integers(0, 72 * 3600),
    pause_for=st.integers(0, 48 * 3600),
)
def test_it_is_additive(coverage, start, first, second, pause_at, pause_for):
    pause_start = start + timedelta(seconds=pause_at)
    paused = [(pause_start, pause_start + timedelta(seconds=pause_for))]
    midway = due_at(start=start, hours=first, coverage=coverage, paused=paused)
    assert due_at(start=midway, hours=second, coverage=coverage, paused=paused) == due_at(
        start=start, hours=first + second, coverage=coverage, paused=paused
    )
