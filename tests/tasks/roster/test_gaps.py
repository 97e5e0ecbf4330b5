"""Roster gaps: sold coverage minus the time an available member is on duty."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from clients.coverage import Coverage, Window
from tasks.roster.gaps import (
    UNAVAILABLE,
    UNCOVERED,
    Availability,
    Duty,
    RotationPlan,
    ShiftPattern,
    intersect,
    merge,
    roster,
    rotation_duties,
    shift_duties,
    subtract,
    time_off_span,
    total,
)

SYDNEY = ZoneInfo("Australia/Sydney")
ZONES = ["Australia/Sydney", "America/New_York", "Europe/London"]
# Weeks holding a daylight-saving change in one of the zones, and a plain week.
WEEKS = [
    date(2025, 4, 1),  # Sydney falls back on 6 April
    date(2025, 10, 1),  # Sydney springs forward on 5 October
    date(2025, 3, 6),  # New York springs forward on 9 March
    date(2025, 10, 29),  # New York falls back on 2 November
    date(2025, 3, 27),  # London springs forward on 30 March
    date(2025, 10, 22),  # London falls back on 26 October
    date(2025, 7, 14),
]


def business(zone="Australia/Sydney", days=range(5), start=time(9), end=time(17)) -> Coverage:
    return Coverage(time_zone=zone, windows=tuple(Window(d, start, end) for d in days))


def copy_roster(coverage: Coverage, member: int = 1) -> list[ShiftPattern]:
    return [
        ShiftPattern(member, w.weekday, w.start, w.end, coverage.time_zone)
        for w in coverage.windows
    ]


def duties_of(patterns, start, end) -> list[Duty]:
    return [duty for pattern in patterns for duty in shift_duties(pattern, start, end)]


def week_range(day: date, zone=SYDNEY) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, start + timedelta(days=7)


def test_it_finds_no_gap_when_the_shifts_copy_the_coverage():
    coverage = business()
    start, end = week_range(date(2025, 10, 1))
    result = roster(
        coverage=coverage,
        duties=duties_of(copy_roster(coverage), start, end),
        availability={},
        start=start,
        end=end,
    )
    assert result.gaps == []
    assert total(result.on_duty) == total(result.sold)


def test_it_finds_the_thursday_nobody_covers():
    # Given Mon-Fri 09-17 Sydney covered by shifts on every day but Thursday
    coverage = business()
    patterns = [p for p in copy_roster(coverage) if p.weekday != 3]
    start, end = week_range(date(2025, 7, 14))  # a Monday
    # When the roster is computed
    result = roster(
        coverage=coverage,
        duties=duties_of(patterns, start, end),
        availability={},
        start=start,
        end=end,
    )
    # Then the one gap is Thursday 09:00-17:00 Sydney time, nobody rostered
    assert [(g.start, g.end, g.reason) for g in result.gaps] == [
        (
            datetime(2025, 7, 17, 9, tzinfo=SYDNEY),
            datetime(2025, 7, 17, 17, tzinfo=SYDNEY),
            UNCOVERED,
        )
    ]


def test_it_counts_a_shift_on_time_off_as_a_gap():
    coverage = business()
    start, end = week_range(date(2025, 7, 14))
    leave = time_off_span(
        start_date=date(2025, 7, 16),
        end_date=date(2025, 7, 16),
        start_time=time(13),
        end_time=None,
        time_zone="Australia/Sydney",
    )
    result = roster(
        coverage=coverage,
        duties=duties_of(copy_roster(coverage), start, end),
        availability={1: Availability(time_off=(leave,))},
        start=start,
        end=end,
    )
    assert [(g.start, g.end, g.reason) for g in result.gaps] == [
        (
            datetime(2025, 7, 16, 13, tzinfo=SYDNEY),
            datetime(2025, 7, 16, 17, tzinfo=SYDNEY),
            UNAVAILABLE,
        )
    ]


def test_it_counts_a_shift_outside_the_members_hours_as_a_gap():
    # Given a Los Angeles client's 9-5 covered by a Sydney secretary available 08-12 only
    coverage = business("America/Los_Angeles", days=[1])
    start = datetime(2025, 7, 14, tzinfo=UTC)
    end = start + timedelta(days=7)
    # LA Tue 09:00-17:00 = Sydney Wed 02:00-10:00 in July
    available = Availability("Australia/Sydney", windows=(Window(2, time(8), time(12)),))
    result = roster(
        coverage=coverage,
        duties=duties_of(copy_roster(coverage), start, end),
        availability={1: available},
        start=start,
        end=end,
    )
    assert [(g.start, g.end) for g in result.gaps] == [
        (
            datetime(2025, 7, 16, 2, tzinfo=SYDNEY),
            datetime(2025, 7, 16, 8, tzinfo=SYDNEY),
        )
    ]


def test_a_shift_keeps_the_coverage_wall_clock_across_daylight_saving():
    pattern = ShiftPattern(1, 0, time(9), time(17), "Australia/Sydney")
    start, end = datetime(2025, 9, 28, tzinfo=UTC), datetime(2025, 10, 11, tzinfo=UTC)
    starts = [d.start.astimezone(SYDNEY).time() for d in shift_duties(pattern, start, end)]
    offsets = [d.start.astimezone(SYDNEY).utcoffset() for d in shift_duties(pattern, start, end)]
    assert starts == [time(9), time(9)]
    assert offsets == [timedelta(hours=10), timedelta(hours=11)]


def test_an_exception_takes_a_shift_off_or_gives_it_to_another_member():
    monday, next_monday = date(2025, 7, 14), date(2025, 7, 21)
    pattern = ShiftPattern(1, 0, time(9), time(17), "Australia/Sydney", {monday: None})
    start, end = week_range(monday)
    assert shift_duties(pattern, start, end + timedelta(days=7)) == [
        Duty(
            1,
            datetime(2025, 7, 21, 9, tzinfo=SYDNEY),
            datetime(2025, 7, 21, 17, tzinfo=SYDNEY),
        )
    ]
    replaced = ShiftPattern(1, 0, time(9), time(17), "Australia/Sydney", {next_monday: 2})
    members = [d.member for d in shift_duties(replaced, start, end + timedelta(days=7))]
    assert members == [1, 2]


def test_a_rotation_hands_over_at_the_wall_clock_time_with_a_backup():
    plan = RotationPlan("Australia/Sydney", 0, time(9), 7, date(2025, 9, 29), (1, 2))
    start = datetime(2025, 9, 29, 9, tzinfo=SYDNEY)
    duties = rotation_duties(plan, start, start + timedelta(days=14))
    assert [(d.member, d.backup) for d in duties] == [(1, 2), (2, 1)]
    # The handover after the October change is still at 09:00 on the wall clock.
    assert duties[1].start == datetime(2025, 10, 6, 9, tzinfo=SYDNEY)
    assert duties[0].end == duties[1].start


def test_an_on_call_rotation_leaves_no_gap():
    coverage = Coverage(time_zone="America/New_York", always_on=True)
    plan = RotationPlan("America/New_York", 2, time(8), 7, date(2025, 10, 1), (1, 2, 3))
    start = datetime(2025, 10, 27, tzinfo=UTC)
    end = start + timedelta(days=14)
    result = roster(
        coverage=coverage,
        duties=rotation_duties(plan, start, end),
        availability={},
        start=start,
        end=end,
    )
    assert result.gaps == []


# --- Properties ----------------------------------------------------------------------------

minutes = st.integers(min_value=0, max_value=47).map(lambda n: n * 30)


@st.composite
def windows(draw, max_size=6):
    found = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_size))):
        day = draw(st.integers(min_value=0, max_value=6))
        a, b = sorted(draw(st.lists(minutes, min_size=2, max_size=2, unique=True)))
        start = time(a // 60, a % 60)
        end = time(0) if b == 24 * 60 else time(b // 60, b % 60)
        found.append(Window(day, start, end))
    # Keep windows of one day apart (as the services require).
    kept: list[Window] = []
    for window in sorted(found):
        if kept and kept[-1].weekday == window.weekday and kept[-1].end > window.start:
            continue
        if kept and kept[-1].weekday == window.weekday and kept[-1].end == time(0):
            continue
        kept.append(window)
    return tuple(kept)


@st.composite
def scenarios(draw):
    coverage_zone = draw(st.sampled_from(ZONES))
    coverage = Coverage(time_zone=coverage_zone, windows=draw(windows()))
    week = draw(st.sampled_from(WEEKS))
    start = datetime.combine(week, time(0), tzinfo=ZoneInfo(draw(st.sampled_from(ZONES))))
    end = start + timedelta(days=draw(st.integers(min_value=1, max_value=10)))
    patterns = [
        ShiftPattern(member, w.weekday, w.start, w.end, coverage_zone)
        for member in (1, 2)
        for w in draw(windows(max_size=4))
    ]
    availability = {
        member: Availability(draw(st.sampled_from(ZONES)), windows=draw(windows()))
        for member in draw(st.sets(st.sampled_from([1, 2])))
    }
    return coverage, patterns, availability, start, end


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_gaps_and_covered_time_make_up_what_is_sold(scenario):
    coverage, patterns, availability, start, end = scenario
    result = roster(
        coverage=coverage,
        duties=duties_of(patterns, start, end),
        availability=availability,
        start=start,
        end=end,
    )
    covered = intersect(result.sold, result.on_duty)
    assert merge(result.gap_spans + covered) == merge(result.sold)
    assert intersect(result.gap_spans, result.on_duty) == []
    assert subtract(result.gap_spans, result.sold) == []


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_a_roster_copying_the_coverage_has_no_gaps(scenario):
    coverage, _, _, start, end = scenario
    result = roster(
        coverage=coverage,
        duties=duties_of(copy_roster(coverage), start, end),
        availability={},
        start=start,
        end=end,
    )
    assert result.gaps == []


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_on_duty_time_lies_inside_the_members_availability(scenario):
    coverage, patterns, availability, start, end = scenario
    result = roster(
        coverage=coverage,
        duties=duties_of(patterns, start, end),
        availability=availability,
        start=start,
        end=end,
    )
    for duty in result.duties:
        if duty.member in availability:
            from tasks.roster.gaps import available_spans

            allowed = available_spans(availability[duty.member], start, end)
            assert subtract([duty.span], allowed) == []


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.sampled_from(WEEKS),
    st.integers(min_value=1, max_value=14),
    st.integers(min_value=1, max_value=4),
)
def test_rotation_turns_tile_the_range_without_overlap(zone, week, length, people):
    plan = RotationPlan(zone, 3, time(7, 30), length, week, tuple(range(1, people + 1)))
    start = datetime.combine(week, time(0), tzinfo=UTC)
    end = start + timedelta(days=30)
    duties = rotation_duties(plan, start, end)
    assert duties[0].start == start and duties[-1].end == end
    for previous, current in pairwise(duties):
        assert previous.end == current.start
        assert previous.member != current.member or people == 1


def test_an_on_call_turn_ignores_working_hours_but_not_time_off():
    coverage = Coverage(time_zone="Australia/Sydney", always_on=True)
    plan = RotationPlan("Australia/Sydney", 0, time(9), 7, date(2025, 7, 14), (1,))
    start = datetime(2025, 7, 14, 9, tzinfo=SYDNEY)
    end = start + timedelta(days=7)
    leave = time_off_span(
        start_date=date(2025, 7, 16),
        end_date=date(2025, 7, 16),
        start_time=None,
        end_time=None,
        time_zone="Australia/Sydney",
    )
    office_hours = tuple(Window(d, time(9), time(17)) for d in range(5))
    result = roster(
        coverage=coverage,
        duties=rotation_duties(plan, start, end),
        availability={1: Availability("Australia/Sydney", office_hours, (leave,))},
        start=start,
        end=end,
    )
    assert [(g.start, g.end, g.reason) for g in result.gaps] == [(*leave, UNAVAILABLE)]
