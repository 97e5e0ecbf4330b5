"""Audiences (a client's mailing lists), their subscribers and saved segments.

A subscriber's address is unique per audience regardless of case: ``email_key`` holds the
lower-cased address and carries the constraint (an upsert names it as its conflict target).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field
from secretary.tenancy import TenantModel


class Audience(TenantModel):
    """One mailing list of a client's customers, with the custom fields its subscribers carry."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="audiences")
    name = models.CharField(_("name"), max_length=160)
    description = text_field(_("description"), blank=True, max_length=limits.TEXT_SHORT)
    # [{"key": "city", "label": "City", "type": "text"|"number"|"date"|"choice", "choices": [...]}]
    fields = models.JSONField(_("custom fields"), default=list, blank=True)
    # Who the campaigns of this list come from (empty: the practice's sending settings).
    from_name = models.CharField(_("from name"), max_length=120, blank=True)
    from_email = models.EmailField(_("from address"), blank=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "name"], name="audience_unique_name"
            )
        ]
        indexes = [models.Index(fields=["practice", "client"], name="audience_client_idx")]

    def __str__(self) -> str:
        return self.name


class SubscriberStatus(models.TextChoices):
    SUBSCRIBED = "subscribed", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Complained")


class Subscriber(TenantModel):
    """One person on an audience. Only ``subscribed`` people are sent campaigns: the other
    statuses are kept (never deleted by an import) so that they stay suppressed."""

    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField(_("email"))
    email_key = models.CharField(max_length=254, editable=False)  # email.lower()
    name = models.CharField(_("name"), max_length=160, blank=True)
    company = models.CharField(_("company"), max_length=160, blank=True)
    # Lower-cased, trimmed tag names.
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Values of the audience's custom fields, by key.
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.SUBSCRIBED,
    )
    # Where and when the person agreed: "signup form", "import: customers.csv (existing
    # customers)", "API"...
    consent_source = models.CharField(_("consent source"), max_length=200)
    consent_at = models.DateTimeField(_("consent given at"))
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_reason = models.CharField(_("status reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "audience", "email_key"], name="subscriber_unique_email"
            )
        ]
        indexes = [
            models.Index(fields=["practice", "audience", "status"], name="subscriber_status_idx"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email_key = self.email.strip().lower()
        super().save(*args, **kwargs)


class Segment(TenantModel):
    """A saved selection of an audience's subscribed people, by tags and field values.

    ``rules``: ``{"tags_any": [...], "tags_all": [...], "fields": [{"key", "op", "value"}]}``
    with ``op`` one of ``eq``, ``ne``, ``contains``, ``gt``, ``lt``, ``empty``, ``not_empty``.
    Empty rules select the whole audience.
    """

    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(_("name"), max_length=160)
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "audience", "name"], name="segment_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


def import_upload_to(instance, filename: str) -> str:
    return f"practices/{instance.practice_id}/mailing-imports/{instance.audience_id}/{filename}"


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(TenantModel):
    """One file of people imported into an audience: uploaded, mapped, then run in batches on
    the worker. ``errors`` keeps the first rows' problems (``{"line", "reason"}``) and
    ``error_total`` counts them all; ``merged`` the same for lines folded into a later line of
    the same address."""

    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(max_length=8)  # "csv" or "xlsx", from the file's bytes
    encoding = models.CharField(max_length=16, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.MAPPING
    )
    header = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    # {"<column index>": "email" | "name" | "company" | "tags" | "consent_source" |
    #  "consent_at" | "custom:<key>"}; columns left out are ignored.
    mapping = models.JSONField(default=dict, blank=True)
    basis = models.CharField(_("consent basis"), max_length=200, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    merged_count = models.PositiveIntegerField(default=0)
    error_total = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    merged = models.JSONField(default=list, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["practice", "audience", "created_at"], name="import_audience_idx")
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)
