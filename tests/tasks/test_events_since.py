"""Events from a moment on: every event that still runs then, however long before it started
(``events_for`` bounds its read by the practice's longest event)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks import selectors
from tests.tasks.factories import CalendarEventFactory, ClientFactory

pytestmark = pytest.mark.django_db


def _event(practice, client, title, starts_at, hours):
    return CalendarEventFactory(
        practice=practice,
        client=client,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
    )


def test_it_finds_every_event_that_still_runs_and_none_that_ended(world, desk):
    now = timezone.now().replace(microsecond=0)
    day = now - timedelta(hours=2)
    practice, client = world.practice, desk.client
    # Given a ten-day event that reaches into the day, one that ended the day before, and one of
    # the day; and in another practice an event twice as long that also runs that day
    _event(practice, client, "Trade fair", now - timedelta(days=9), 10 * 24)
    _event(practice, client, "Yesterday", now - timedelta(days=1, hours=4), 1)
    _event(practice, client, "Today", now, 1)
    _event(practice, client, "Ends as the day starts", day - timedelta(days=3), 3 * 24)
    theirs = ClientFactory(practice=world.other_practice)
    _event(world.other_practice, theirs, "Their retreat", now - timedelta(days=19), 20 * 24)

    # When the practice's events from the start of that day are read
    found = selectors.events_for(practice=practice, since=day, until=day + timedelta(days=1))

    # Then the long event is there (started long before), the ended one is not
    assert [event.title for event in found] == ["Trade fair", "Ends as the day starts", "Today"]
    assert list(selectors.events_for(practice=world.other_practice, since=day)) == [
        *selectors.events_for(practice=world.other_practice)
    ]


def test_a_practice_without_events_reads_none(world):
    with CaptureQueriesContext(connection) as queries:
        assert list(selectors.events_for(practice=world.practice, since=timezone.now())) == []
    assert len(queries) == 1
