"""The demo's campaigns: last issue sent to Northwind's customers with its statistics, the
next awaiting the client's approval in the portal."""

from __future__ import annotations

import pytest
from django.test import Client

from clients.mailing.campaigns import demo as campaigns_demo
from clients.mailing.campaigns.models import Campaign, CampaignStatus
from clients.mailing.campaigns.selectors import campaign_stats
from secretary.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_it_seeds_a_sent_campaign_and_one_awaiting_approval():
    demo = seed_demo()
    campaigns = Campaign.objects.for_practice(demo.practice)
    sent = campaigns.get(name=campaigns_demo.SENT_NAME)
    awaiting = campaigns.get(name=campaigns_demo.AWAITING_NAME)

    assert sent.status == CampaignStatus.SENT and sent.audience.name == "Customers"
    stats = campaign_stats(sent)
    assert stats.recipients == 200 and stats.out == 200
    assert stats.unsubscribed > 0 and stats.bounced > 0 and stats.delivered > 150
    assert awaiting.status == CampaignStatus.AWAITING_APPROVAL
    assert awaiting.version is not None
    # The client's contact sees it in the portal, ready to approve
    browser = Client()
    browser.force_login(demo.client_contact.user)
    page = browser.get(f"/portal/{demo.practice.slug}/newsletters/{awaiting.pk}/")
    assert page.status_code == 200 and "Approve for sending" in page.content.decode()

    # And a second run changes nothing
    seed_demo()
    assert campaigns.count() == 2
