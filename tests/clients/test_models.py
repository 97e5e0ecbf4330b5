"""Database guarantees of the clients app."""

from datetime import time

import pytest
from django.db import IntegrityError, transaction

from clients.models import CoverageWindow, EngagementStatus, ServiceCategory
from secretary.services import practice_create
from tests.clients.factories import ClientFactory, EngagementFactory
from tests.factories import UserFactory


def test_it_allows_only_one_active_engagement_per_client(world):
    client = ClientFactory(practice=world.practice)
    EngagementFactory(client=client, status=EngagementStatus.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementFactory(client=client, status=EngagementStatus.ACTIVE)


def test_it_allows_history_beside_the_active_engagement(world):
    client = ClientFactory(practice=world.practice)
    EngagementFactory(client=client, status=EngagementStatus.SUPERSEDED)
    EngagementFactory(client=client, status=EngagementStatus.ACTIVE)
    EngagementFactory(client=client, status=EngagementStatus.DRAFT)
    assert client.engagements.count() == 3


def test_it_refuses_an_inverted_window_in_the_database(world):
    engagement = EngagementFactory(client=ClientFactory(practice=world.practice))
    with pytest.raises(IntegrityError), transaction.atomic():
        CoverageWindow.objects.create(practice=world.practice, engagement=engagement,
                                      weekday=0, start=time(17), end=time(9))
    CoverageWindow.objects.create(practice=world.practice, engagement=engagement, weekday=0,
                                  start=time(22), end=time(0))


def test_it_seeds_categories_for_every_new_practice(db):
    practice = practice_create(name="New Desk", owner=UserFactory())
    slugs = set(ServiceCategory.objects.for_practice(practice).values_list("slug", flat=True))
    assert {"correspondence", "bookkeeping", "desktop-publishing", "legal-secretarial"} <= slugs
