"""The SLA clock: pure functions over ``clients.coverage.Coverage``.

Only time inside the coverage windows counts, read in the coverage's own time zone, so a
window of 09:00-17:00 means nine-to-five on the wall clock of that zone on every day of the
year, daylight saving or not. An ``always_on`` coverage (24/7 on-call) counts every hour.
Paused spans (a task waiting on its client) never count.

All datetimes are aware; results are in UTC (callers show them in whichever zone they like).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from clients.coverage import Coverage, Window

Span = tuple[datetime, datetime]

_WEEK = timedelta(days=7)


class NoCoverage(ValueError):
    """The coverage has no window at all, so no amount of waiting reaches a target."""


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _to_timedelta(hours: Decimal | int | float) -> timedelta:
    hours = Decimal(str(hours))
    if hours < 0:
        raise ValueError("hours must not be negative")
    microseconds = (hours * 3_600_000_000).to_integral_value()
    return timedelta(microseconds=int(microseconds))


def _window_span(day: date, window: Window, zone: ZoneInfo) -> Span:
    """The real (UTC) span of one wall-clock window on ``day``.

    A wall-clock time that does not exist (skipped by a spring-forward change) resolves with
    the offset in force before the change, which lands just after the gap; an ambiguous time
    (repeated by a fall-back change) resolves to its first occurrence. Either way the span
    is as long as the wall clock says, plus or minus the hour the change adds or removes.
    """
    start = datetime.combine(day, window.start, tzinfo=zone)
    end_day = day + timedelta(days=1) if window.ends_at_midnight else day
    end = datetime.combine(
        end_day, window.end if not window.ends_at_midnight else time(0, 0), tzinfo=zone
    )
    return start.astimezone(UTC), end.astimezone(UTC)


def covered_spans(coverage: Coverage, since: datetime) -> Iterator[Span]:
    """Covered spans in time order (UTC), from the local day of ``since`` onwards; endless.

    Spans ending before ``since`` may come first: callers clip.
    """
    _require_aware(since, "since")
    if coverage.always_on:
        cursor = since.astimezone(UTC)
        while True:
            yield cursor, cursor + _WEEK
            cursor += _WEEK
    if not coverage.windows:
        raise NoCoverage("The coverage has no windows.")
    zone = ZoneInfo(coverage.time_zone)
    by_weekday: dict[int, list[Window]] = {}
    for window in sorted(coverage.windows):
        by_weekday.setdefault(window.weekday, []).append(window)
    day = since.astimezone(zone).date() - timedelta(days=1)  # a window may run past midnight
    while True:
        for window in by_weekday.get(day.weekday(), ()):
            start, end = _window_span(day, window, zone)
            if end > start:
                yield start, end
        day += timedelta(days=1)


def _merged(spans: Iterable[Span]) -> list[Span]:
    cleaned = []
    for start, end in spans:
        _require_aware(start, "pause start")
        _require_aware(end, "pause end")
        if end > start:
            cleaned.append((start.astimezone(UTC), end.astimezone(UTC)))
    cleaned.sort()
    merged: list[Span] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(span: Span, pauses: list[Span]) -> Iterator[Span]:
    start, end = span
    for pause_start, pause_end in pauses:
        if pause_end <= start:
            continue
        if pause_start >= end:
            break
        if pause_start > start:
            yield start, pause_start
        start = max(start, pause_end)
        if start >= end:
            return
    if end > start:
        yield start, end


def counted_spans(
    *, start: datetime, coverage: Coverage, paused: Iterable[Span] = ()
) -> Iterator[Span]:
    """The spans the clock runs in from ``start`` on: covered and not paused (UTC, endless)."""
    _require_aware(start, "start")
    start = start.astimezone(UTC)
    pauses = _merged(paused)
    for span_start, span_end in covered_spans(coverage, start):
        span_start = max(span_start, start)
        if span_end <= span_start:
            continue
        yield from _subtract((span_start, span_end), pauses)


def due_at(
    *, start: datetime, hours: Decimal, coverage: Coverage, paused: Iterable[Span] = ()
) -> datetime:
    """When ``hours`` of counted time have passed since ``start`` (UTC).

    A target of zero hours is due at ``start``. A target reached exactly as a window closes is
    due at that closing time (never later, in the gap after it).
    """
    remaining = _to_timedelta(hours)
    _require_aware(start, "start")
    if not remaining:
        return start.astimezone(UTC)
    for span_start, span_end in counted_spans(start=start, coverage=coverage, paused=paused):
        length = span_end - span_start
        if length >= remaining:
            return span_start + remaining
        remaining -= length
    raise AssertionError("unreachable: the spans never end")  # pragma: no cover


def coverage_elapsed(
    *, start: datetime, end: datetime, coverage: Coverage, paused: Iterable[Span] = ()
) -> timedelta:
    """Counted time between ``start`` and ``end``: inside coverage and outside pauses."""
    _require_aware(end, "end")
    total = timedelta(0)
    if end <= start:
        return total
    for span_start, span_end in counted_spans(start=start, coverage=coverage, paused=paused):
        if span_start >= end:
            break
        total += min(span_end, end) - span_start
    return total
