"""Routing by the roster: late responses reach whoever is on duty and the backup; handover
notes reach the next member on duty first; the roster follows a new engagement version."""

from datetime import UTC, date, datetime, time

import pytest
from django.core import mail
from django.urls import reverse

from clients.services import engagement_accept, engagement_propose, engagement_revise
from secretary.tenancy import practice_scope
from tasks import services as task_services
from tasks.roster.models import Handover, Rotation, RotationMember, Shift
from tests.conftest import client_for
from tests.tasks.factories import ClientFactory, ContactFactory, EngagementFactory, TaskFactory
from tests.tasks.roster.test_gap_cache import settle

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_call(world):
    """A 24/7 client whose weekly rotation runs admin, then owner (the backup)."""
    client = ClientFactory(
        practice=world.practice,
        name="Nightjar",
        status="active",
        primary_secretary=world.secretary,
    )
    engagement = EngagementFactory(practice=world.practice, client=client, on_call=True)
    rotation = Rotation.objects.create(
        practice=world.practice,
        engagement=engagement,
        handover_weekday=0,
        handover_time=time(9),
        length_days=7,
        starts_on=date(2026, 1, 5),
    )
    # One member only: on duty at any hour, so the test needs no clock.
    RotationMember.objects.create(
        practice=world.practice, rotation=rotation, membership=world.admin, position=0
    )
    return engagement


def test_a_late_response_also_reaches_the_member_on_duty(
    world, on_call, django_capture_on_commit_callbacks
):
    TaskFactory(
        practice=world.practice,
        client=on_call.client,
        assignee=world.secretary,
        source="portal",
        sla_due_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        with practice_scope(world.practice):
            task_services.sla_breaches_mark(practice=world.practice)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([world.secretary.user.email, world.admin.user.email])


def test_the_backup_of_an_on_call_turn_hears_of_it_too(
    world, on_call, django_capture_on_commit_callbacks
):
    rotation = Rotation.objects.for_practice(world.practice).get()
    RotationMember.objects.create(
        practice=world.practice, rotation=rotation, membership=world.owner, position=1
    )
    TaskFactory(
        practice=world.practice,
        client=on_call.client,
        assignee=world.secretary,
        source="portal",
        sla_due_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        with practice_scope(world.practice):
            task_services.sla_breaches_mark(practice=world.practice)
    recipients = {address for message in mail.outbox for address in message.to}
    # The secretary (assignee) and both people of the rotation: the one on duty and the backup.
    assert recipients == {
        world.secretary.user.email,
        world.admin.user.email,
        world.owner.user.email,
    }


def test_a_handover_note_comes_first_on_the_next_members_dashboard(world, on_call):
    # Given the secretary leaves a note for the on-call client
    secretary = client_for(world.secretary.user)
    response = secretary.post(
        reverse("roster_handover_leave", args=[world.practice.slug]),
        {"handover-client": on_call.client.pk, "handover-note": "The bank calls back at 10."},
    )
    assert response.status_code == 302
    # Then the admin (on duty for that client) sees it before anything else on the dashboard
    admin = client_for(world.admin.user)
    html = admin.get(reverse("dashboard", args=[world.practice.slug])).content.decode()
    assert "The bank calls back at 10." in html
    assert html.index('id="handovers"') < html.index('class="kpis"')
    assert "On duty now" in html and "Nightjar" in html
    # And once read, it is gone
    note = Handover.objects.for_practice(world.practice).get()
    admin.post(reverse("roster_handover_read", args=[world.practice.slug, note.pk]))
    html = admin.get(reverse("dashboard", args=[world.practice.slug])).content.decode()
    assert "The bank calls back at 10." not in html


def test_the_dashboard_keeps_the_members_duties_until_the_roster_changes(world, on_call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settle()  # the test's own transaction never commits the roster written by the fixture
    admin = client_for(world.admin.user)
    dashboard = reverse("dashboard", args=[world.practice.slug])
    # Given the admin's dashboard was seen once (on duty for the on-call client)
    assert "Nightjar" in admin.get(dashboard).content.decode()
    # When it is seen again, the duties come from the cache
    with CaptureQueriesContext(connection) as again:
        html = admin.get(dashboard).content.decode()
    assert "On duty now" in html and "Nightjar" in html
    assert not any("tasks_rotation" in q["sql"] for q in again.captured_queries)
    # And once the admin leaves the rotation, the next look says so
    RotationMember.objects.for_practice(world.practice).filter(membership=world.admin).delete()
    settle()
    assert "You are not on duty now." in admin.get(dashboard).content.decode()


def test_an_empty_handover_note_is_refused(world, on_call):
    secretary = client_for(world.secretary.user)
    secretary.post(
        reverse("roster_handover_leave", args=[world.practice.slug]),
        {"handover-client": on_call.client.pk, "handover-note": "   "},
    )
    assert not Handover.objects.for_practice(world.practice).exists()


def test_the_roster_follows_an_accepted_new_version(world):
    client = ClientFactory(practice=world.practice, name="Northwind", status="active")
    ContactFactory(practice=world.practice, client=client, membership=world.client_contact)
    engagement = EngagementFactory(practice=world.practice, client=client)
    Shift.objects.create(
        practice=world.practice,
        engagement=engagement,
        membership=world.secretary,
        weekday=0,
        start=time(9),
        end=time(17),
    )
    with practice_scope(world.practice):
        draft = engagement_revise(practice=world.practice, actor=world.owner, engagement=engagement)
        engagement_propose(practice=world.practice, actor=world.owner, engagement=draft)
        engagement_accept(
            practice=world.practice, engagement=draft, membership=world.client_contact
        )
    assert Shift.objects.for_practice(world.practice).get().engagement_id == draft.pk
