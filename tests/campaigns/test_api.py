"""The campaigns API: list, create, read, change; test, approval, schedule, send, cancel;
deliveries a page at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clients.mailing.campaigns.models import Campaign, CampaignStatus
from tests.campaigns.helpers import approved_campaign
from tests.clients.mailing_factories import SegmentFactory, campaign_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/practices/harbour-desk/mailing/campaigns/"


def test_it_checks_ownership(world, audience, newsletter, outsider_client, contact_client):
    campaign = campaign_for(audience, composition=newsletter)
    assert outsider_client.get(f"{BASE}{campaign.pk}/").status_code == 404
    assert contact_client.get(f"{BASE}{campaign.pk}/").status_code == 404
    assert contact_client.get(BASE).status_code == 404


def test_it_creates_and_reads_a_campaign(world, audience, newsletter, secretary_client):
    response = secretary_client.post(
        BASE,
        {"composition": newsletter.pk, "audience": audience.pk, "subject": "Hello"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["recipients"] == 12
    assert body["client"] == audience.client_id and body["subject"] == "Hello"
    assert body["stats"]["opened"] is None
    listed = secretary_client.get(BASE).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_it_refuses_an_empty_segment(world, audience, newsletter, secretary_client):
    segment = SegmentFactory(audience=audience, rules={"tags_any": ["nobody"]})

    response = secretary_client.post(
        BASE,
        {"composition": newsletter.pk, "audience": audience.pk, "segment": segment.pk},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "segment" in response.json()["errors"]
    assert not Campaign.objects.for_practice(world.practice).exists()


def test_it_refuses_another_practices_list(world, newsletter, secretary_client):
    from tests.clients.mailing_factories import AudienceFactory

    foreign = AudienceFactory(practice=world.other_practice, client__practice=world.other_practice)

    response = secretary_client.post(
        BASE,
        {"composition": newsletter.pk, "audience": foreign.pk},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "audience" in response.json()["errors"]


def test_the_flow_through_the_api(
    world, audience, newsletter, secretary_client, django_capture_on_commit_callbacks
):
    created = secretary_client.post(
        BASE,
        {"composition": newsletter.pk, "audience": audience.pk},
        content_type="application/json",
    ).json()
    base = f"{BASE}{created['id']}/"
    # Scheduling before approval is refused
    when = (timezone.now() + timedelta(days=1)).isoformat()
    refused = secretary_client.post(
        f"{base}schedule/", {"scheduled_at": when}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "has not approved" in refused.json()["message"]
    assert secretary_client.post(f"{base}send/").status_code == 400
    # Approval is requested (the contacts are told), then a change is made
    asked = secretary_client.post(f"{base}request-approval/").json()
    assert asked["status"] == "awaiting_approval" and asked["version"] == 1
    changed = secretary_client.patch(
        base, {"name": "Spring issue"}, content_type="application/json"
    )
    assert changed.json()["name"] == "Spring issue"
    assert changed.json()["status"] == "awaiting_approval"
    # A test goes to the staff member
    with django_capture_on_commit_callbacks(execute=True):
        tested = secretary_client.post(f"{base}test-send/")
    assert tested.json() == {"sent_to": "secretary@harbour.test"}
    assert any(m.subject.startswith("[Test]") for m in mail.outbox)
    # And the campaign is cancelled
    assert secretary_client.post(f"{base}cancel/").json()["status"] == "cancelled"


def test_it_schedules_a_local_time_in_the_clients_zone(
    world, audience, newsletter, secretary_client
):
    campaign = approved_campaign(world, audience, newsletter)
    day = (timezone.now() + timedelta(days=5)).date()

    response = secretary_client.post(
        f"{BASE}{campaign.pk}/schedule/",
        {"scheduled_at": f"{day.isoformat()}T09:30:00"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED
    sydney = campaign.scheduled_at.astimezone(__import__("zoneinfo").ZoneInfo("Australia/Sydney"))
    assert (sydney.date(), sydney.hour, sydney.minute) == (day, 9, 30)


def test_it_lists_deliveries_a_page_at_a_time(
    world, audience, newsletter, fast_sending, secretary_client, django_capture_on_commit_callbacks
):
    campaign = approved_campaign(world, audience, newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(f"{BASE}{campaign.pk}/send/")
    assert response.status_code == 200

    page = secretary_client.get(f"{BASE}{campaign.pk}/deliveries/?page_size=5").json()

    assert page["count"] == 12 and len(page["results"]) == 5
    assert {row["status"] for row in page["results"]} == {"sent"}
    detail = secretary_client.get(f"{BASE}{campaign.pk}/").json()
    assert detail["status"] == "sent" and detail["stats"]["sent"] == 12
