"""Reads of campaigns: lookups by id within a practice, recipients, statistics."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from clients.mailing.campaigns.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    SendingSettings,
)
from clients.mailing.selectors import recipients


def sending_settings_for(*, practice) -> SendingSettings:
    """The practice's sending settings (made with the defaults on first need)."""
    found = SendingSettings.objects.for_practice(practice).first()
    if found is not None:
        return found
    found, _created = SendingSettings.objects.for_practice(practice).get_or_create(
        practice=practice
    )
    return found


def campaigns_of(*, practice, client=None) -> QuerySet[Campaign]:
    rows = Campaign.objects.for_practice(practice).select_related(
        "client", "audience", "segment", "composition"
    )
    if client is not None:
        rows = rows.filter(client=client)
    return rows.order_by("-created_at", "-id")


def portal_campaigns(*, practice, client) -> QuerySet[Campaign]:
    """What a client contact sees: campaigns sent to them for approval, and later ones."""
    return campaigns_of(practice=practice, client=client).exclude(
        status=CampaignStatus.DRAFT, decided_at__isnull=True
    )


def campaign_get(*, practice, campaign_id: int, client=None) -> Campaign:
    """The practice's campaign; Http404 when absent. With ``client`` (a contact's), only
    that client's campaigns that were sent to them."""
    rows = (
        campaigns_of(practice=practice)
        if client is None
        else portal_campaigns(practice=practice, client=client)
    )
    campaign = rows.filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_recipients(campaign: Campaign):
    return recipients(campaign.audience, campaign.segment)


def recipient_count(campaign: Campaign) -> int:
    """How many people the campaign goes to now (or went to, once sending started)."""
    if campaign.status in (CampaignStatus.SENDING, CampaignStatus.SENT, CampaignStatus.FAILED):
        return campaign.recipient_count
    return campaign_recipients(campaign).count()


@dataclass(frozen=True)
class CampaignStats:
    recipients: int = 0
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    bounced: int = 0
    complained: int = 0
    unsubscribed: int = 0
    skipped: int = 0
    opened: int = 0
    clicked: int = 0
    opens: bool = False  # tracked
    clicks: bool = False

    @property
    def out(self) -> int:
        """Messages that went out (later bounced, complained of or unsubscribed from, too)."""
        return self.sent + self.bounced + self.complained + self.unsubscribed

    def rate(self, count: int) -> float:
        """``count`` as a share of the messages that went out (0 when none did)."""
        return round(100 * count / self.out, 1) if self.out else 0.0

    @property
    def bounce_rate(self) -> float:
        return self.rate(self.bounced)

    @property
    def unsubscribe_rate(self) -> float:
        return self.rate(self.unsubscribed)

    @property
    def open_rate(self) -> float:
        return self.rate(self.opened)

    @property
    def click_rate(self) -> float:
        return self.rate(self.clicked)


def campaign_stats(campaign: Campaign) -> CampaignStats:
    """Counts of the campaign's deliveries, in one grouped query."""
    statuses = {status: Count("pk", filter=Q(status=status)) for status in DeliveryStatus.values}
    totals = (
        Delivery.objects.for_practice(campaign.practice_id)
        .filter(campaign=campaign)
        .aggregate(
            total=Count("pk"),
            delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
            **statuses,
        )
    )
    # Bounces, complaints and unsubscribes happen after a message was sent: they count as sent.
    return CampaignStats(
        recipients=totals["total"],
        queued=totals[DeliveryStatus.QUEUED],
        sent=totals[DeliveryStatus.SENT],
        delivered=totals["delivered"],
        failed=totals[DeliveryStatus.FAILED],
        bounced=totals[DeliveryStatus.BOUNCED],
        complained=totals[DeliveryStatus.COMPLAINED],
        unsubscribed=totals[DeliveryStatus.UNSUBSCRIBED],
        skipped=totals[DeliveryStatus.SKIPPED],
        opened=totals["opened"],
        clicked=totals["clicked"],
        opens=campaign.track_opens,
        clicks=campaign.track_clicks,
    )


def deliveries_of(campaign: Campaign) -> QuerySet[Delivery]:
    return Delivery.objects.for_practice(campaign.practice_id).filter(campaign=campaign)
