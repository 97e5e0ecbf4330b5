"""The ICS feed writer (RFC 5545) over plain values, built on the ``icalendar`` package.

Each event keeps its own time zone (``DTSTART;TZID=…`` with the matching ``VTIMEZONE``), so a
calendar app shows it at the right moment wherever the subscriber is; the description repeats
the time in the other zones that matter (the client's, the secretary's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PRODUCT_ID = "-//Secretary//Calendar feed//EN"


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    title: str
    start: datetime  # aware
    end: datetime  # aware
    time_zone: str  # the zone the event was planned in
    updated: datetime
    location: str = ""
    link: str = ""  # dial-in or video link
    notes: str = ""
    attendees: tuple[tuple[str, str], ...] = ()  # (name, email)
    also_in: tuple[str, ...] = ()  # other zones to spell the time in
    cancelled: bool = False
    extra_lines: tuple[str, ...] = field(default_factory=tuple)


def _spelled(start: datetime, end: datetime, zone: str) -> str:
    tz = ZoneInfo(zone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    same_day = local_start.date() == local_end.date()
    end_format = "%H:%M %Z" if same_day else "%a %d %b %Y %H:%M %Z"
    return f"{zone}: {local_start:%a %d %b %Y %H:%M} - {local_end.strftime(end_format)}"


def feed_ics(*, name: str, events: Iterable[FeedEvent]) -> bytes:
    # Imported here: only the feed needs it, and it is slow to import (it loads its time zone
    # tables) for every process that loads the tasks API.
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in events:
        zone = ZoneInfo(item.time_zone)
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.updated.astimezone(UTC))
        event.add("last-modified", item.updated.astimezone(UTC))
        event.add("summary", item.title)
        event.add("dtstart", item.start.astimezone(zone))
        event.add("dtend", item.end.astimezone(zone))
        if item.location:
            event.add("location", item.location)
        if item.link:
            event.add("url", item.link)
        zones = [item.time_zone, *[z for z in dict.fromkeys(item.also_in) if z != item.time_zone]]
        lines = [_spelled(item.start, item.end, z) for z in zones]
        if item.link:
            lines.append(item.link)
        lines.extend(item.extra_lines)
        if item.notes:
            lines += ["", item.notes]
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        for attendee_name, email in item.attendees:
            parameters = {"ROLE": "REQ-PARTICIPANT"}
            if attendee_name:
                parameters["CN"] = attendee_name
            event.add("attendee", f"mailto:{email}", parameters=parameters)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
