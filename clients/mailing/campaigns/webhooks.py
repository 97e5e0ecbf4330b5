"""Email providers' event webhooks, ``/mailing/webhooks/<provider>/``, through django-anymail.

Anymail's own tracking views check each provider's signature or basic auth (a bad one answers
400 and records nothing) and turn the provider's events into ``anymail.signals.tracking``;
``record_tracking_event`` (connected by the app) finds the delivery the event is about and
applies it: a bounce marks the delivery and the subscriber bounced, a complaint complained,
an unsubscribe unsubscribed; opens and clicks are counted. Each event is a ``ProviderEvent``
unique per (provider, event id): the same webhook twice changes nothing.

A provider's webhook is open only once its secret is configured (``ANYMAIL["WEBHOOK_SECRET"]``
for basic auth, ``ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"]`` for Mailgun's signatures); until
then its address answers 404.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from clients.mailing.campaigns.models import Delivery, DeliveryStatus, ProviderEvent
from clients.mailing.models import Subscriber, SubscriberStatus
from secretary import rls
from secretary.tenancy import practice_scope

logger = logging.getLogger(__name__)

# provider in the URL → (anymail's tracking view, the setting that must be set to open it)
PROVIDERS = {
    "postmark": ("anymail.webhooks.postmark.PostmarkTrackingWebhookView", "WEBHOOK_SECRET"),
    "sendgrid": ("anymail.webhooks.sendgrid.SendGridTrackingWebhookView", "WEBHOOK_SECRET"),
    "brevo": ("anymail.webhooks.brevo.BrevoTrackingWebhookView", "WEBHOOK_SECRET"),
    "mailjet": ("anymail.webhooks.mailjet.MailjetTrackingWebhookView", "WEBHOOK_SECRET"),
    "sparkpost": ("anymail.webhooks.sparkpost.SparkPostTrackingWebhookView", "WEBHOOK_SECRET"),
    "mailgun": (
        "anymail.webhooks.mailgun.MailgunTrackingWebhookView",
        "MAILGUN_WEBHOOK_SIGNING_KEY",
    ),
}

# What an event does to the delivery and to the subscriber.
EVENT_OUTCOMES = {
    "bounced": (DeliveryStatus.BOUNCED, SubscriberStatus.BOUNCED),
    "complained": (DeliveryStatus.COMPLAINED, SubscriberStatus.COMPLAINED),
    "unsubscribed": (DeliveryStatus.UNSUBSCRIBED, SubscriberStatus.UNSUBSCRIBED),
}
# A rejection for one of these reasons means the address does not work.
REJECTED_AS_BOUNCE = ("bounced", "invalid")


def _configured(setting: str) -> bool:
    return bool((getattr(settings, "ANYMAIL", None) or {}).get(setting))


@cache
def _view(path: str):
    return import_string(path).as_view()


@csrf_exempt  # providers sign their posts; anymail's view checks the signature
def provider_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    found = PROVIDERS.get(provider)
    if found is None or not _configured(found[1]):
        raise Http404
    return _view(found[0])(request)


# --- The events ---------------------------------------------------------------------------


def _event_id(event, provider: str) -> str:
    if event.event_id:
        return str(event.event_id)[:200]
    # Some providers send no id for some events: the event's own facts name it.
    facts = "|".join(
        str(part or "")
        for part in (
            provider,
            event.event_type,
            event.message_id,
            event.recipient,
            event.timestamp.isoformat() if event.timestamp else "",
            event.click_url,
        )
    )
    return "sha256:" + hashlib.sha256(facts.encode("utf-8")).hexdigest()


def _delivery_ref(event) -> tuple[int, int] | None:
    """(practice id, delivery id) of the event: from the metadata our messages carry, else by
    the provider's message id (a lookup across practices: the webhook names no practice)."""
    metadata = event.metadata or {}
    try:
        return int(metadata["practice"]), int(metadata["delivery"])
    except (KeyError, TypeError, ValueError):
        pass
    if not event.message_id:
        return None
    with rls.cross_practice("email webhook: the delivery of a provider's message id"):
        row = (
            Delivery.objects.unscoped()
            .filter(provider_message_id=str(event.message_id)[:200])
            .values_list("practice_id", "pk")
            .first()
        )
    return tuple(row) if row else None


