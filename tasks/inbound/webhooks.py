"""Email providers' inbound webhooks, ``/mail/inbound/<provider>/``, through django-anymail.

Anymail's inbound views check each provider's signature or the webhook's basic auth (a forged
post answers 400 and nothing is stored), parse the provider's payload into an
``AnymailInboundMessage`` and send ``anymail.signals.inbound``; ``receive_inbound_event``
(connected in ``TasksConfig.ready``) hands the message to ``inbound_receive``, the one entry
point every channel uses. A provider's address is open only once its secret is configured
(``ANYMAIL["WEBHOOK_SECRET"]`` for basic auth, or the provider's signing key); until then it
answers 404.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from tasks.inbound.services import inbound_receive

# provider in the URL → (anymail's inbound view, the setting that must be set to open it)
PROVIDERS = {
    "mailgun": ("anymail.webhooks.mailgun.MailgunInboundWebhookView", "MAILGUN_WEBHOOK_SIGNING_KEY"),
    "postmark": ("anymail.webhooks.postmark.PostmarkInboundWebhookView", "WEBHOOK_SECRET"),
    "sendgrid": ("anymail.webhooks.sendgrid.SendGridInboundWebhookView", "WEBHOOK_SECRET"),
    "amazon_ses": ("anymail.webhooks.amazon_ses.AmazonSESInboundWebhookView", "WEBHOOK_SECRET"),
    "brevo": ("anymail.webhooks.brevo.BrevoInboundWebhookView", "WEBHOOK_SECRET"),
    "mailjet": ("anymail.webhooks.mailjet.MailjetInboundWebhookView", "WEBHOOK_SECRET"),
    "sparkpost": ("anymail.webhooks.sparkpost.SparkPostInboundWebhookView", "WEBHOOK_SECRET"),
    "postal": ("anymail.webhooks.postal.PostalInboundWebhookView", "POSTAL_WEBHOOK_KEY"),
    "mailersend": (
        "anymail.webhooks.mailersend.MailerSendInboundWebhookView",
        "MAILERSEND_INBOUND_SECRET",
    ),
}


def _configured(setting: str) -> bool:
    return bool((getattr(settings, "ANYMAIL", None) or {}).get(setting))


@cache
def _view(path: str):
    return import_string(path).as_view()


@csrf_exempt  # providers sign their posts; anymail's view checks the signature
def inbound_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    found = PROVIDERS.get(provider)
    if found is None or not _configured(found[1]):
        raise Http404
    return _view(found[0])(request)


def receive_inbound_event(sender=None, event=None, esp_name: str = "", **kwargs) -> None:
    message = event.message
    if message is None:
        return
    inbound_receive(
        raw=message.as_bytes(),
        channel=(esp_name or "webhook").lower().replace(" ", "")[:40],
        envelope_recipient=getattr(message, "envelope_recipient", None),
    )
