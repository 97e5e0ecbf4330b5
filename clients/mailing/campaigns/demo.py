"""Demo campaigns to Northwind's customer list: last month's issue, sent, with its statistics,
and this month's, awaiting the client's approval in the portal.

``seed(demo)`` is idempotent (campaigns are found by name) and runs after the mailing lists'
demo (``clients.demo`` calls it once ``northwind_audience`` exists).
"""

from __future__ import annotations

from datetime import timedelta

from clients.mailing.campaigns import services
from clients.mailing.campaigns.models import Campaign, CampaignStatus, Delivery, DeliveryStatus
from clients.mailing.demo import CONSENT
from clients.mailing.models import Audience, Subscriber, SubscriberStatus
from clients.mailing.selectors import recipients
from clients.models import Client

SENT_NAME = "The Northwind Brief, issue 6"
AWAITING_NAME = "The Northwind Brief, issue 8 (spring)"


def _newsletter(demo, client, *, title: str, intro: str, articles: list[tuple[str, str]]):
    from documents import compose
    from documents.models import Composition, DocumentKind

    found = Composition.objects.for_practice(demo.practice).filter(client=client, title=title)
    if found.exists():
        return found.first()
    blocks = []
    for heading, text in articles:
        blocks += [
            {"type": "heading", "level": 1, "text": heading},
            {"type": "text", "markdown": text},
        ]
    return compose.composition_create(
        practice=demo.practice,
        client=client,
        kind=DocumentKind.NEWSLETTER,
        title=title,
        user=demo.secretary.user,
        content={
            "blocks": blocks,
            "fields": {"masthead_title": "The Northwind Brief", "intro": intro},
        },
    )


def _sent_campaign(demo, client, audience: Audience) -> None:
    from documents import compose

    practice = demo.practice
    if Campaign.objects.for_practice(practice).filter(name=SENT_NAME).exists():
        return
    newsletter = _newsletter(
        demo,
        client,
        title=SENT_NAME,
        intro="Happy new year from all of us at Northwind Legal.",
        articles=[
            ("Leases in 2025: what changes", "Three rules every landlord should know this year."),
            ("Our new Parramatta office", "Open from **3 February**, Monday to Friday."),
        ],
    )
    sent_at = CONSENT.at + timedelta(days=30)
    contact = demo.client_contact.user
    campaign = Campaign.objects.create(
        practice=practice,
        client=client,
        audience=audience,
        composition=newsletter,
        version=compose.version_latest(newsletter),
        name=SENT_NAME,
        status=CampaignStatus.SENT,
        scheduled_at=sent_at,
        approval_requested_at=sent_at - timedelta(days=2),
        approval_requested_by=demo.secretary.user,
        decided_by=contact,
        decided_by_name=contact.get_full_name() or contact.email,
        decided_at=sent_at - timedelta(days=1),
        started_at=sent_at,
        finished_at=sent_at + timedelta(minutes=3),
        last_batch_at=sent_at + timedelta(minutes=3),
        created_by=demo.secretary.user,
    )
    # Everyone on the list then; the people the lists' demo shows as unsubscribed or bounced
    # left (or bounced) through this issue.
    people = Subscriber.objects.for_practice(practice).filter(audience=audience).order_by("pk")
    rows = []
    for number, person in enumerate(people):
        status = {
            SubscriberStatus.UNSUBSCRIBED: DeliveryStatus.UNSUBSCRIBED,
            SubscriberStatus.BOUNCED: DeliveryStatus.BOUNCED,
            SubscriberStatus.COMPLAINED: DeliveryStatus.COMPLAINED,
        }.get(person.status, DeliveryStatus.SENT)
        rows.append(
            Delivery(
                practice=practice,
                campaign=campaign,
                subscriber=person,
                email=person.email,
                status=status,
                provider_message_id=f"<c{campaign.pk}.demo{number}@northwind.example>",
                sent_at=sent_at + timedelta(seconds=number),
                delivered_at=(
                    sent_at + timedelta(seconds=number + 5)
                    if status != DeliveryStatus.BOUNCED
                    else None
                ),
            )
        )
    Delivery.objects.bulk_create(rows)
    out = sum(1 for row in rows if row.status != DeliveryStatus.FAILED)
    Campaign.objects.for_practice(practice).filter(pk=campaign.pk).update(
        recipient_count=len(rows), sent_count=out
    )


def _awaiting_campaign(demo, client, audience: Audience) -> None:
    practice = demo.practice
    if Campaign.objects.for_practice(practice).filter(name=AWAITING_NAME).exists():
        return
    if not recipients(audience).exists():
        return
    newsletter = _newsletter(
        demo,
        client,
        title=AWAITING_NAME,
        intro="Spring is here, and so are the new strata rules.",
        articles=[
            ("Strata changes from 1 July", "What owners' corporations must do before winter."),
            ("Free lease reviews in April", "Book a 20-minute review with Tom Nguyen."),
        ],
    )
    campaign = services.campaign_create(
        practice=practice,
        client=client,
        audience=audience,
        composition=newsletter,
        name=AWAITING_NAME,
        user=demo.secretary.user,
    )
    services.campaign_request_approval(
        practice=practice, campaign=campaign, user=demo.secretary.user
    )


def seed(demo) -> None:
    from clients.mailing.demo import AUDIENCE_NAME

    practice = demo.practice
    client = Client.objects.for_practice(practice).filter(name="Northwind Legal").first()
    if client is None:
        return
    audience = (
        Audience.objects.for_practice(practice).filter(client=client, name=AUDIENCE_NAME).first()
    )
    if audience is None:
        return
    _sent_campaign(demo, client, audience)
    _awaiting_campaign(demo, client, audience)