def record_tracking_event(sender=None, event=None, esp_name: str = "", **kwargs) -> bool:
    """Apply one provider event once; False when it names no delivery of ours or was seen."""
    provider = (esp_name or "unknown").lower().replace(" ", "")[:40]
    ref = _delivery_ref(event)
    if ref is None:
        logger.info("%s event %s names no delivery", provider, event.event_type)
        return False
    practice_id, delivery_id = ref
    with practice_scope(practice_id), transaction.atomic():
        delivery = (
            Delivery.objects.for_practice(practice_id)
            .select_for_update()
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or (
            event.recipient and event.recipient.strip().lower() != delivery.email.lower()
        ):
            return False
        _stored, created = ProviderEvent.objects.for_practice(practice_id).get_or_create(
            practice_id=practice_id,
            provider=provider,
            event_id=_event_id(event, provider),
            defaults={
                "event_type": str(event.event_type)[:40],
                "delivery": delivery,
                "recipient": (event.recipient or "")[:254],
                "occurred_at": event.timestamp,
                "description": str(event.description or event.reject_reason or "")[:300],
            },
        )
        if not created:
            return False
        _apply(practice_id, delivery, event)
    return True


def _apply(practice_id: int, delivery: Delivery, event) -> None:
    now = timezone.now()
    when = event.timestamp or now
    kind = event.event_type
    changed = ["updated_at"]
    outcome = EVENT_OUTCOMES.get(kind)
    if kind == "rejected" and event.reject_reason in REJECTED_AS_BOUNCE:
        outcome = EVENT_OUTCOMES["bounced"]
    if outcome is not None:
        delivery_status, subscriber_status = outcome
        delivery.status = delivery_status
        changed.append("status")
        _subscriber_leaves(practice_id, delivery, subscriber_status, event)
    elif kind in ("rejected", "failed") and delivery.status == DeliveryStatus.SENT:
        delivery.status = DeliveryStatus.FAILED
        delivery.error = str(event.description or event.reject_reason or kind)[:300]
        changed += ["status", "error"]
    elif kind == "delivered":
        delivery.delivered_at = delivery.delivered_at or when
        changed.append("delivered_at")
    elif kind == "opened":
        delivery.opens += 1
        delivery.opened_at = delivery.opened_at or when
        changed += ["opens", "opened_at"]
    elif kind == "clicked":
        delivery.clicks += 1
        delivery.clicked_at = delivery.clicked_at or when
        # A click means the message was opened, images shown or not.
        delivery.opened_at = delivery.opened_at or when
        changed += ["clicks", "clicked_at", "opened_at"]
    delivery.save(update_fields=changed)


def _subscriber_leaves(practice_id: int, delivery: Delivery, status: str, event) -> None:
    subscriber = (
        Subscriber.objects.for_practice(practice_id)
        .select_for_update()
        .filter(pk=delivery.subscriber_id)
        .first()
    )
    # An address that bounced stays bounced; otherwise the latest news wins.
    if subscriber is None or subscriber.status in (status, SubscriberStatus.BOUNCED):
        return
    if subscriber.status == SubscriberStatus.COMPLAINED and status != SubscriberStatus.BOUNCED:
        return
    subscriber.status = status
    subscriber.status_changed_at = timezone.now()
    subscriber.status_reason = str(
        event.description or event.mta_response or event.reject_reason or event.event_type
    )[:300]
    subscriber.save(update_fields=["status", "status_changed_at", "status_reason", "updated_at"])
