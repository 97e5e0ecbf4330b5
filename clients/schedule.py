"""Coverage windows as people write and read them, and the weekly grid in any time zone.

Text form, one rule per line (or separated by ";"): ``Mon-Fri 09:00-17:00``,
``Sat 10:00-14:00``, ``Mon,Wed 18:00-24:00``. ``24:00`` (or ``00:00`` as an end) is midnight.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.coverage import Coverage, Window, window_problems

DAY_ABBR = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_LABELS = [
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
]
DASH = "\u2013"
_DASHES = re.compile(r"\s*(?:-|\u2013|\u2014|\bto\b)\s*")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")


def _day(token: str) -> int:
    token = token.strip().lower()[:3]
    if token not in DAY_ABBR:
        raise ValueError(token)
    return DAY_ABBR.index(token)


def _days(spec: str) -> list[int]:
    days: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        bounds = _DASHES.split(part)
        if len(bounds) == 1:
            days.append(_day(bounds[0]))
        elif len(bounds) == 2:
            first, last = _day(bounds[0]), _day(bounds[1])
            if last < first:
                raise ValueError(part)
            days.extend(range(first, last + 1))
        else:
            raise ValueError(part)
    return days


def _time(token: str, *, is_end: bool) -> time:
    match = _TIME.match(token.strip())
    if not match:
        raise ValueError(token)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if is_end and hour == 24 and minute == 0:
        return time(0, 0)
    if hour > 23 or minute > 59:
        raise ValueError(token)
    return time(hour, minute)


def parse_windows(text: str) -> list[Window]:
    """Windows from their text form; ValidationError naming each bad line or problem."""
    windows: list[Window] = []
    errors: list[str] = []
    rules = [r.strip() for r in re.split(r"[\n;]+", text or "") if r.strip()]
    for rule in rules:
        match = re.match(r"^(?P<days>[A-Za-z ,\-\u2013\u2014]+?)\s+(?P<span>\d.*)$", rule)
        try:
            if not match:
                raise ValueError(rule)
            days = _days(match.group("days"))
            span = _DASHES.split(match.group("span").strip())
            if len(span) != 2:
                raise ValueError(rule)
            start, end = _time(span[0], is_end=False), _time(span[1], is_end=True)
        except ValueError:
            errors.append(
                _("“%(rule)s” is not a coverage rule; write it like “Mon-Fri 09:00-17:00”.")
                % {"rule": rule}
            )
            continue
        windows.extend(Window(day, start, end) for day in days)
    if errors:
        raise ValidationError(errors)
    problems = list(dict.fromkeys(window_problems(windows)))
    if problems:
        raise ValidationError(problems)
    return sorted(windows)


def format_windows(windows) -> str:
    """The text form, grouping consecutive days with the same hours (``Mon-Fri 09:00-17:00``)."""
    by_span: dict[tuple[time, time], list[int]] = {}
    for window in sorted(windows):
        by_span.setdefault((window.start, window.end), []).append(window.weekday)
    lines = []
    for (start, end), days in sorted(by_span.items(), key=lambda item: (item[1][0], item[0])):
        end_text = "24:00" if end == time(0, 0) else f"{end:%H:%M}"
        lines.append(f"{_day_ranges(days)} {start:%H:%M}-{end_text}")
    return "\n".join(lines)


def describe(coverage: Coverage) -> str:
    """One line for people: "Mon-Fri 09:00-17:00 (Australia/Sydney)", with en dashes, or "24/7 on-call"."""
    if coverage.always_on:
        return _("24/7 on-call")
    if not coverage.windows:
        return _("No coverage hours set")
    text = format_windows(coverage.windows).replace("-", DASH).replace("\n", "; ")
    return f"{text} ({coverage.time_zone})"


def _day_ranges(days: list[int]) -> str:
    groups: list[list[int]] = []
    for day in sorted(set(days)):
        if groups and day == groups[-1][-1] + 1:
            groups[-1].append(day)
        else:
            groups.append([day])
    parts = []
    for group in groups:
        first, last = DAY_ABBR[group[0]].title(), DAY_ABBR[group[-1]].title()
        parts.append(first if len(group) == 1 else f"{first}-{last}")
    return ",".join(parts)


# --- The weekly grid ------------------------------------------------------------------------


@dataclass
class GridDay:
    weekday: int
    label: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # minutes from local midnight

    @property
    def bars(self) -> list[dict]:
        return [
            {
                "left": round(s * 100 / 1440, 3),
                "width": round((e - s) * 100 / 1440, 3),
                "text": f"{_hhmm(s)}{DASH}{_hhmm(e)}",
            }
            for s, e in self.spans
        ]

    @property
    def text(self) -> str:
        return ", ".join(bar["text"] for bar in self.bars)


@dataclass
class Grid:
    time_zone: str
    week_of: date
    days: list[GridDay]
    always_on: bool = False
    role: str = ""

    @property
    def hours(self) -> range:
        return range(0, 24, 3)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def week_grid(
    coverage: Coverage, time_zone: str, *, week_of: date | None = None, role: str = ""
) -> Grid:
    """The coverage of the week containing ``week_of`` as seen in ``time_zone``.

    Windows are placed on real dates of that week in the coverage time zone, so daylight-saving
    differences between the two zones show as they are that week.
    """
    source = zoneinfo.ZoneInfo(coverage.time_zone)
    target = zoneinfo.ZoneInfo(time_zone)
    week_of = week_of or datetime.now(source).date()
    monday = week_of - timedelta(days=week_of.weekday())
    spans: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
    if coverage.always_on:
        spans = {d: [(0, 1440)] for d in range(7)}
    for window in coverage.windows:
        day = monday + timedelta(days=window.weekday)
        start = datetime.combine(day, window.start, tzinfo=source)
        end_day = day + timedelta(days=1) if window.ends_at_midnight else day
        end = datetime.combine(end_day, window.end, tzinfo=source)
        cursor, stop = start.astimezone(target), end.astimezone(target)
        while cursor < stop:
            next_midnight = datetime.combine(
                cursor.date() + timedelta(days=1), time(0), tzinfo=target
            )
            segment_end = min(stop, next_midnight)
            begin = cursor.hour * 60 + cursor.minute
            finish = (
                1440
                if segment_end == next_midnight
                else (segment_end.hour * 60 + segment_end.minute)
            )
            if finish > begin:
                spans[cursor.weekday()].append((begin, finish))
            cursor = segment_end
    days = [GridDay(d, str(DAY_LABELS[d]), _merge(spans[d])) for d in range(7)]
    return Grid(
        time_zone=time_zone, week_of=monday, days=days, always_on=coverage.always_on, role=role
    )


def grids_for(
    coverage: Coverage, zones: list[tuple[str, str]], *, week_of: date | None = None
) -> list[Grid]:
    """One grid per distinct time zone; ``zones`` is [(role label, zone name)], coverage zone
    first. Zones equal to one already shown are merged into its label."""
    grids: list[Grid] = []
    for role, zone in zones:
        if not zone:
            continue
        same = next((g for g in grids if g.time_zone == zone), None)
        if same is not None:
            same.role = f"{same.role} · {role}"
            continue
        grids.append(week_grid(coverage, zone, week_of=week_of, role=role))
    return grids
