"""How roster times read: day names, HH:MM, and real spans laid out on the days of a week in
the viewer's zone (for the week grid)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from tasks.roster.gaps import Span

DAY_NAMES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


def hhmm(value: time, *, end: bool = False) -> str:
    """``09:30``; an end at 00:00 reads ``24:00`` (midnight at the end of the day)."""
    if end and value == time(0):
        return "24:00"
    return f"{value:%H:%M}"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, zone: str) -> tuple[datetime, datetime]:
    """The real span of the week from ``monday`` on the wall clock of ``zone``."""
    tz = ZoneInfo(zone)
    start = datetime.combine(monday, time(0), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class Block:
    """A piece of a span on one local day: minutes from that day's midnight."""

    day: date
    start_minute: int
    end_minute: int
    start: datetime
    end: datetime

    @property
    def left(self) -> float:
        return round(self.start_minute * 100 / 1440, 3)

    @property
    def width(self) -> float:
        return round((self.end_minute - self.start_minute) * 100 / 1440, 3)

    @property
    def text(self) -> str:
        return f"{_clock(self.start_minute)}–{_clock(self.end_minute)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_blocks(span: Span, zone: str) -> list[Block]:
    """``span`` cut at each local midnight of ``zone``."""
    tz = ZoneInfo(zone)
    cursor, stop = span[0].astimezone(tz), span[1].astimezone(tz)
    blocks: list[Block] = []
    while cursor < stop:
        midnight = datetime.combine(cursor.date() + timedelta(days=1), time(0), tzinfo=tz)
        piece_end = min(stop, midnight)
        begin = cursor.hour * 60 + cursor.minute
        finish = 1440 if piece_end == midnight else piece_end.hour * 60 + piece_end.minute
        if finish > begin:
            blocks.append(Block(cursor.date(), begin, finish, cursor, piece_end))
        cursor = piece_end
    return blocks
