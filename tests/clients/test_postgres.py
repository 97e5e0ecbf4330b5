"""Database guarantees on PostgreSQL (the ``postgres`` marker: run where DATABASE_URL points
at Postgres; skipped on SQLite, a failure under CI without it)."""

import pytest
from django.db import IntegrityError, connection, transaction

from clients.models import Engagement, EngagementStatus
from clients.services import engagement_accept
from secretary.errors import ApplicationError
from tests.clients.factories import ClientFactory, EngagementFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_database_allows_one_active_engagement_per_client(world):
    client = ClientFactory(practice=world.practice)
    EngagementFactory(client=client, status=EngagementStatus.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementFactory(client=client, status=EngagementStatus.ACTIVE)
    # The rule is a partial unique index that starts with the practice.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["engagement_one_active_per_client"],
        )
        (definition,) = cursor.fetchone()
    assert "(practice_id, client_id)" in definition and "WHERE" in definition


def test_accepting_two_proposals_leaves_one_active(world, northwind):
    # Given two unrelated proposals for one client
    first = EngagementFactory(client=northwind, status=EngagementStatus.PROPOSED, version=1)
    second = EngagementFactory(client=northwind, status=EngagementStatus.PROPOSED, version=2)
    engagement_accept(practice=world.practice, engagement=first, membership=world.client_contact)
    # When the second is accepted too; then it is refused with a clear message
    with pytest.raises(ApplicationError, match="only one"):
        engagement_accept(
            practice=world.practice, engagement=second, membership=world.client_contact
        )
    assert (
        Engagement.objects.for_practice(world.practice)
        .filter(client=northwind, status="active")
        .count()
        == 1
    )
