"""Hours used against a client's plan, per period.

A period is a calendar month in the engagement's coverage time zone. Time comes from "minutes
sources" registered by other apps (the tasks app registers its time entries): each source
returns the raw billable durations, in minutes, per client, for entries in ``[start, end)``.
With no source registered, usage is zero.

Rules: each entry is rounded up to the engagement's rounding rule (raw durations are kept by
the source); hours are consumed from the period's included hours first, then from the hours
rolled over from the previous period; rollover is the previous period's unused included
hours, capped at ``rollover_max_hours``, and it expires after one period.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F
from django.utils import timezone

from clients.models import Client, Engagement, EngagementStatus
from secretary.prepared import AmongIds, prepared

MinutesSource = Callable[..., Mapping[int, Iterable[int] | Mapping[int, int]]]
_SOURCES: list[MinutesSource] = []

HOURS = Decimal("0.01")
# What working out an engagement's usage reads of it.
USAGE_FIELDS = (
    "practice",
    "client",
    "replaces",
    "start_date",
    "rounding_minutes",
    "included_hours",
    "rollover_max_hours",
    "coverage_time_zone",
)
PERCENT = Decimal("0.1")


def register_minutes_source(fn: MinutesSource) -> MinutesSource:
    """Register ``fn(*, practice, client_ids, start, end) -> {client_id: [minutes, …]}``; a
    source may count equal durations instead: ``{client_id: {minutes: how many, …}}``.

    Usable as a decorator. Registering the same function twice has no effect.
    """
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def unregister_minutes_source(fn: MinutesSource) -> None:
    if fn in _SOURCES:
        _SOURCES.remove(fn)


@dataclass(frozen=True)
class Usage:
    """Hours used in one period of an engagement (all hours are Decimal, 2 places)."""

    engagement_id: int
    client_id: int
    period_start: datetime
    period_end: datetime
    used_hours: Decimal
    included_hours: Decimal
    rollover_hours: Decimal
    from_included: Decimal
    from_rollover: Decimal
    overage_hours: Decimal
    percent: Decimal
    entry_count: int = 0

    @property
    def period_start_date(self) -> date:
        """The first day of the period, in the coverage time zone."""
        return self.period_start.date()

    @property
    def period_last_date(self) -> date:
        """The last day of the period (``period_end`` is the exclusive midnight after it)."""
        return (self.period_end - timedelta(days=1)).date()

    @property
    def available_hours(self) -> Decimal:
        return self.included_hours + self.rollover_hours

    @property
    def remaining_hours(self) -> Decimal:
        return max(self.available_hours - self.used_hours, Decimal("0.00"))

    @property
    def included_percent(self) -> Decimal:
        """Share of the included hours consumed, capped at 100 (for bars)."""
        return min(self.percent, Decimal("100.0"))

    @property
    def rollover_percent(self) -> Decimal:
        if not self.rollover_hours:
            return Decimal("0.0")
        return (self.from_rollover * 100 / self.rollover_hours).quantize(PERCENT, ROUND_HALF_UP)


def billable_minutes(minutes: int, rounding_minutes: int) -> int:
    """One entry's minutes rounded up to the rounding rule (0 = no rounding)."""
    minutes = max(int(minutes), 0)
    if not rounding_minutes or minutes == 0:
        return minutes
    return -(-minutes // rounding_minutes) * rounding_minutes


def period_bounds(*, time_zone: str, at: datetime) -> tuple[datetime, datetime]:
    """The calendar month containing ``at``, as aware datetimes in ``time_zone``."""
    tz = zoneinfo.ZoneInfo(time_zone)
    local = at.astimezone(tz)
    start = datetime(local.year, local.month, 1, tzinfo=tz)
    if local.month == 12:
        end = datetime(local.year + 1, 1, 1, tzinfo=tz)
    else:
        end = datetime(local.year, local.month + 1, 1, tzinfo=tz)
    return start, end


def previous_period_bounds(*, time_zone: str, period_start: datetime) -> tuple[datetime, datetime]:
    tz = zoneinfo.ZoneInfo(time_zone)
    if period_start.month == 1:
        start = datetime(period_start.year - 1, 12, 1, tzinfo=tz)
    else:
        start = datetime(period_start.year, period_start.month - 1, 1, tzinfo=tz)
    return start, period_start


def _minutes(
    *, practice, client_ids: list[int], start: datetime, end: datetime
) -> dict[int, Counter[int]]:
    """Per client, how many entries of each duration (a month of a busy client is thousands
    of entries of a few hundred distinct durations)."""
    merged: dict[int, Counter[int]] = defaultdict(Counter)
    if not client_ids:
        return merged
    for source in list(_SOURCES):
        for client_id, entries in (
            source(practice=practice, client_ids=list(client_ids), start=start, end=end) or {}
        ).items():
            counts = merged[int(client_id)]
            if isinstance(entries, Mapping):
                for minutes, count in entries.items():
                    counts[int(minutes)] += int(count)
            else:
                counts.update(int(m) for m in entries)
    return merged


def _used(entries: Counter[int], rounding: int) -> Decimal:
    return Decimal(sum(billable_minutes(m, rounding) * n for m, n in entries.items()))


def _hours(minutes: Decimal) -> Decimal:
    return (Decimal(minutes) / 60).quantize(HOURS, ROUND_HALF_UP)


def _has_previous_period(engagement: Engagement, period_start: datetime) -> bool:
    # A revised engagement continues the relationship of the version it replaces.
    return engagement.replaces_id is not None or engagement.start_date < period_start.date()


def _compute(
    engagement: Engagement,
    *,
    period: tuple[datetime, datetime],
    entries: Counter[int],
    previous_entries: Counter[int] | None,
) -> Usage:
    rounding = engagement.rounding_minutes
    used = _used(entries, rounding)
    included = engagement.included_hours * 60
    rollover = Decimal(0)
    if previous_entries is not None and engagement.rollover_max_hours > 0:
        previous_used = _used(previous_entries, rounding)
        rollover = min(
            max(included - previous_used, Decimal(0)), engagement.rollover_max_hours * 60
        )
    from_included = min(used, included)
    from_rollover = min(used - from_included, rollover)
    overage = used - from_included - from_rollover
    percent = (
        (used * 100 / included).quantize(PERCENT, ROUND_HALF_UP) if included else Decimal("0.0")
    )
    return Usage(
        engagement_id=engagement.pk,
        client_id=engagement.client_id,
        period_start=period[0],
        period_end=period[1],
        used_hours=_hours(used),
        included_hours=_hours(included),
        rollover_hours=_hours(rollover),
        from_included=_hours(from_included),
        from_rollover=_hours(from_rollover),
        overage_hours=_hours(overage),
        percent=percent,
        entry_count=sum(entries.values()),
    )


def usage_for_engagements(
    *, practice, engagements: Iterable[Engagement], at: datetime | None = None
) -> dict[int, Usage]:
    """Usage per engagement id. Sources are asked once per distinct period, not per row."""
    at = at or timezone.now()
    engagements = list(engagements)
    groups: dict[tuple[datetime, datetime], list[Engagement]] = defaultdict(list)
    for engagement in engagements:
        groups[period_bounds(time_zone=engagement.coverage_time_zone, at=at)].append(engagement)
    result: dict[int, Usage] = {}
    for period, members in groups.items():
        ids = [e.client_id for e in members]
        current = _minutes(practice=practice, client_ids=ids, start=period[0], end=period[1])
        need_previous = [
            e for e in members if e.rollover_max_hours > 0 and _has_previous_period(e, period[0])
        ]
        previous: dict[int, list[int]] = {}
        if need_previous:
            prev_start, prev_end = previous_period_bounds(
                time_zone=need_previous[0].coverage_time_zone, period_start=period[0]
            )
            previous = _minutes(
                practice=practice,
                client_ids=[e.client_id for e in need_previous],
                start=prev_start,
                end=prev_end,
            )
        for engagement in members:
            wants_previous = engagement in need_previous
            result[engagement.pk] = _compute(
                engagement,
                period=period,
                entries=current.get(engagement.client_id, Counter()),
                previous_entries=(
                    previous.get(engagement.client_id, Counter()) if wants_previous else None
                ),
            )
    return result


def period_usage(*, engagement: Engagement, at: datetime | None = None) -> Usage:
    """Usage of ``engagement`` in the period containing ``at`` (default: now)."""
    return usage_for_engagements(practice=engagement.practice, engagements=[engagement], at=at)[
        engagement.pk
    ]


@prepared()
def _active_engagements(*, practice: int, client_ids: list[int]):
    """The active engagements of ``client_ids``, with what usage reads of them."""
    return (
        Engagement.objects.for_practice(practice)
        .filter(AmongIds(F("client_id"), client_ids), status=EngagementStatus.ACTIVE)
        .only(*USAGE_FIELDS)
    )


def usage_for_clients(
    *, practice, clients: Iterable[Client | int], at: datetime | None = None
) -> dict[int, Usage | None]:
    """Usage of each client's active engagement (None without one), in a fixed number of
    queries: one for the engagements, then one per distinct period for each minutes source."""
    client_ids = [c if isinstance(c, int) else c.pk for c in clients]
    practice_id = practice if isinstance(practice, int) else practice.pk
    engagements = _active_engagements(practice=practice_id, client_ids=client_ids)
    by_engagement = usage_for_engagements(practice=practice, engagements=engagements, at=at)
    by_client: dict[int, Usage | None] = dict.fromkeys(client_ids)
    for engagement in engagements:
        by_client[engagement.client_id] = by_engagement[engagement.pk]
    return by_client
