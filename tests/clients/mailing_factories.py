"""Factories of mailing lists and campaigns."""

from __future__ import annotations

import factory
from django.utils import timezone

from clients.mailing.campaigns.models import Campaign, CampaignStatus
from clients.mailing.models import Audience, Segment, Subscriber
from documents import compose
from documents.models import DocumentKind
from tests.clients.factories import ClientFactory
from tests.factories import TenantFactory


class AudienceFactory(TenantFactory):
    class Meta:
        model = Audience

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    name = factory.Sequence(lambda n: f"Customers {n}")


class SubscriberFactory(TenantFactory):
    class Meta:
        model = Subscriber

    audience = factory.SubFactory(AudienceFactory)
    practice = factory.SelfAttribute("audience.practice")
    email = factory.Sequence(lambda n: f"reader{n}@example.test")
    name = factory.Sequence(lambda n: f"Reader {n}")
    consent_source = "signup form"
    consent_at = factory.LazyFunction(timezone.now)


class SegmentFactory(TenantFactory):
    class Meta:
        model = Segment

    audience = factory.SubFactory(AudienceFactory)
    practice = factory.SelfAttribute("audience.practice")
    name = factory.Sequence(lambda n: f"Segment {n}")
    rules = factory.LazyFunction(dict)


def subscribers_bulk(audience: Audience, count: int, *, start: int = 0) -> list[Subscriber]:
    """``count`` subscribed people on ``audience`` in one insert."""
    now = timezone.now()
    rows = [
        Subscriber(
            practice_id=audience.practice_id,
            audience=audience,
            email=f"person{number}@example.test",
            email_key=f"person{number}@example.test",
            name=f"Person {number}",
            consent_source="signup form",
            consent_at=now,
        )
        for number in range(start, start + count)
    ]
    return Subscriber.objects.bulk_create(rows)


NEWSLETTER_BLOCKS = [
    {"type": "heading", "level": 1, "text": "Spring news"},
    {"type": "text", "markdown": "We moved to a **bigger office** & hired two people."},
]


def newsletter_for(client, *, user=None, title="The Spring Letter"):
    return compose.composition_create(
        practice=client.practice,
        client=client,
        kind=DocumentKind.NEWSLETTER,
        title=title,
        user=user,
        content={"blocks": NEWSLETTER_BLOCKS, "fields": {"email_subject": "Spring news"}},
    )


def campaign_for(
    audience: Audience, *, status: str = CampaignStatus.DRAFT, composition=None, **kwargs
) -> Campaign:
    """A campaign row as it stands in ``status`` (no service runs: for pages and the harness)."""
    composition = composition or newsletter_for(audience.client)
    fields = {
        "practice": audience.practice,
        "client": audience.client,
        "audience": audience,
        "composition": composition,
        "name": composition.title,
        "status": status,
    }
    if status != CampaignStatus.DRAFT:
        fields["version"] = compose.version_latest(composition)
    fields.update(kwargs)
    return Campaign.objects.create(**fields)
