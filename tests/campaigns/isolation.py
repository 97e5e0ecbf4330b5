"""Routes of campaigns for the isolation harness (objects of practice A)."""

from clients.mailing.campaigns.models import CampaignStatus
from clients.selectors import contact_for_membership
from tests.clients.factories import ClientFactory, ContactFactory
from tests.clients.mailing_factories import AudienceFactory, campaign_for, subscribers_bulk


def routes(world) -> dict[str, dict]:
    # The world's contact may already represent a client (another app's routes made one).
    contact = contact_for_membership(membership=world.client_contact)
    if contact is not None:
        client = contact.client
    else:
        client = ClientFactory(practice=world.practice, name=f"{world.practice.name} client")
        ContactFactory(practice=world.practice, client=client, membership=world.client_contact)
    audience = AudienceFactory(practice=world.practice, client=client)
    subscribers_bulk(audience, 2)
    campaign = campaign_for(audience, status=CampaignStatus.AWAITING_APPROVAL)
    c = {"campaign_id": campaign.pk}
    return {
        # Staff pages
        "campaign_list": {},
        "campaign_new": {},
        "campaign_detail": c,
        "campaign_edit": c,
        "campaign_test_send": c,
        "campaign_request_approval": c,
        "campaign_schedule": c,
        "campaign_send_now": c,
        "campaign_cancel": c,
        "campaign_deliveries": c,
        "sending_settings": {},
        # Portal
        "portal_campaigns": {},
        "portal_campaign": c,
        # API
        "api_campaign_list": {},
        "api_campaign": c,
        "api_campaign_test_send": c,
        "api_campaign_request_approval": c,
        "api_campaign_schedule": c,
        "api_campaign_send": c,
        "api_campaign_cancel": c,
        "api_campaign_deliveries": c,
    }
