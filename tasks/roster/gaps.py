"""Gaps in the roster: pure functions over spans of real (UTC) time, like ``tasks.sla``.

Sold coverage comes from an engagement's ``Coverage`` (wall-clock windows in its zone, or 24/7).
Duties come from weekly shift patterns (on the coverage zone's wall clock, with dated
exceptions) and on-call rotations (turns of whole days handed over at a wall-clock time). A
duty counts only where its member is available (their weekly windows, in their own zone) and
not on time off; the rest of the sold time is a gap. Nothing here touches the database.

All datetimes are aware; results are in UTC. Ranges are half-open: ``[start, end)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clients.coverage import Coverage, Window
from tasks.sla import covered_spans

Span = tuple[datetime, datetime]

UNCOVERED = "uncovered"  # nobody is rostered
UNAVAILABLE = "unavailable"  # someone is rostered but not available (or on time off)


# --- Span arithmetic -----------------------------------------------------------------------


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping, non-touching spans covering the same time (empty ones gone)."""
    merged: list[Span] = []
    for start, end in sorted(
        (
            s if s.tzinfo is UTC else s.astimezone(UTC),
            e if e.tzinfo is UTC else e.astimezone(UTC),
        )
        for s, e in spans
    ):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract(spans: Iterable[Span], minus: Iterable[Span]) -> list[Span]:
    """The time of ``spans`` outside ``minus``."""
    holes = merge(minus)
    result: list[Span] = []
    for start, end in merge(spans):
        for hole_start, hole_end in holes:
            if hole_end <= start:
                continue
            if hole_start >= end:
                break
            if hole_start > start:
                result.append((start, hole_start))
            start = max(start, hole_end)
            if start >= end:
                break
        if end > start:
            result.append((start, end))
    return result


def intersect(first: Iterable[Span], second: Iterable[Span]) -> list[Span]:
    """The time in both."""
    return _intersect_merged(merge(first), merge(second))


def _intersect_merged(a: list[Span], b: list[Span]) -> list[Span]:
    """``intersect`` of two lists already merged (sorted, apart, in UTC)."""
    result: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def clip(spans: Iterable[Span], start: datetime, end: datetime) -> list[Span]:
    return intersect(spans, [(start, end)])


def total(spans: Iterable[Span]) -> timedelta:
    return sum((e - s for s, e in merge(spans)), timedelta(0))


def _require_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    for value in (start, end):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("range bounds must be aware datetimes")
    return start.astimezone(UTC), end.astimezone(UTC)


# --- Weekly windows ------------------------------------------------------------------------


def window_spans(
    windows: Iterable[Window], time_zone: str, start: datetime, end: datetime
) -> list[Span]:
    """Real spans of weekly wall-clock ``windows`` in ``time_zone`` within the range."""
    start, end = _require_range(start, end)
    windows = tuple(windows)
    if not windows or end <= start:
        return []
    found: list[Span] = []
    for span_start, span_end in covered_spans(Coverage(time_zone, windows), start):
        if span_start >= end:
            break
        found.append((span_start, span_end))
    return clip(found, start, end)


def sold_spans(coverage: Coverage, start: datetime, end: datetime) -> list[Span]:
    """What the engagement sells within the range."""
    start, end = _require_range(start, end)
    if end <= start:
        return []
    if coverage.always_on:
        return [(start, end)]
    return window_spans(coverage.windows, coverage.time_zone, start, end)


def _wall_span(day: date, start: time, end: time, zone: ZoneInfo) -> Span:
    """The real span of a wall-clock ``start``–``end`` on ``day`` (end 00:00 = midnight)."""
    begin = datetime.combine(day, start, tzinfo=zone)
    finish = datetime.combine(day + timedelta(days=1) if end == time(0) else day, end, tzinfo=zone)
    return begin.astimezone(UTC), finish.astimezone(UTC)


# --- Duties --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    """``member`` is on duty from ``start`` to ``end``; ``backup`` for on-call turns."""

    member: int
    start: datetime
    end: datetime
    backup: int | None = None
    source: str = "shift"  # "shift" or "rotation"

    @property
    def span(self) -> Span:
        return self.start, self.end


@dataclass(frozen=True)
class ShiftPattern:
    """A weekly shift on the wall clock of ``time_zone``; ``exceptions`` maps a local date to
    the member replacing the usual one that day, or None when the shift is off."""

    member: int
    weekday: int
    start: time
    end: time
    time_zone: str
    exceptions: Mapping[date, int | None] = field(default_factory=dict)

    @property
    def window(self) -> Window:
        return Window(self.weekday, self.start, self.end)


def shift_duties(pattern: ShiftPattern, start: datetime, end: datetime) -> list[Duty]:
    """The pattern's occurrences overlapping the range (clipped to it)."""
    start, end = _require_range(start, end)
    zone = ZoneInfo(pattern.time_zone)
    duties: list[Duty] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    day += timedelta(days=(pattern.weekday - day.weekday()) % 7)  # its first weekday
    last = end.astimezone(zone).date()
    week = timedelta(days=7)
    while day <= last:
        member = pattern.exceptions.get(day, pattern.member)
        if member is not None:
            span_start, span_end = _wall_span(day, pattern.start, pattern.end, zone)
            span_start, span_end = max(span_start, start), min(span_end, end)
            if span_end > span_start:
                duties.append(Duty(member, span_start, span_end))
        day += week
    return duties


@dataclass(frozen=True)
class RotationPlan:
    """Turns of ``length_days`` taken by ``members`` in order, handed over on
    ``handover_weekday`` at ``handover_time`` in ``time_zone``; the first turn starts at the
    handover on or before ``starts_on`` (the cycle runs both ways from there)."""

    time_zone: str
    handover_weekday: int
    handover_time: time
    length_days: int
    starts_on: date
    members: tuple[int, ...]

    def anchor(self) -> datetime:
        back = (self.starts_on.weekday() - self.handover_weekday) % 7
        return datetime.combine(self.starts_on - timedelta(days=back), self.handover_time)


