"""Transcription job rows. Imported at the end of ``tasks/models.py`` (migrations of the
``tasks`` app)."""

from __future__ import annotations

import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field
from secretary.tenancy import TenantModel


class Turnaround(models.TextChoices):
    HOURS_24 = "24h", _("24 hours")
    HOURS_48 = "48h", _("48 hours")
    # Business days (Monday to Friday on the client's clock): a recording sent on Friday
    # evening is not due on Wednesday after a weekend nobody works.
    DAYS_5 = "5d", _("5 business days")


def audio_path(instance: TranscriptionJob, filename: str) -> str:
    # A random name: the original is kept in the row, never trusted as a path.
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"transcription/{instance.practice_id}/{uuid.uuid4().hex}{extension}"


class TranscriptionJob(TenantModel):
    """A recording to transcribe, its transcript (saved with a version that rises on each
    save, so two editors cannot overwrite each other unknowingly) and what became of it."""

    task = models.OneToOneField(
        "tasks.Task", on_delete=models.CASCADE, related_name="transcription"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.RESTRICT, related_name="+", verbose_name=_("client")
    )
    audio = models.FileField(_("audio"), upload_to=audio_path, max_length=200)
    audio_name = models.CharField(_("file name"), max_length=200)
    audio_type = models.CharField(max_length=100)
    audio_size = models.PositiveBigIntegerField()
    duration_seconds = models.DecimalField(_("duration (seconds)"), max_digits=9, decimal_places=2)
    turnaround = models.CharField(_("turnaround"), max_length=4, choices=Turnaround.choices)
    notes = text_field(_("notes"), blank=True, max_length=limits.TEXT_NOTES)
    transcript = text_field(_("transcript"), blank=True, max_length=limits.TEXT_TRANSCRIPT)
    version = models.PositiveIntegerField(default=0)
    position_seconds = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    saved_at = models.DateTimeField(null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        "secretary.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Audio minutes billed on completion (engagements that bill by audio minute), and the
    # time entry that carries them to the invoice run.
    billed_minutes = models.PositiveIntegerField(null=True, blank=True)
    time_entry = models.ForeignKey(
        "tasks.TimeEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery = models.ForeignKey(
        "tasks.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["practice", "client", "created_at"], name="transcription_client_idx"
            )
        ]

    def __str__(self) -> str:
        return self.audio_name

    @property
    def progress_percent(self) -> int:
        """How far into the recording the transcript has reached (0-100)."""
        if not self.duration_seconds:
            return 0
        share = self.position_seconds / self.duration_seconds * 100
        return max(0, min(100, int(share)))
