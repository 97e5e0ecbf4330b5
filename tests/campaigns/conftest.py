"""Fixtures of the campaign tests: Northwind (a client whose contact is the world's), its
mailing list, its newsletter."""

from __future__ import annotations

import pytest

from clients.mailing.campaigns.models import SendingSettings
from clients.selectors import contact_for_membership
from tests.clients.factories import ClientFactory, ContactFactory
from tests.clients.mailing_factories import AudienceFactory, newsletter_for, subscribers_bulk


@pytest.fixture
def northwind(world):
    contact = contact_for_membership(membership=world.client_contact)
    if contact is not None:
        return contact.client
    client = ClientFactory(
        practice=world.practice, name="Northwind Legal", time_zone="Australia/Sydney"
    )
    ContactFactory(
        practice=world.practice, client=client, membership=world.client_contact, name="Amelia Hart"
    )
    return client


@pytest.fixture
def audience(northwind):
    found = AudienceFactory(practice=northwind.practice, client=northwind, name="Customers")
    subscribers_bulk(found, 12)
    return found


@pytest.fixture
def newsletter(world, northwind):
    return newsletter_for(northwind, user=world.secretary.user)


@pytest.fixture
def fast_sending(world):
    """Sending settings that never pause between batches."""
    return SendingSettings.objects.create(
        practice=world.practice, rate_per_minute=100_000, batch_size=5
    )
