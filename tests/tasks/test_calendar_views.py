"""Calendar pages, recurring rules, time edits and preferences in HTML."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from secretary import services
from secretary.models import ActivityEvent, hash_secret
from tasks import events
from tasks.models import CalendarEvent, CalendarFeed, RecurringTask
from tests.conftest import client_for
from tests.secretary.conftest import reauthenticate
from tests.tasks.factories import CalendarEventFactory, TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def test_it_checks_ownership(world, desk, secretary_client, contact_client, outsider_client):
    event = CalendarEventFactory(practice=world.practice, client=desk.client)
    assert outsider_client.get(url(world, "event_edit", event_id=event.pk)).status_code == 404
    assert contact_client.get(url(world, "event_list")).status_code == 404
    assert secretary_client.get(url(world, "event_edit", event_id=event.pk)).status_code == 200
    assert secretary_client.get(url(world, "portal_calendar")).status_code == 404


def test_it_creates_an_event_in_its_own_time_zone(world, desk, secretary_client):
    response = secretary_client.post(
        url(world, "event_new"),
        {
            "client": desk.client.pk,
            "kind": "call",
            "title": "Board call",
            "starts_at": "2030-03-18T09:00",
            "ends_at": "2030-03-18T10:00",
            "time_zone": "Australia/Sydney",
            "video_link": "https://meet.example.com/x",
            "attendees_text": "Ann Lee <ann@example.com>\nbob@example.com",
            "secretary": world.secretary.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = CalendarEvent.objects.for_practice(world.practice).get()
    assert event.starts_at == datetime(2030, 3, 18, 9, 0, tzinfo=ZoneInfo("Australia/Sydney"))
    assert event.attendees == [
        {"name": "Ann Lee", "email": "ann@example.com"},
        {"name": "", "email": "bob@example.com"},
    ]
    page = secretary_client.get(url(world, "event_list"), {"scope": "all"}).content.decode()
    assert "Board call" in page and "America/Los_Angeles" in page


def test_it_reads_event_times_in_the_events_zone_not_the_viewers(world, desk):
    # Given a secretary in Sydney, where 02:30 on Sunday 6 October 2030 does not exist
    world.secretary.user.time_zone = "Australia/Sydney"
    world.secretary.user.save()
    browser = client_for(world.secretary.user)
    event = {"client": desk.client.pk, "kind": "call", "title": "Early call"}
    # When they plan a call at that wall-clock time in UTC, where it exists
    response = browser.post(
        url(world, "event_new"),
        {
            **event,
            "starts_at": "2030-10-06T02:30",
            "ends_at": "2030-10-06T03:00",
            "time_zone": "UTC",
        },
    )
    # Then it is saved at that time in UTC
    assert response.status_code == 302, response.context["form"].errors
    saved = CalendarEvent.objects.for_practice(world.practice).get()
    assert saved.starts_at == datetime(2030, 10, 6, 2, 30, tzinfo=UTC)
    # But a time the event's own zone skips (New York springs forward on 10 March 2030) is
    # refused with the reason, and nothing is saved
    response = browser.post(
        url(world, "event_new"),
        {
            **event,
            "starts_at": "2030-03-10T02:30",
            "ends_at": "2030-03-10T04:00",
            "time_zone": "America/New_York",
        },
    )
    assert response.status_code == 200
    assert "the clocks skip it" in response.context["form"].errors["starts_at"][0]
    assert CalendarEvent.objects.for_practice(world.practice).count() == 1


def test_it_rejects_an_event_ending_before_it_starts_and_bad_attendees(
    world, desk, secretary_client
):
    response = secretary_client.post(
        url(world, "event_new"),
        {
            "client": desk.client.pk,
            "kind": "call",
            "title": "Call",
            "starts_at": "2030-03-18T09:00",
            "ends_at": "2030-03-18T08:00",
            "time_zone": "UTC",
            "attendees_text": "not an email",
        },
    )
    assert response.status_code == 200
    assert not CalendarEvent.objects.for_practice(world.practice).exists()
    assert response.context["form"].errors


def test_it_gives_a_secretary_and_a_client_revocable_feed_links(
    world, desk, secretary_client, contact_client, client
):
    CalendarEventFactory(
        practice=world.practice, client=desk.client, secretary=world.secretary, title="Flight QF25"
    )
    page = secretary_client.post(url(world, "event_list"), {"action": "create"})
    feed_url = page.context["feed_url"]
    assert feed_url and feed_url in page.content.decode()
    calendar = icalendar.Calendar.from_ical(client.get(feed_url).content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Flight QF25"]
    secretary_client.post(url(world, "event_list"), {"action": "revoke"})
    assert client.get(feed_url).status_code == 404
    portal = contact_client.post(url(world, "portal_calendar"), {"action": "create"})
    assert client.get(portal.context["feed_url"]).status_code == 200
    # Only the hash of the secret is stored
    token = portal.context["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.for_practice(world.practice).get(revoked_at__isnull=True)
    assert feed.client_id == desk.client.pk and feed.token_hash == hash_secret(token) != token


def test_it_saves_a_recurring_rule_and_explains_bad_ones(world, desk, secretary_client):
    response = secretary_client.post(
        url(world, "recurring_new"),
        {
            "client": desk.client.pk,
            "title": "Weekly newsletter",
            "frequency": "weekly",
            "interval": 1,
            "weekday": 3,
            "start_date": "2030-01-01",
            "due_time": "17:00",
            "lead_days": 2,
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule = RecurringTask.objects.for_practice(world.practice).get()
    assert rule.weekday == 3 and rule.month_day is None
    bad = secretary_client.post(
        url(world, "recurring_new"),
        {
            "client": desk.client.pk,
            "title": "Books",
            "frequency": "monthly",
            "interval": 1,
            "month_day": 40,
            "start_date": "2030-01-01",
            "due_time": "17:00",
            "lead_days": 2,
        },
    )
    assert bad.status_code == 200 and "between 1 and 31" in bad.content.decode()
    assert "Every week" in secretary_client.get(url(world, "recurring_list")).content.decode()


def test_it_edits_time_of_the_current_period_only(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    entry = TimeEntryFactory(
        practice=world.practice, task=task, client=desk.client, membership=world.secretary
    )
    today = timezone.now().astimezone(ZoneInfo("Australia/Sydney")).date()
    response = secretary_client.post(
        url(world, "time_edit", entry_id=entry.pk), {"day": today, "minutes": 90, "billable": "on"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.minutes == 90
    old = TimeEntryFactory(
        practice=world.practice,
        task=task,
        client=desk.client,
        membership=world.secretary,
        started_at=timezone.now() - timedelta(days=100),  # before last month: closed
    )
    page = secretary_client.get(url(world, "time_edit", entry_id=old.pk))
    assert page.context["closed"]
    response = secretary_client.post(
        url(world, "time_edit", entry_id=old.pk), {"day": today, "minutes": 5}
    )
    assert "closed period" in response.content.decode()
    old.refresh_from_db()
    assert old.minutes == 60


def test_it_stops_a_members_feed_when_they_are_no_longer_staff(world, desk, client):
    # Given the secretary's private feed, working
    _feed, token = events.feed_create(
        practice=world.practice, actor=world.secretary, membership=world.secretary
    )
    feed_url = url(world, "calendar_feed", token=token)
    assert client.get(feed_url).status_code == 200
    # When their role becomes a client contact's
    world.secretary.role = "client"
    world.secretary.save()
    # Then the feed of staff work is gone
    assert client.get(feed_url).status_code == 404


def test_it_stops_a_removed_contacts_calendar_link(
    world, desk, contact_client, owner_client, client
):
    # Given the contact made a private calendar link for Northwind in the portal
    CalendarEventFactory(practice=world.practice, client=desk.client, title="Board call")
    portal = contact_client.post(url(world, "portal_calendar"), {"action": "create"})
    feed_url = portal.context["feed_url"]
    assert client.get(feed_url).status_code == 200
    # When the owner removes the contact from the practice on the members page
    reauthenticate(owner_client)
    removed = owner_client.post(url(world, "member_remove", membership_id=world.client_contact.pk))
    assert removed.status_code == 302
    # Then the portal and the calendar link both answer 404, and the link is revoked
    assert contact_client.get(url(world, "portal_calendar")).status_code == 404
    assert client.get(feed_url).status_code == 404
    assert not CalendarFeed.objects.for_practice(world.practice).filter(revoked_at=None).exists()


def test_it_stops_a_link_whose_maker_no_longer_speaks_for_the_client(world, desk, client):
    # Given a link the contact made, then the contact unlinked from Northwind by other means
    # (nothing revoked the link when it happened)
    _feed, token = events.feed_create(
        practice=world.practice, actor=world.client_contact, client=desk.client
    )
    feed_url = url(world, "calendar_feed", token=token)
    assert client.get(feed_url).status_code == 200
    desk.contact.membership = None
    desk.contact.save(update_fields=["membership"])
    # When the link is used, then it is not found
    assert client.get(feed_url).status_code == 404


def test_it_stops_a_client_link_made_by_a_secretary_who_left(world, desk, secretary_client, client):
    # Given a secretary made Northwind's calendar link on the staff calendar page
    page = secretary_client.post(
        url(world, "event_list"), {"action": "create", "client": desk.client.pk}
    )
    feed_url = page.context["feed_url"]
    assert client.get(feed_url).status_code == 200
    # When the secretary leaves the practice
    services.membership_remove(
        practice=world.practice, actor=world.owner, membership=world.secretary
    )
    # Then the link they hold no longer opens the client's calendar
    assert client.get(feed_url).status_code == 404
    revoked = ActivityEvent.objects.for_practice(world.practice).filter(verb="feed.revoked")
    assert revoked.get().data["reason"] == "member_removed"


def test_it_keeps_a_client_link_made_by_a_member_still_there(world, desk, client):
    # Given links made by the contact and by the owner
    _feed, by_contact = events.feed_create(
        practice=world.practice, actor=world.client_contact, client=desk.client
    )
    # When someone else (the secretary) leaves
    services.membership_remove(
        practice=world.practice, actor=world.owner, membership=world.secretary
    )
    # Then the contact's link still works
    assert client.get(url(world, "calendar_feed", token=by_contact)).status_code == 200
