"""The demo seeds a busy week across clients and zones, once."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from tasks import demo
from tasks.models import CalendarEvent, Task, TimeEntry
from tests.tasks.factories import ClientFactory, ContactFactory, EngagementFactory

pytestmark = pytest.mark.django_db


def test_it_seeds_a_busy_week_idempotently(world):
    northwind = ClientFactory(
        practice=world.practice,
        name="Northwind Legal",
        time_zone="America/Los_Angeles",
        primary_secretary=world.secretary,
        status="active",
    )
    ContactFactory(practice=world.practice, client=northwind, membership=world.client_contact)
    EngagementFactory(practice=world.practice, client=northwind)
    ClientFactory(
        practice=world.practice, name="Bondi Bakery", time_zone="Australia/Sydney", status="active"
    )
    ClientFactory(
        practice=world.practice,
        name="Harper & Vine",
        time_zone="Pacific/Auckland",
        status="onboarding",
        primary_secretary=world.secretary,
    )
    # A regulated client nobody has an agreement for yet gets no work assigned
    ClientFactory(practice=world.practice, name="Clinic", status="onboarding", is_regulated=True)
    ClientFactory(practice=world.other_practice, name="Elsewhere Ltd", time_zone="Europe/London")
    context = SimpleNamespace(
        practice=world.practice,
        owner=world.owner,
        secretary=world.secretary,
        client_contact=world.client_contact,
        other_practice=world.other_practice,
        other_owner=world.outsider,
    )
    demo.seed(context)
    counts = (
        Task.objects.for_practice(world.practice).count(),
        TimeEntry.objects.for_practice(world.practice).count(),
        CalendarEvent.objects.for_practice(world.practice).count(),
    )
    demo.seed(context)
    assert counts == (
        Task.objects.for_practice(world.practice).count(),
        TimeEntry.objects.for_practice(world.practice).count(),
        CalendarEvent.objects.for_practice(world.practice).count(),
    )
    assert counts[0] >= 15 and counts[1] > 10 and counts[2] == 9
    served = set(
        Task.objects.for_practice(world.practice).values_list("client__time_zone", flat=True)
    )
    assert served == {"America/Los_Angeles", "Australia/Sydney", "Pacific/Auckland"}
    assert not Task.objects.for_practice(world.practice).filter(client__name="Clinic").exists()
    # One request's response is already late, marked as the beat job would
    late = Task.objects.for_practice(world.practice).get(sla_breached_at__isnull=False)
    assert late.status == "requested" and late.responded_at is None
    assert late.sla_due_at < late.created_at + timedelta(days=4)
    zones = set(
        CalendarEvent.objects.for_practice(world.practice).values_list("time_zone", flat=True)
    )
    assert {"Australia/Sydney", "Europe/London", "America/Los_Angeles"} <= zones
    assert (
        Task.objects.for_practice(world.practice)
        .filter(source="portal", sla_due_at__isnull=False)
        .exists()
    )
    assert Task.objects.for_practice(world.other_practice).exists()
