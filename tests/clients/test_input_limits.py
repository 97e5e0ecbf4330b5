"""The clients API holds dates to 1900..2200 and free text to its limit, with field errors."""

import json

import pytest
from django.urls import reverse

from clients.models import Engagement
from secretary.limits import TEXT_NOTES
from tests.clients.factories import ClientFactory

pytestmark = pytest.mark.django_db


def api(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_date", "0001-01-01"),
        ("end_date", "9999-12-31"),
        ("scope_notes", "x" * (TEXT_NOTES + 1)),
    ],
)
def test_it_refuses_an_engagement_with_an_absurd_date_or_note(
    world, secretary_client, field, value
):
    # Given a client
    client = ClientFactory(practice=world.practice, currency="AUD")
    # When an engagement is created with a date out of the years, or notes over the limit
    response = post(
        secretary_client,
        api("api_engagement_list", world),
        {"client": client.pk, "monthly_fee": "100.00", "currency": "AUD", field: value},
    )
    # Then it is a field error and nothing is saved
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Engagement.objects.for_practice(world.practice).exists()


def test_it_refuses_client_notes_over_the_limit(world, secretary_client):
    # When a client is created with 12 MB of notes... or just one character too many
    response = post(
        secretary_client,
        api("api_client_list", world),
        {"name": "Northwind", "time_zone": "UTC", "notes": "x" * (TEXT_NOTES + 1)},
    )
    # Then it is a field error
    assert response.status_code == 400, response.content
    assert "notes" in response.json()["errors"]
