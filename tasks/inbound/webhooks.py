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

from email.parser import BytesParser
from email.policy import HTTP
from functools import cache

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from tasks.inbound.services import inbound_receive

# provider in the URL → (anymail's inbound view, the setting that must be set to open it)
PROVIDERS = {
    "mailgun": (
        "anymail.webhooks.mailgun.MailgunInboundWebhookView",
        "MAILGUN_WEBHOOK_SIGNING_KEY",
    ),
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


# A message with attachments is larger than the app's usual request limit
# (DATA_UPLOAD_MAX_MEMORY_SIZE): these addresses read up to this much.
MAX_WEBHOOK_BYTES = 40 * 1024 * 1024


def _read_body(request: HttpRequest) -> None:
    """Read a large post here, under the inbound limit, so Django's smaller limit for request
    bodies does not refuse a message with attachments."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_WEBHOOK_BYTES:
        raise RequestDataTooBig("inbound email post over the limit")
    if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE and request.content_type != (
        "application/json"
    ):
        return  # Django's own parsing takes it
    body = request.read(MAX_WEBHOOK_BYTES + 1)
    if len(body) > MAX_WEBHOOK_BYTES:
        raise RequestDataTooBig("inbound email post over the limit")
    request._body = body
    if request.content_type == "multipart/form-data":
        request._post, request._files = _form_data(request.META.get("CONTENT_TYPE", ""), body)


def _form_data(content_type: str, body: bytes) -> tuple[QueryDict, MultiValueDict]:
    """The fields and files of a multipart/form-data body (read with the email parser: Django's
    would apply DATA_UPLOAD_MAX_MEMORY_SIZE to the raw message field)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    form = BytesParser(policy=HTTP).parsebytes(head + body)
    fields, files = QueryDict(mutable=True), MultiValueDict()
    for part in form.iter_parts() if form.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename:
            files.appendlist(name, SimpleUploadedFile(filename, data, part.get_content_type()))
        else:
            fields.appendlist(name, data.decode(part.get_content_charset() or "utf-8", "replace"))
    fields._mutable = False
    return fields, files


@csrf_exempt  # providers sign their posts; anymail's view checks the signature
def inbound_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    found = PROVIDERS.get(provider)
    if found is None or not _configured(found[1]):
        raise Http404
    if request.method == "POST":
        try:
            _read_body(request)
        except RequestDataTooBig:
            return HttpResponse(status=413)
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
