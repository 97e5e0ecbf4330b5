"""The ICS writer produces RFC 5545 calendars that keep each event's time zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from tasks.ics import FeedEvent, feed_ics

SYDNEY = ZoneInfo("Australia/Sydney")


def call() -> FeedEvent:
    return FeedEvent(
        uid="event-1@secretary",
        title="Board call; Q3, numbers",
        start=datetime(2025, 3, 17, 9, 0, tzinfo=SYDNEY),
        end=datetime(2025, 3, 17, 10, 0, tzinfo=SYDNEY),
        time_zone="Australia/Sydney",
        updated=datetime(2025, 3, 1, tzinfo=UTC),
        link="https://meet.example.com/abc",
        location="Video call",
        attendees=(("Ann Lee", "ann@example.com"), ("", "bob@example.com")),
        also_in=("America/New_York",),
        notes="Agenda attached. " * 10,
    )


def test_it_writes_an_event_in_its_own_zone_and_spells_the_other():
    # When a feed with one event is written
    body = feed_ics(name="Harbour Desk", events=[call()])
    # Then it parses back with the same instant, zone, escaping and attendees
    calendar = icalendar.Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2025, 3, 17, 9, 0, tzinfo=SYDNEY)
    assert event["dtstart"].params["TZID"] == "Australia/Sydney"
    assert str(event["summary"]) == "Board call; Q3, numbers"
    assert "America/New_York: Sun 16 Mar 2025 18:00" in str(event["description"])
    assert [str(a) for a in event.get("attendee")] == [
        "mailto:ann@example.com",
        "mailto:bob@example.com",
    ]
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Australia/Sydney"]
    # And every line is folded to at most 75 octets and ends in CRLF
    assert body.endswith(b"\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_it_writes_an_empty_calendar():
    calendar = icalendar.Calendar.from_ical(feed_ics(name="Empty", events=[]))
    assert calendar["x-wr-calname"] == "Empty"
    assert calendar.walk("VEVENT") == []
