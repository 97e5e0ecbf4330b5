"""Campaigns: a newsletter sent to a client's audience, one ``Delivery`` per subscriber.

A campaign moves draft → awaiting approval → approved → scheduled → sending → sent (or
cancelled, or failed). The client's contact approves it in the portal; nothing is sent before.
Deliveries are unique per (campaign, subscriber), so a retry or a second worker can never make
a second message for one person; provider events (webhooks) are unique per (provider, event id).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field, validate_date_in_range
from secretary.tenancy import TenantModel


class SendingSettings(TenantModel):
    """How a practice sends campaigns (one row per practice, made on first need)."""

    rate_per_minute = models.PositiveIntegerField(
        _("messages per minute"),
        default=600,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("The most messages the practice's campaigns send in a minute, together."),
    )
    batch_size = models.PositiveIntegerField(
        _("messages per batch"),
        default=200,
        validators=[MinValueValidator(1), MaxValueValidator(2_000)],
        help_text=_("How many messages one sending job sends over one mail connection."),
    )
    parallel_senders = models.PositiveSmallIntegerField(
        _("parallel senders"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("How many background workers may send one campaign at the same time."),
    )
    from_name = models.CharField(_("default from name"), max_length=120, blank=True)
    from_email = models.EmailField(
        _("default from address"),
        blank=True,
        help_text=_("Used when neither the campaign nor its audience names a sender."),
    )
    track_opens = models.BooleanField(
        _("track opens"),
        default=False,
        help_text=_("Ask the email provider to report when a message is opened."),
    )
    track_clicks = models.BooleanField(
        _("track clicks"),
        default=False,
        help_text=_("Ask the email provider to rewrite links and report clicks."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sending settings")
        verbose_name_plural = _("sending settings")
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="sendingsettings_one_per_practice")
        ]

    def __str__(self) -> str:
        return str(_("Sending settings"))


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the client's approval")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


# Before sending starts, a campaign's content, list and sender may change (back to draft).
EDITABLE_STATUSES = (
    CampaignStatus.DRAFT,
    CampaignStatus.AWAITING_APPROVAL,
    CampaignStatus.APPROVED,
)
CANCELLABLE_STATUSES = (
    CampaignStatus.DRAFT,
    CampaignStatus.AWAITING_APPROVAL,
    CampaignStatus.APPROVED,
    CampaignStatus.SCHEDULED,
)


class Campaign(TenantModel):
    """One newsletter issue sent to one audience (or a segment of it)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.RESTRICT, related_name="campaigns"
    )
    # Deleting a list deletes its people, and so its campaigns' deliveries: the campaigns go too.
    audience = models.ForeignKey(
        "clients.Audience", on_delete=models.CASCADE, related_name="campaigns"
    )
    segment = models.ForeignKey(
        "clients.Segment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    name = models.CharField(_("name"), max_length=160)
    composition = models.ForeignKey(
        "documents.Composition",
        on_delete=models.RESTRICT,
        related_name="campaigns",
        verbose_name=_("newsletter"),
    )
    # The version sent: fixed when approval is requested (what the client approves).
    version = models.ForeignKey(
        "documents.CompositionVersion",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
    )
    subject = models.CharField(
        _("subject"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the newsletter's own subject."),
    )
    from_name = models.CharField(_("from name"), max_length=120, blank=True)
    from_email = models.EmailField(_("from address"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
    )
    scheduled_at = models.DateTimeField(
        _("send at"), null=True, blank=True, validators=[validate_date_in_range]
    )
    approval_requested_at = models.DateTimeField(null=True, blank=True)
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the person goes: who approved (or declined) stays on record.
    decided_by_name = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = text_field(_("reason"), blank=True, max_length=limits.TEXT_SHORT)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Refreshed by each batch: the sweep restarts a campaign whose senders stopped.
    last_batch_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    track_opens = models.BooleanField(default=False)
    track_clicks = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "-created_at", "-id"], name="campaign_recent_idx"),
            models.Index(fields=["practice", "client"], name="campaign_client_idx"),
            models.Index(fields=["practice", "status", "scheduled_at"], name="campaign_due_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_cancellable(self) -> bool:
        return self.status in CANCELLABLE_STATUSES


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    # The person left the list between the start of the campaign and their turn.
    SKIPPED = "skipped", _("Skipped (no longer subscribed)")


class Delivery(TenantModel):
    """One message of a campaign to one subscriber (at most one, ever)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        "clients.Subscriber", on_delete=models.CASCADE, related_name="deliveries"
    )
    # The address it went to, kept if the subscriber is later removed or changed.
    email = models.EmailField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    provider_message_id = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "campaign", "subscriber"], name="delivery_one_per_subscriber"
            )
        ]
        indexes = [
            # The senders' claim: a campaign's queued rows in id order, read off the index.
            models.Index(
                fields=["practice", "campaign", "status", "id"], name="delivery_status_idx"
            ),
            models.Index(fields=["practice", "provider_message_id"], name="delivery_message_idx"),
        ]

    def __str__(self) -> str:
        return self.email


class ProviderEvent(TenantModel):
    """One event an email provider reported by webhook (a bounce, a complaint, an open…).

    Unique per provider and event id: the same webhook delivered twice changes nothing.
    """

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=40)
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    recipient = models.EmailField(blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "provider", "event_id"], name="providerevent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"
