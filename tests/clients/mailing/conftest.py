"""Fixtures of the mailing lists: Northwind's customer list with three custom fields."""

from datetime import UTC, datetime

import pytest

from clients.mailing.services import Consent, audience_create
from tests.clients.conftest import northwind  # noqa: F401  (the client the lists belong to)

CONSENT = Consent(source="signup form", at=datetime(2025, 3, 1, tzinfo=UTC))


@pytest.fixture
def audience(world, northwind):  # noqa: F811
    return audience_create(
        practice=world.practice,
        client=northwind,
        actor=world.secretary,
        data={
            "name": "Customers",
            "fields": [
                {"key": "city", "label": "City", "type": "text"},
                {"key": "orders", "label": "Orders", "type": "number"},
                {"key": "since", "label": "Customer since", "type": "date"},
                {"key": "tier", "label": "Tier", "type": "choice", "choices": ["Gold", "Silver"]},
            ],
        },
    )
