"""The campaign pages: staff (list, new, page, actions, deliveries, settings) and the client's
approval in the portal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clients.mailing.campaigns import services
from clients.mailing.campaigns.models import Campaign, CampaignStatus, SendingSettings
from tests.campaigns.helpers import approved_campaign
from tests.clients.mailing_factories import SegmentFactory, campaign_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def awaiting(world, audience, newsletter):
    campaign = services.campaign_create(
        practice=world.practice,
        client=audience.client,
        audience=audience,
        composition=newsletter,
    )
    return services.campaign_request_approval(practice=world.practice, campaign=campaign)


def test_it_checks_ownership(world, awaiting, outsider_client, contact_client, secretary_client):
    detail = url(world, "campaign_detail", campaign_id=awaiting.pk)
    settings_page = url(world, "sending_settings")
    portal = url(world, "portal_campaign", campaign_id=awaiting.pk)
    # An outsider gets 404 everywhere; a contact 404 on staff pages; staff 404 in the portal
    assert outsider_client.get(detail).status_code == 404
    assert outsider_client.get(portal).status_code == 404
    assert contact_client.get(detail).status_code == 404
    assert secretary_client.get(portal).status_code == 404
    # The sending settings are for admins: a secretary gets 403
    assert secretary_client.get(settings_page).status_code == 403
    assert client_for(world.admin.user).get(settings_page).status_code == 200


def test_it_creates_a_campaign_from_a_newsletter(world, audience, newsletter, secretary_client):
    page = secretary_client.get(url(world, "campaign_new"))
    assert page.status_code == 200
    token = page.context["form"]["idempotency_token"].value()

    response = secretary_client.post(
        url(world, "campaign_new"),
        {
            "composition": newsletter.pk,
            "audience": audience.pk,
            "segment": "",
            "name": "",
            "idempotency_token": token,
        },
    )
    campaign = Campaign.objects.for_practice(world.practice).get()
    assert response.status_code == 302
    assert response["Location"] == url(world, "campaign_detail", campaign_id=campaign.pk)
    detail = secretary_client.get(response["Location"]).content.decode()
    assert "12 subscribed people" in detail and "Spring news" in detail


def test_it_shows_why_an_empty_segment_is_refused(world, audience, newsletter, secretary_client):
    segment = SegmentFactory(audience=audience, name="Nobody", rules={"tags_any": ["none"]})
    token = (
        secretary_client.get(url(world, "campaign_new"))
        .context["form"]["idempotency_token"]
        .value()
    )

    response = secretary_client.post(
        url(world, "campaign_new"),
        {
            "composition": newsletter.pk,
            "audience": audience.pk,
            "segment": segment.pk,
            "idempotency_token": token,
        },
    )

    assert response.status_code == 400
    assert "“Nobody” has no subscribed people" in response.content.decode()
    assert not Campaign.objects.for_practice(world.practice).exists()


def test_sending_before_approval_is_refused_by_the_page(world, awaiting, secretary_client):
    response = secretary_client.post(
        url(world, "campaign_send_now", campaign_id=awaiting.pk), follow=True
    )

    assert "has not approved this campaign" in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == CampaignStatus.AWAITING_APPROVAL
    assert mail.outbox == []


def test_the_client_approves_in_the_portal(world, awaiting, contact_client):
    page = contact_client.get(url(world, "portal_campaign", campaign_id=awaiting.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "12 subscribed people" in body and "Spring news" in body and "srcdoc=" in body
    assert "Approve for sending" in body

    response = contact_client.post(
        url(world, "portal_campaign", campaign_id=awaiting.pk), {"decision": "approve"}
    )

    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == CampaignStatus.APPROVED
    assert awaiting.decided_by == world.client_contact.user


def test_the_client_declines_with_a_reason(world, awaiting, contact_client):
    portal = url(world, "portal_campaign", campaign_id=awaiting.pk)
    refused = contact_client.post(portal, {"decision": "decline", "reason": ""})
    assert refused.status_code == 400
    assert "Say why" in refused.content.decode()

    contact_client.post(portal, {"decision": "decline", "reason": "Wrong date in the intro"})

    awaiting.refresh_from_db()
    assert awaiting.status == CampaignStatus.DRAFT
    assert awaiting.decline_reason == "Wrong date in the intro"
    staff_page = client_for(world.secretary.user).get(
        url(world, "campaign_detail", campaign_id=awaiting.pk)
    )
    assert "Wrong date in the intro" in staff_page.content.decode()


def test_a_draft_is_not_shown_to_the_client(world, audience, newsletter, contact_client):
    draft = campaign_for(audience, composition=newsletter)

    assert contact_client.get(url(world, "portal_campaign", campaign_id=draft.pk)).status_code == (
        404
    )
    listing = contact_client.get(url(world, "portal_campaigns")).content.decode()
    assert draft.name not in listing


def test_it_schedules_in_the_clients_time_zone(world, audience, newsletter, secretary_client):
    # Given an approved campaign of a client in Sydney
    campaign = approved_campaign(world, audience, newsletter)
    local = (timezone.now() + timedelta(days=3)).astimezone(
        __import__("zoneinfo").ZoneInfo("Australia/Sydney")
    )
    # When it is scheduled for a local time
    response = secretary_client.post(
        url(world, "campaign_schedule", campaign_id=campaign.pk),
        {"scheduled_at": local.strftime("%Y-%m-%dT%H:%M")},
    )
    # Then that time in Sydney is stored, and shown with its abbreviation
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED
    assert campaign.scheduled_at == local.replace(second=0, microsecond=0)
    page = secretary_client.get(response["Location"]).content.decode()
    assert local.strftime("%H:%M") in page
    assert ("AEDT" in page) or ("AEST" in page)


def test_the_campaign_list_runs_a_constant_number_of_queries(
    world, audience, newsletter, secretary_client, django_assert_max_num_queries
):
    campaign_for(audience, composition=newsletter)
    secretary_client.get(url(world, "campaign_list"))
    with django_assert_max_num_queries(12) as few:
        secretary_client.get(url(world, "campaign_list"))
    for _number in range(6):
        campaign_for(audience, composition=newsletter, status=CampaignStatus.SENT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_client.get(url(world, "campaign_list"))
    assert response.status_code == 200


def test_admins_change_the_sending_settings(world, admin_client_):
    response = admin_client_.post(
        url(world, "sending_settings"),
        {
            "rate_per_minute": 120,
            "batch_size": 50,
            "parallel_senders": 2,
            "from_name": "Harbour Desk",
            "from_email": "mail@harbour.test",
            "track_opens": "on",
        },
    )

    assert response.status_code == 302
    saved = SendingSettings.objects.for_practice(world.practice).get()
    assert (saved.rate_per_minute, saved.batch_size, saved.track_opens, saved.track_clicks) == (
        120,
        50,
        True,
        False,
    )
    refused = admin_client_.post(url(world, "sending_settings"), {"rate_per_minute": 0})
    assert refused.status_code == 400
