"""Steps of the campaign flow shared by the tests."""

from __future__ import annotations

import re

from clients.mailing.campaigns import services
from clients.mailing.campaigns.models import Campaign

UNSUBSCRIBE_LINK = re.compile(r"https?://[^\s<>\"]+/mailing/unsubscribe/([^/\s<>\"]+)/")


def approved_campaign(world, audience, newsletter, **kwargs) -> Campaign:
    """A campaign the client's contact approved (through the services)."""
    practice = world.practice
    campaign = services.campaign_create(
        practice=practice,
        client=audience.client,
        audience=audience,
        composition=newsletter,
        user=world.secretary.user,
        **kwargs,
    )
    services.campaign_request_approval(
        practice=practice, campaign=campaign, user=world.secretary.user
    )
    return services.campaign_approve(
        practice=practice, campaign=campaign, membership=world.client_contact
    )


def unsubscribe_path(message) -> str:
    """The path of the unsubscribe link in a message's List-Unsubscribe header."""
    header = message.extra_headers["List-Unsubscribe"]
    match = UNSUBSCRIBE_LINK.search(header)
    assert match, header
    return f"/mailing/unsubscribe/{match.group(1)}/"
