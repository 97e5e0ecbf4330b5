"""A travel itinerary built from a task's calendar events, in each event's own time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from documents import compose
from documents.itinerary import itinerary_fields
from documents.models import DocumentKind
from tasks.models import CalendarEvent, EventKind
from tests.clients.factories import ClientFactory
from tests.tasks.factories import TaskFactory

SYDNEY = ZoneInfo("Australia/Sydney")
TOKYO = ZoneInfo("Asia/Tokyo")


def event(world, task, **fields):
    return CalendarEvent.objects.create(
        practice=world.practice, client=task.client, task=task, **fields
    )


def test_the_itinerary_shows_each_leg_in_its_own_zone(world):
    client = ClientFactory(practice=world.practice, name="Northwind Legal")
    task = TaskFactory(practice=world.practice, client=client, title="Tokyo roadshow")
    event(
        world,
        task,
        kind=EventKind.TRAVEL,
        title="Flight QF25 Sydney to Tokyo",
        starts_at=datetime(2026, 12, 7, 10, 30, tzinfo=SYDNEY),
        ends_at=datetime(2026, 12, 7, 19, 30, tzinfo=TOKYO),
        time_zone="Australia/Sydney",
        location="Sydney Airport T1",
        notes="Confirmation: qf8x2l. Seat 4A.",
        attendees=[{"name": "Ana Reyes", "email": "ana@northwind.test"}],
    )
    event(
        world,
        task,
        kind=EventKind.TRAVEL,
        title="Hotel check-in, Park Hyatt",
        starts_at=datetime(2026, 12, 7, 21, 0, tzinfo=TOKYO),
        ends_at=datetime(2026, 12, 7, 21, 30, tzinfo=TOKYO),
        time_zone="Asia/Tokyo",
        notes="Booking ref HY77812",
    )
    event(
        world,
        task,
        kind=EventKind.CALL,
        title="Investor dial-in",
        starts_at=datetime(2026, 12, 8, 9, 0, tzinfo=TOKYO),
        ends_at=datetime(2026, 12, 8, 10, 0, tzinfo=TOKYO),
        time_zone="Asia/Tokyo",
        dial_in="+81 3 0000 0000, PIN 4411",
    )
    event(
        world,
        task,
        kind=EventKind.MEETING,
        title="Cancelled dinner",
        starts_at=datetime(2026, 12, 8, 19, 0, tzinfo=TOKYO),
        ends_at=datetime(2026, 12, 8, 21, 0, tzinfo=TOKYO),
        time_zone="Asia/Tokyo",
        cancelled=True,
    )

    fields = itinerary_fields(practice=world.practice, task=task)

    assert fields["trip"] == "Tokyo roadshow"
    assert fields["travellers"] == ["Ana Reyes"]
    assert [day["label"] for day in fields["days"]] == [
        "Monday 7 December 2026",
        "Monday 7 December 2026",
        "Tuesday 8 December 2026",
    ]
    flight, hotel, call = (day["items"][0] for day in fields["days"])
    assert (flight["kind"], flight["time"], flight["end"]) == ("flight", "10:30 AEDT", "21:30 AEDT")
    assert flight["confirmation"] == "QF8X2L"
    assert (hotel["kind"], hotel["time"], hotel["confirmation"]) == (
        "hotel",
        "21:00 JST",
        "HY77812",
    )
    assert (call["kind"], call["dial_in"]) == ("dial_in", "+81 3 0000 0000, PIN 4411")
    assert all("Cancelled" not in item["title"] for day in fields["days"] for item in day["items"])


def test_a_new_itinerary_for_a_task_starts_from_its_events(world):
    client = ClientFactory(practice=world.practice)
    task = TaskFactory(practice=world.practice, client=client, title="Board trip")
    event(
        world,
        task,
        kind=EventKind.TRAVEL,
        title="Train to Melbourne",
        starts_at=datetime(2026, 12, 9, 8, 0, tzinfo=SYDNEY),
        ends_at=datetime(2026, 12, 9, 19, 0, tzinfo=SYDNEY),
        time_zone="Australia/Sydney",
    )

    composition = compose.composition_create(
        practice=world.practice,
        client=client,
        kind=DocumentKind.TRAVEL_ITINERARY,
        title="Board trip itinerary",
        task=task,
    )

    fields = compose.version_latest(composition).content["fields"]
    assert fields["days"][0]["items"][0]["kind"] == "transport"
    assert fields["days"][0]["items"][0]["time"] == "08:00 AEDT"
