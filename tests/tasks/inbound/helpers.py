"""Raw messages for inbound email tests."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def raw_mail(
    *,
    to: str,
    sender: str = "Casey Client <contact@client.test>",
    subject: str = "Please book the Lisbon trip",
    text: str | None = "Flights for two on the 12th, please.",
    html: str | None = None,
    attachments: tuple = (),
    message_id: str | None = None,
    headers: dict | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="client.test")
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, data, maintype, subtype in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def pdf(name: str = "itinerary.pdf", data: bytes = PDF):
    return (name, data, "application", "pdf")
