"""Providers' webhooks through django-anymail: signatures checked, bounces and complaints
suppress the address, opens and clicks counted, the same event twice changes nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.test import Client

from clients.mailing.campaigns import services
from clients.mailing.campaigns.models import Delivery, DeliveryStatus, ProviderEvent
from clients.mailing.models import Subscriber, SubscriberStatus
from tests.campaigns.helpers import approved_campaign

pytestmark = pytest.mark.django_db

SECRET = "hooks:s3cret"
SIGNING_KEY = "mailgun-signing-key"


@pytest.fixture(autouse=True)
def _webhook_secrets(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


@pytest.fixture
def delivery(world, audience, newsletter, fast_sending, django_capture_on_commit_callbacks):
    campaign = approved_campaign(world, audience, newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_send_now(practice=world.practice, campaign=campaign)
    return Delivery.objects.for_practice(world.practice).filter(campaign=campaign).first()


def auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def postmark(delivery, *, record="Bounce", kind="HardBounce", event_id=42, **extra) -> dict:
    return {
        "RecordType": record,
        "Type": kind,
        "ID": event_id,
        "MessageID": "pm-1",
        "Email": delivery.email,
        "Recipient": delivery.email,
        "BouncedAt": "2026-11-30T10:00:00Z",
        "Description": "The server was unable to deliver your message",
        "Metadata": {"practice": str(delivery.practice_id), "delivery": str(delivery.pk)},
        **extra,
    }


def tracking(delivery, record: str, at: str, **extra) -> dict:
    """An open or click event: Postmark sends no event id for those."""
    payload = postmark(delivery, record=record, ReceivedAt=at, **extra)
    for key in ("ID", "Type", "BouncedAt", "Description"):
        payload.pop(key)
    return payload


def post_postmark(payload, **headers):
    return Client().post(
        "/mailing/webhooks/postmark/",
        data=json.dumps(payload),
        content_type="application/json",
        **(headers or auth()),
    )


def reread(delivery):
    delivery = Delivery.objects.for_practice(delivery.practice_id).get(pk=delivery.pk)
    subscriber = Subscriber.objects.for_practice(delivery.practice_id).get(
        pk=delivery.subscriber_id
    )
    return delivery, subscriber


def test_a_bounce_suppresses_the_address(world, delivery):
    response = post_postmark(postmark(delivery))

    assert response.status_code == 200
    delivery, subscriber = reread(delivery)
    assert delivery.status == DeliveryStatus.BOUNCED
    assert subscriber.status == SubscriberStatus.BOUNCED
    assert "unable to deliver" in subscriber.status_reason
    event = ProviderEvent.objects.for_practice(world.practice).get()
    assert (event.provider, event.event_id, event.event_type) == ("postmark", "42", "bounced")


def test_the_same_event_twice_changes_nothing(world, delivery):
    post_postmark(postmark(delivery))
    Subscriber.objects.for_practice(world.practice).filter(pk=delivery.subscriber_id).update(
        status=SubscriberStatus.SUBSCRIBED
    )

    response = post_postmark(postmark(delivery))

    assert response.status_code == 200
    assert ProviderEvent.objects.for_practice(world.practice).count() == 1
    _delivery, subscriber = reread(delivery)
    assert subscriber.status == SubscriberStatus.SUBSCRIBED  # not applied a second time


def test_a_bad_signature_is_refused_and_records_nothing(world, delivery):
    response = post_postmark(postmark(delivery), **auth("hooks:wrong"))
    assert response.status_code == 400
    response = Client().post(
        "/mailing/webhooks/postmark/",
        data=json.dumps(postmark(delivery)),
        content_type="application/json",
    )
    assert response.status_code == 400

    assert ProviderEvent.objects.for_practice(world.practice).count() == 0
    delivery, subscriber = reread(delivery)
    assert delivery.status == DeliveryStatus.SENT
    assert subscriber.status == SubscriberStatus.SUBSCRIBED


def mailgun(delivery, *, event="complained", token="tok-1", key=SIGNING_KEY) -> dict:
    timestamp = "1764496800"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "timestamp": 1764496800.5,
            "id": "mg-event-1",
            "recipient": delivery.email,
            "message": {"headers": {"message-id": delivery.provider_message_id.strip("<>")}},
            "user-variables": {},
        },
    }


def post_mailgun(payload):
    # Anymail checks the shared basic auth, then Mailgun's own signature.
    return Client().post(
        "/mailing/webhooks/mailgun/",
        data=json.dumps(payload),
        content_type="application/json",
        **auth(),
    )


def test_a_complaint_found_by_message_id_suppresses_the_address(world, delivery):
    # Mailgun's signature, and no metadata: the delivery is found by its Message-ID
    response = post_mailgun(mailgun(delivery))

    assert response.status_code == 200
    delivery, subscriber = reread(delivery)
    assert delivery.status == DeliveryStatus.COMPLAINED
    assert subscriber.status == SubscriberStatus.COMPLAINED


def test_a_forged_mailgun_signature_is_refused(world, delivery):
    response = post_mailgun(mailgun(delivery, key="not-the-key"))

    assert response.status_code == 400
    assert ProviderEvent.objects.for_practice(world.practice).count() == 0
    assert reread(delivery)[1].status == SubscriberStatus.SUBSCRIBED


def test_opens_and_clicks_are_counted(world, delivery):
    post_postmark(tracking(delivery, "Open", "2026-11-30T10:05:00Z"))
    post_postmark(tracking(delivery, "Open", "2026-11-30T10:05:00Z"))  # the same one again
    post_postmark(
        tracking(delivery, "Click", "2026-11-30T10:06:00Z", OriginalLink="https://northwind.test/")
    )
    delivery, subscriber = reread(delivery)
    assert (delivery.opens, delivery.clicks) == (1, 1)
    assert delivery.opened_at is not None and delivery.clicked_at is not None
    assert delivery.status == DeliveryStatus.SENT
    assert subscriber.status == SubscriberStatus.SUBSCRIBED


def test_a_webhook_without_a_secret_is_closed(settings, delivery):
    settings.ANYMAIL = {}
    assert post_postmark(postmark(delivery)).status_code == 404
    assert Client().post("/mailing/webhooks/nosuch/").status_code == 404


def test_an_event_of_an_address_that_is_not_the_deliverys_is_ignored(world, delivery):
    payload = postmark(delivery, Email="someone@else.test", Recipient="someone@else.test")

    assert post_postmark(payload).status_code == 200
    assert ProviderEvent.objects.for_practice(world.practice).count() == 0
    assert len(mail.outbox) == 12
