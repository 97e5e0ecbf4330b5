"""A travel itinerary's fields, built from a task's calendar events.

Each item is shown in its own event's time zone with the zone's abbreviation (a flight leaves
Sydney at 10:30 AEDT and the meeting in Tokyo starts at 09:00 JST), grouped by the local day
it starts on. Confirmation numbers are read from the event's notes ("Confirmation: QF8X2L",
"Booking ref ABC123").
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _

CONFIRMATION_RE = re.compile(
    r"(?:confirmation|booking|reservation|record locator|ref(?:erence)?|PNR)"
    r"(?:\s*(?:no\.?|number|code|#))?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{3,19})",
    re.IGNORECASE,
)
FLIGHT_RE = re.compile(r"\b(flight|fly|[A-Z]{2}\s?\d{1,4})\b")
HOTEL_RE = re.compile(r"\b(hotel|check[- ]?in|check[- ]?out|stay|accommodation)\b", re.IGNORECASE)


def _kind(event) -> str:
    if event.kind == "call":
        return "dial_in"
    if event.kind == "meeting":
        return "meeting"
    if event.kind == "travel":
        if HOTEL_RE.search(event.title):
            return "hotel"
        if FLIGHT_RE.search(event.title):
            return "flight"
        return "transport"
    return "other"


def _clock(moment, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{formats.time_format(local, 'H:i')} {local.tzname()}"


def _confirmation(notes: str) -> str:
    found = CONFIRMATION_RE.search(notes or "")
    return found.group(1).upper() if found else ""


def _travellers(events) -> list[str]:
    names: list[str] = []
    for event in events:
        for attendee in event.attendees or []:
            name = attendee.get("name") if isinstance(attendee, dict) else str(attendee)
            if name and name not in names:
                names.append(str(name)[:120])
    return names


def itinerary_fields(*, practice, task) -> dict[str, Any]:
    """The ``fields`` of a travel itinerary from ``task``'s events (cancelled ones left out)."""
    from tasks.models import CalendarEvent

    events = list(
        CalendarEvent.objects.for_practice(practice)
        .filter(task=task, cancelled=False)
        .order_by("starts_at", "id")
    )
    days: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
    for event in events:
        zone = ZoneInfo(event.time_zone or "UTC")
        local_start = event.starts_at.astimezone(zone)
        key = (local_start.date(), event.time_zone)
        day = days.setdefault(
            key,
            {
                "label": formats.date_format(local_start.date(), "l j F Y"),
                "zone": event.time_zone,
                "items": [],
            },
        )
        day["items"].append(
            {
                "kind": _kind(event),
                "time": _clock(event.starts_at, zone),
                "end": _clock(event.ends_at, zone) if event.ends_at else "",
                "title": event.title,
                "location": event.location,
                "confirmation": _confirmation(event.notes),
                "details": event.notes,
                "dial_in": " · ".join(part for part in (event.dial_in, event.video_link) if part),
            }
        )
    return {
        "trip": task.title,
        "travellers": _travellers(events),
        # In the order the days begin (events are read by their start): a clock read in two
        # zones does not sort.
        "days": list(days.values()),
        "emergency": _("In an emergency call your secretary; outside their hours, the practice."),
    }
