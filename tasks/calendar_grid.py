"""The calendar's week and month grids: the days of a range in the viewer's time zone, each
with the events that touch it (an event over midnight shows on both days)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

VIEWS = ("list", "week", "month")
# A month cell lists this many events, then "+ N more" (the week of that day shows them all).
MONTH_CELL_EVENTS = 3


@dataclass
class Day:
    day: date
    in_month: bool = True
    is_today: bool = False
    events: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, len(self.events) - MONTH_CELL_EVENTS)

    @property
    def first_events(self) -> list:
        return self.events[:MONTH_CELL_EVENTS]


@dataclass
class Grid:
    view: str  # "week" or "month"
    anchor: date  # the day the range was asked for
    first: date  # first day shown
    last: date  # last day shown
    weeks: list[list[Day]]
    previous: date
    next: date
    zone: ZoneInfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=self.zone)

    @property
    def days(self) -> list[Day]:
        return [day for week in self.weeks for day in week]

    @property
    def weekdays(self) -> list[date]:
        return [day.day for day in self.weeks[0]]

    def place(self, events) -> None:
        """Put each event on every day of the grid it touches, in start order."""
        by_day = {day.day: day for day in self.days}
        for event in events:
            start = event.starts_at.astimezone(self.zone)
            # An event ending at midnight does not touch the next day.
            end = event.ends_at.astimezone(self.zone) - timedelta(microseconds=1)
            current = max(start.date(), self.first)
            while current <= min(end.date(), self.last):
                if current in by_day:
                    by_day[current].events.append(event)
                current += timedelta(days=1)


def parse_anchor(value: str | None, today: date) -> date:
    """The day a grid is built around: ``YYYY-MM-DD`` from the address, else today (a day out
    of the years the app stores is today too)."""
    try:
        anchor = date.fromisoformat(value or "")
    except ValueError:
        return today
    return anchor if 1900 <= anchor.year <= 2999 else today


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_grid(anchor: date, *, today: date, zone: ZoneInfo) -> Grid:
    first = _monday(anchor)
    days = [Day(first + timedelta(days=n)) for n in range(7)]
    for day in days:
        day.is_today = day.day == today
    return Grid(
        view="week",
        anchor=anchor,
        first=first,
        last=first + timedelta(days=6),
        weeks=[days],
        previous=first - timedelta(days=7),
        next=first + timedelta(days=7),
        zone=zone,
    )


def month_grid(anchor: date, *, today: date, zone: ZoneInfo) -> Grid:
    month_start = anchor.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    first = _monday(month_start)
    last = _monday(next_month - timedelta(days=1)) + timedelta(days=6)
    weeks, current = [], first
    while current <= last:
        week = []
        for _ in range(7):
            week.append(
                Day(current, in_month=current.month == anchor.month, is_today=current == today)
            )
            current += timedelta(days=1)
        weeks.append(week)
    previous = (month_start - timedelta(days=1)).replace(day=1)
    return Grid(
        view="month",
        anchor=anchor,
        first=first,
        last=last,
        weeks=weeks,
        previous=previous,
        next=next_month,
        zone=zone,
    )
