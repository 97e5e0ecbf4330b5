"""Inbound email: each client's private forwarding address, the messages received on it (held,
ignored or turned into requests and comments) and the replies staff sent back in a thread."""

from __future__ import annotations

import base64
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field
from secretary.tenancy import TenantModel


def new_address_token() -> str:
    """80 random bits, lower-case base32: unguessable, and safe in any mail system's local part."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


def new_thread_token() -> str:
    return base64.b32encode(secrets.token_bytes(5)).decode("ascii")[:6]


class InboundAddress(TenantModel):
    """``<token>@<INBOUND_DOMAIN>``: mail sent or forwarded there is the client's."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="inbound_address"
    )
    # Unique across practices: the address alone names the practice and the client.
    token = models.CharField(max_length=40, unique=True, default=new_address_token)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "client"], name="inboundaddress_client")
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def email(self) -> str:
        return f"{self.token}@{settings.INBOUND_DOMAIN}"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    REQUEST = "request", _("Became a request")
    COMMENT = "comment", _("Added to a request")
    QUARANTINED = "quarantined", _("Held for review")
    IGNORED = "ignored", _("Ignored")
    DISCARDED = "discarded", _("Discarded")


def raw_message_path(instance: InboundMessage, filename: str) -> str:
    return f"inbound/{instance.practice_id}/{uuid.uuid4().hex}.eml"


def preview_line(text: str | None) -> str:
    """The first 200 characters of a message's text, blanks collapsed."""
    return " ".join((text or "").split())[:200]


class InboundMessage(TenantModel):
    """One message received for a client, once per Message-ID."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    message_id = models.CharField(max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    # Why it was ignored or held (for staff diagnostics); never shown to the sender.
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    channel = models.CharField(max_length=40, blank=True)
    sender_email = models.CharField(_("from"), max_length=254, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    body_text = text_field(blank=True, max_length=limits.TEXT_LONG)
    # Sanitized (nh3): safe to show, never the sender's own markup.
    body_html = text_field(blank=True, max_length=limits.TEXT_LONG)
    # The message as received, kept while it may still be needed (oversized attachments are
    # replaced by a note before it is stored, so it stays under the limit).
    raw = models.FileField(upload_to=raw_message_path, max_length=200, blank=True)
    raw_size = models.PositiveIntegerField(default=0)
    contact = models.ForeignKey(
        "clients.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(
        "tasks.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    comment = models.ForeignKey(
        "tasks.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_by = models.ForeignKey(
        "secretary.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "message_id"], name="inboundmessage_unique_message_id"
            )
        ]
        indexes = [
            models.Index(fields=["practice", "status", "received_at"], name="inbound_status_idx"),
            models.Index(fields=["practice", "task"], name="inbound_task_idx"),
            models.Index(
                fields=["practice", "sender_email", "received_at"], name="inbound_sender_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id

    @property
    def preview(self) -> str:
        return preview_line(self.body_text)


class EmailThread(TenantModel):
    """A request that came by email: who asked, and the token its subject lines carry."""

    task = models.OneToOneField("tasks.Task", on_delete=models.CASCADE, related_name="email_thread")
    token = models.CharField(max_length=12, default=new_thread_token)
    contact = models.ForeignKey(
        "clients.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "task"], name="emailthread_task"),
            models.UniqueConstraint(fields=["practice", "token"], name="emailthread_token"),
        ]

    def __str__(self) -> str:
        return f"[#{self.token}]"


class EmailReply(TenantModel):
    """A staff reply sent by email in a thread, once per comment, with our Message-ID."""

    thread = models.ForeignKey(EmailThread, on_delete=models.CASCADE, related_name="replies")
    comment = models.OneToOneField(
        "tasks.Comment", on_delete=models.CASCADE, related_name="email_reply"
    )
    message_id = models.CharField(max_length=255)
    recipient = models.CharField(max_length=254)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "comment"], name="emailreply_comment"),
        ]
        indexes = [models.Index(fields=["practice", "message_id"], name="emailreply_msgid_idx")]

    def __str__(self) -> str:
        return self.message_id
