"""What each audience sees of a calendar event: one list of fields for client contacts (the
portal page, the API, their ICS feeds) and one for staff."""

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from tasks import events
from tasks.serializers import EventSerializer
from tests.tasks.factories import CalendarEventFactory

pytestmark = pytest.mark.django_db

NOTES = "Internal: chase the unpaid March invoice before the call"
ATTENDEE = "vera.private@partner.test"


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def board_call(world, desk):
    return CalendarEventFactory(
        practice=world.practice,
        client=desk.client,
        secretary=world.secretary,
        title="Board call",
        location="Level 3 at 12 Pitt St",
        dial_in="+61 2 5550 1234",
        attendees=[{"name": "Vera Private", "email": ATTENDEE}],
        notes=NOTES,
    )


def ics_text(body: bytes) -> str:
    """The ICS with its folded lines joined (RFC 5545 folds long lines)."""
    return body.decode().replace("\r\n ", "")


def test_it_shows_a_client_contact_the_same_fields_of_an_event_everywhere(
    world, desk, board_call, contact_client
):
    # Given an event of the contact's client with staff notes and another attendee
    # When the contact reads it in the portal, through the API, and in their calendar feeds
    page = contact_client.get(url(world, "portal_calendar")).content.decode()
    [from_api] = contact_client.get(url(world, "api_event_list")).json()["results"]
    detail = contact_client.get(url(world, "api_event_detail", event_id=board_call.pk)).json()
    api_feed = ics_text(contact_client.get(url(world, "api_calendar_ics")).content)
    _feed, token = events.feed_create(
        practice=world.practice, actor=world.client_contact, client=desk.client
    )
    private_feed = ics_text(Client().get(url(world, "calendar_feed", token=token)).content)

    # Then none of them shows the notes or the attendees, while all show when and where
    for shown in (page, str(from_api), str(detail), api_feed, private_feed):
        assert NOTES not in shown
        assert ATTENDEE not in shown
        assert "Board call" in shown
        assert "Level 3 at 12 Pitt St" in shown
        assert "+61 2 5550 1234" in shown
    # And the API gives exactly the client fields
    assert set(from_api) == set(detail) == set(events.EVENT_FIELDS_FOR_CLIENTS)


def test_it_shows_staff_every_field_of_an_event(world, desk, board_call, secretary_client):
    # When a secretary reads the event through the API and in their own feed
    [from_api] = secretary_client.get(url(world, "api_event_list")).json()["results"]
    feed = ics_text(secretary_client.get(url(world, "api_calendar_ics")).content)

    # Then they get every field, the notes and the attendees too
    assert set(from_api) == set(events.EVENT_FIELDS_FOR_STAFF) == set(EventSerializer.Meta.fields)
    assert from_api["notes"] == NOTES
    assert from_api["attendees"] == [{"name": "Vera Private", "email": ATTENDEE}]
    [vevent] = icalendar.Calendar.from_ical(feed).walk("VEVENT")
    assert NOTES in str(vevent["description"])
    assert ATTENDEE in feed


def test_it_keeps_hidden_fields_off_what_the_portal_renders(board_call):
    # When the portal asks for the event as a client contact may see it
    shown = events.event_shown(board_call, for_client=True)

    # Then the hidden fields are simply not there
    assert not hasattr(shown, "notes") and not hasattr(shown, "attendees")
    assert (shown.title, shown.location) == ("Board call", "Level 3 at 12 Pitt St")
