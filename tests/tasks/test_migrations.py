"""Data migrations of the tasks app, run forwards over rows made before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from secretary import rls
from secretary.models import ActivityEvent
from tasks.models import CalendarFeed
from tests.conftest import build_world
from tests.tasks.factories import ClientFactory, ContactFactory

BEFORE = [("tasks", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_it_attributes_existing_calendar_links_and_revokes_those_nobody_vouches_for():
    # Given links made before their maker was recorded
    # Migrations run as the tables' owner, seeing every practice (``manage.py migrate`` too)
    owner = rls.owner_role()
    owner.__enter__()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        world = build_world()
        client = ClientFactory(practice=world.practice)
        ContactFactory(practice=world.practice, client=client, membership=world.client_contact)
        old_apps = executor.loader.project_state(BEFORE).apps
        OldFeed = old_apps.get_model("tasks", "CalendarFeed")

        def feed(hint, **owner):
            return OldFeed.objects.create(
                practice_id=world.practice.pk, token_hash=hint * 8, hint=hint, **owner
            ).pk

        by_contact = feed("aaaaaaaa", client_id=client.pk)
        ActivityEvent.objects.create(
            practice=world.practice,
            actor=world.client_contact.user,
            verb="feed.created",
            target_type="tasks.calendarfeed",
            target_id=str(by_contact),
        )
        unknown = feed("bbbbbbbb", client_id=client.pk)
        own = feed("cccccccc", membership_id=world.secretary.pk)
    finally:
        # When the migration runs
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        owner.__exit__(None, None, None)
    # Then the contact's link is theirs, the member's link its owner's, and the client link
    # nobody is known to have made no longer works
    feeds = {f.pk: f for f in CalendarFeed.objects.for_practice(world.practice)}
    assert feeds[by_contact].issued_by_id == world.client_contact.pk
    assert feeds[by_contact].revoked_at is None
    assert feeds[own].issued_by_id == world.secretary.pk and feeds[own].revoked_at is None
    assert feeds[unknown].issued_by_id is None and feeds[unknown].revoked_at is not None