def rotation_duties(plan: RotationPlan, start: datetime, end: datetime) -> list[Duty]:
    """The turns overlapping the range (clipped), each with its primary and backup."""
    start, end = _require_range(start, end)
    if not plan.members or plan.length_days < 1:
        return []
    zone = ZoneInfo(plan.time_zone)
    anchor = plan.anchor()  # naive wall clock: turns follow the zone's clock across DST
    length = timedelta(days=plan.length_days)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    turn = math.floor((local_start - anchor) / length) - 1
    duties: list[Duty] = []
    count = len(plan.members)
    while True:
        turn_start = (anchor + turn * length).replace(tzinfo=zone).astimezone(UTC)
        turn_end = (anchor + (turn + 1) * length).replace(tzinfo=zone).astimezone(UTC)
        if turn_start >= end:
            break
        clipped_start, clipped_end = max(turn_start, start), min(turn_end, end)
        if clipped_end > clipped_start:
            primary = plan.members[turn % count]
            backup = plan.members[(turn + 1) % count] if count > 1 else None
            duties.append(Duty(primary, clipped_start, clipped_end, backup, "rotation"))
        turn += 1
    return duties


# --- Availability --------------------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    """When a member can work: weekly ``windows`` in ``time_zone`` (None: not declared, so
    any time), minus ``time_off`` (real spans)."""

    time_zone: str = "UTC"
    windows: tuple[Window, ...] | None = None
    time_off: tuple[Span, ...] = ()


def time_off_span(
    *,
    start_date: date,
    end_date: date,
    start_time: time | None,
    end_time: time | None,
    time_zone: str,
) -> Span:
    """The real span of a time off: from ``start_time`` (or the start) of the first day to
    ``end_time`` (or the end) of the last, on the member's wall clock."""
    zone = ZoneInfo(time_zone)
    begin = datetime.combine(start_date, start_time or time(0), tzinfo=zone)
    if end_time is None or end_time == time(0):
        finish = datetime.combine(end_date + timedelta(days=1), time(0), tzinfo=zone)
    else:
        finish = datetime.combine(end_date, end_time, tzinfo=zone)
    return begin.astimezone(UTC), finish.astimezone(UTC)


def available_spans(availability: Availability, start: datetime, end: datetime) -> list[Span]:
    start, end = _require_range(start, end)
    if availability.windows is None:
        base = [(start, end)]
    else:
        base = window_spans(availability.windows, availability.time_zone, start, end)
    return subtract(base, availability.time_off)


# --- Gaps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime
    reason: str  # UNCOVERED or UNAVAILABLE

    @property
    def span(self) -> Span:
        return self.start, self.end


@dataclass
class Roster:
    """An engagement's roster over a range: what is sold, who is rostered, who is really on
    duty (rostered and available) and the gaps."""

    sold: list[Span]
    duties: list[Duty]
    on_duty: list[Span]
    gaps: list[Gap]

    @property
    def gap_spans(self) -> list[Span]:
        return [gap.span for gap in self.gaps]


def effective_duties(
    duties: Iterable[Duty],
    availability: Mapping[int, Availability],
    start: datetime,
    end: datetime,
    cache: dict | None = None,
) -> list[Duty]:
    """Each duty cut down to the time its member is available (a member with no entry is
    available throughout). An on-call turn runs outside working hours by design: only time
    off interrupts it."""
    start, end = _require_range(start, end)
    # Members' available spans over the range, shared by callers that roster many engagements
    # over one range (pass the same dict each time).
    cache = {} if cache is None else cache
    kept: list[Duty] = []
    for duty in duties:
        member_availability = availability.get(duty.member)
        span = merge([duty.span])  # in UTC (none when empty)
        if member_availability is None:
            pieces = _intersect_merged(span, [(start, end)])
        else:
            on_call = duty.source == "rotation"
            key = (duty.member, on_call)
            if key not in cache:
                cache[key] = (
                    subtract([(start, end)], member_availability.time_off)
                    if on_call
                    else available_spans(member_availability, start, end)
                )
            pieces = _intersect_merged(span, cache[key])
        kept.extend(Duty(duty.member, s, e, duty.backup, duty.source) for s, e in pieces if e > s)
    return kept


def roster(
    *,
    coverage: Coverage,
    duties: Iterable[Duty],
    availability: Mapping[int, Availability],
    start: datetime,
    end: datetime,
    cache: dict | None = None,
) -> Roster:
    """Sold coverage minus the time someone available is on duty = the gaps; a gap where
    somebody is rostered but unavailable says so."""
    start, end = _require_range(start, end)
    duties = [d for d in duties if d.end > start and d.start < end]
    sold = sold_spans(coverage, start, end)
    effective = effective_duties(duties, availability, start, end, cache)
    on_duty = merge(d.span for d in effective)
    missing = subtract(sold, on_duty)
    rostered = [d.span for d in duties]
    gaps = [Gap(s, e, UNAVAILABLE) for s, e in intersect(missing, rostered)]
    gaps += [Gap(s, e, UNCOVERED) for s, e in subtract(missing, rostered)]
    gaps.sort(key=lambda gap: gap.start)
    return Roster(sold=sold, duties=effective, on_duty=on_duty, gaps=gaps)


def overlap(first: Iterable[Span], second: Iterable[Span]) -> list[Span]:
    """Alias of ``intersect`` that reads better in validations."""
    return intersect(first, second)


def weekly_hours(spans: Iterable[Span]) -> float:
    return total(spans).total_seconds() / 3600
