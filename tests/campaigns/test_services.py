"""The campaign's flow: draft, the client's approval, schedule or send, cancel; and the rules
that refuse what must not happen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clients.mailing.campaigns import services
from clients.mailing.campaigns.models import CampaignStatus
from clients.mailing.models import SubscriberStatus
from secretary.errors import ApplicationError
from tests.campaigns.helpers import approved_campaign
from tests.clients.factories import ClientFactory, ContactFactory
from tests.clients.mailing_factories import AudienceFactory, SegmentFactory, SubscriberFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def create(world, audience, newsletter, **kwargs):
    return services.campaign_create(
        practice=world.practice,
        client=newsletter.client,
        audience=audience,
        composition=newsletter,
        user=world.secretary.user,
        **kwargs,
    )


def test_it_creates_a_draft_named_after_the_newsletter(world, audience, newsletter):
    campaign = create(world, audience, newsletter)

    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.name == "The Spring Letter"
    assert campaign.version is None


def test_it_refuses_a_campaign_to_an_empty_segment(world, audience, newsletter):
    # Given a segment that selects nobody subscribed
    segment = SegmentFactory(
        practice=world.practice, audience=audience, name="Sydney", rules={"tags_any": ["sydney"]}
    )
    # When a campaign to it is created, then it is refused with a clear message on the field
    with pytest.raises(ApplicationError) as error:
        create(world, audience, newsletter, segment=segment)
    assert "segment" in error.value.errors
    assert "“Sydney” has no subscribed people" in error.value.message


def test_it_refuses_a_list_where_nobody_is_subscribed_any_more(world, northwind, newsletter):
    audience = AudienceFactory(practice=world.practice, client=northwind)
    SubscriberFactory(audience=audience, status=SubscriberStatus.UNSUBSCRIBED)

    with pytest.raises(ApplicationError) as error:
        create(world, audience, newsletter)
    assert "audience" in error.value.errors


def test_it_refuses_another_clients_list(world, audience, newsletter):
    other = AudienceFactory(practice=world.practice, client=ClientFactory(practice=world.practice))
    SubscriberFactory(audience=other)

    with pytest.raises(ApplicationError) as error:
        create(world, other, newsletter)
    assert "audience" in error.value.errors


def test_it_asks_the_contacts_who_may_approve(
    world, audience, newsletter, django_capture_on_commit_callbacks
):
    # Given a second contact who may not approve documents
    ContactFactory(
        practice=world.practice,
        client=audience.client,
        portal_documents=False,
        membership=MembershipFactory(
            practice=world.practice, role="client", user=UserFactory(email="no@client.test")
        ),
    )
    campaign = create(world, audience, newsletter)
    # When approval is requested
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_request_approval(
            practice=world.practice, campaign=campaign, user=world.secretary.user
        )
    campaign.refresh_from_db()
    # Then the latest version is the one to send, and only the contact who may approve is told
    assert campaign.status == CampaignStatus.AWAITING_APPROVAL
    assert campaign.version.number == 1
    assert [message.to for message in mail.outbox] == [["contact@client.test"]]
    assert f"/portal/harbour-desk/newsletters/{campaign.pk}/" in mail.outbox[0].body


def test_it_refuses_to_send_or_schedule_before_approval(world, audience, newsletter):
    campaign = create(world, audience, newsletter)
    services.campaign_request_approval(
        practice=world.practice, campaign=campaign, user=world.secretary.user
    )

    with pytest.raises(ApplicationError, match="has not approved"):
        services.campaign_send_now(practice=world.practice, campaign=campaign)
    with pytest.raises(ApplicationError, match="has not approved"):
        services.campaign_schedule(
            practice=world.practice, campaign=campaign, when=timezone.now() + timedelta(days=1)
        )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.AWAITING_APPROVAL


def test_only_a_contact_allowed_to_approve_documents_approves(world, audience, newsletter):
    campaign = create(world, audience, newsletter)
    services.campaign_request_approval(practice=world.practice, campaign=campaign)
    contact = audience.client.contacts.get(membership=world.client_contact)
    contact.portal_documents = False
    contact.save()

    with pytest.raises(ApplicationError, match="not allowed to approve"):
        services.campaign_approve(
            practice=world.practice, campaign=campaign, membership=world.client_contact
        )
    with pytest.raises(ApplicationError):
        services.campaign_approve(
            practice=world.practice, campaign=campaign, membership=world.owner
        )


def test_it_records_who_approved_and_when(world, audience, newsletter):
    campaign = approved_campaign(world, audience, newsletter)

    assert campaign.status == CampaignStatus.APPROVED
    assert campaign.decided_by == world.client_contact.user
    assert campaign.decided_by_name == "Amelia Hart"
    assert campaign.decided_at is not None


def test_a_decline_needs_a_reason_and_returns_the_campaign_to_draft(world, audience, newsletter):
    campaign = create(world, audience, newsletter)
    services.campaign_request_approval(practice=world.practice, campaign=campaign)

    with pytest.raises(ApplicationError) as error:
        services.campaign_decline(
            practice=world.practice, campaign=campaign, membership=world.client_contact, reason=" "
        )
    assert "reason" in error.value.errors
    campaign = services.campaign_decline(
        practice=world.practice,
        campaign=campaign,
        membership=world.client_contact,
        reason="Fix the opening hours",
    )
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.decline_reason == "Fix the opening hours"


def test_a_change_after_approval_needs_approval_again(world, audience, newsletter):
    campaign = approved_campaign(world, audience, newsletter)

    campaign = services.campaign_update(
        practice=world.practice, campaign=campaign, subject="A new subject"
    )
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.decided_at is None


def test_it_schedules_in_the_future_only(world, audience, newsletter):
    campaign = approved_campaign(world, audience, newsletter)

    with pytest.raises(ApplicationError) as error:
        services.campaign_schedule(
            practice=world.practice, campaign=campaign, when=timezone.now() - timedelta(hours=1)
        )
    assert "scheduled_at" in error.value.errors
    when = timezone.now() + timedelta(days=2)
    campaign = services.campaign_schedule(practice=world.practice, campaign=campaign, when=when)
    assert campaign.status == CampaignStatus.SCHEDULED and campaign.scheduled_at == when


def test_it_cancels_before_sending_only(world, audience, newsletter):
    campaign = approved_campaign(world, audience, newsletter)
    campaign = services.campaign_cancel(practice=world.practice, campaign=campaign)
    assert campaign.status == CampaignStatus.CANCELLED

    with pytest.raises(ApplicationError):
        services.campaign_cancel(practice=world.practice, campaign=campaign)
    with pytest.raises(ApplicationError):
        services.campaign_send_now(practice=world.practice, campaign=campaign)


def test_deleting_a_list_deletes_its_campaigns(world, audience, newsletter):
    from clients.mailing.campaigns.models import Campaign
    from clients.mailing.services import audience_delete

    approved_campaign(world, audience, newsletter)

    audience_delete(practice=world.practice, audience=audience)

    assert not Campaign.objects.for_practice(world.practice).exists()
