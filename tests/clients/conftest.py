"""Fixtures of the clients app: a US client covered in Australian business hours."""

from datetime import date, time
from decimal import Decimal

import pytest

from clients.models import ClientTeamMember, CoverageWindow, EngagementStatus
from tests.clients.factories import ClientFactory, ContactFactory, EngagementFactory


@pytest.fixture
def northwind(world):
    """Practice A's client "Northwind Legal" (Los Angeles, pays in AUD like the practice),
    served by the secretary, whose contact is the world's client-contact membership."""
    client = ClientFactory(
        practice=world.practice,
        name="Northwind Legal",
        time_zone="America/Los_Angeles",
        currency="AUD",
        primary_secretary=world.secretary,
    )
    ClientTeamMember.objects.create(
        practice=world.practice, client=client, membership=world.secretary
    )
    ContactFactory(
        client=client,
        name="Nora North",
        email="contact@client.test",
        membership=world.client_contact,
        is_primary=True,
        portal_requests=True,
        portal_documents=True,
        portal_billing=True,
    )
    return client


@pytest.fixture
def proposed(world, northwind):
    """A proposed engagement for Northwind: Mon-Fri 09:00-17:00 Australia/Sydney."""
    engagement = EngagementFactory(
        client=northwind,
        status=EngagementStatus.PROPOSED,
        version=2,
        monthly_fee=Decimal("2400.00"),
        coverage_time_zone="Australia/Sydney",
        start_date=date(2025, 1, 6),
    )
    for weekday in range(5):
        CoverageWindow.objects.create(
            practice=world.practice,
            engagement=engagement,
            weekday=weekday,
            start=time(9),
            end=time(17),
        )
    return engagement


@pytest.fixture
def active(world, northwind):
    engagement = EngagementFactory(
        client=northwind,
        status=EngagementStatus.ACTIVE,
        version=1,
        coverage_time_zone="Australia/Sydney",
        weekdays=range(5),
    )
    return engagement
