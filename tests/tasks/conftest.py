from dataclasses import dataclass

import pytest

from tests.tasks.factories import ClientFactory, ContactFactory, EngagementFactory


@dataclass
class Desk:
    """Practice A's client "Northwind Legal" (Los Angeles) with Sydney business-hours cover,
    the world's client contact as its portal login, and the world's secretary on the team."""

    client: object
    contact: object
    engagement: object


@pytest.fixture
def desk(world) -> Desk:
    client = ClientFactory(
        practice=world.practice,
        name="Northwind Legal",
        time_zone="America/Los_Angeles",
        primary_secretary=world.secretary,
    )
    contact = ContactFactory(
        practice=world.practice,
        client=client,
        membership=world.client_contact,
        email="contact@client.test",
    )
    engagement = EngagementFactory(practice=world.practice, client=client)
    return Desk(client=client, contact=contact, engagement=engagement)
