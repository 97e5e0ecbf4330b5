"""The portal shows a client who covers them this week: first names, hours in the contact's
zone, nothing of other clients."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Contact
from tests.tasks.factories import ClientFactory, ContactFactory, EngagementFactory
from tests.tasks.roster.test_gap_cache import settle, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_staff(world):
    """The secretary is Riley Chen, the admin Morgan Secretworth."""
    for membership, name in ((world.secretary, "Riley Chen"), (world.admin, "Morgan Secretworth")):
        membership.user.full_name = name
        membership.user.save()


def test_the_contact_sees_who_covers_them_in_their_own_zone(world, named_staff, contact_client):
    mine = ClientFactory(practice=world.practice, name="Northwind", status="active")
    ContactFactory(
        practice=world.practice,
        client=mine,
        membership=world.client_contact,
        time_zone="America/Los_Angeles",
    )
    other = ClientFactory(practice=world.practice, name="Other Client", status="active")
    for client, member in ((mine, world.secretary), (other, world.admin)):
        engagement = EngagementFactory(practice=world.practice, client=client)  # Sydney 9-17
        for weekday in range(7):
            shift(world, engagement, weekday, member)
    page = contact_client.get(reverse("portal_home", args=[world.practice.slug]))
    html = page.content.decode()
    section = html.split('id="who-covers"')[1].split("</section>")[0]
    assert "Riley" in section and "Chen" not in section
    assert "Morgan" not in html and "Secretworth" not in html
    assert "America/Los_Angeles" in section
    # Sydney 09:00-17:00 is the afternoon or evening before in Los Angeles, never 09:00.
    assert "09:00" not in section
    assert Contact.objects.for_practice(world.practice).count() == 1


def test_the_cover_is_kept_until_the_roster_changes(world, named_staff, contact_client):
    mine = ClientFactory(practice=world.practice, name="Northwind", status="active")
    ContactFactory(practice=world.practice, client=mine, membership=world.client_contact)
    engagement = EngagementFactory(practice=world.practice, client=mine)

    for weekday in range(7):
        shift(world, engagement, weekday, world.secretary)
    home = reverse("portal_home", args=[world.practice.slug])

    def cover() -> str:
        html = contact_client.get(home).content.decode()
        return html.split('id="who-covers"')[1].split("</section>")[0]

    settle()  # the test's own transaction never commits the roster written above
    # Given the cover was read once
    assert "Riley" in cover()
    with CaptureQueriesContext(connection) as first:
        cover()
    # When nothing changed, a second look reads the roster from the cache
    assert not any("tasks_shift" in q["sql"] for q in first.captured_queries)
    # And once another member takes a shift, the contact sees them at once
    shift(world, engagement, 0, world.admin)
    settle()
    assert "Morgan" in cover()
