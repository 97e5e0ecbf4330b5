"""A call taken at the front desk for a client (imported at the end of ``tasks.models``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field, validate_date_in_range
from secretary.tenancy import TenantModel


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Call(TenantModel):
    """One call or inquiry. A message goes to a key person of the playbook (``message_for_name``)
    or one of the client's contacts (``message_for_contact``); ``message_to_client`` emails it
    to the contact(s) and shows it in the portal."""

    # RESTRICT like the client's other history.
    client = models.ForeignKey(
        "clients.Client", on_delete=models.RESTRICT, related_name="calls", verbose_name=_("client")
    )
    received_at = models.DateTimeField(
        _("received"), default=timezone.now, validators=[validate_date_in_range]
    )
    caller_name = models.CharField(_("caller"), max_length=160)
    caller_number = models.CharField(_("number"), max_length=40, blank=True)
    caller_company = models.CharField(_("company"), max_length=160, blank=True)
    reason = text_field(_("reason"), blank=True, max_length=limits.TEXT_SHORT)
    inquiry = models.CharField(_("inquiry"), max_length=300, blank=True)
    answer_given = text_field(_("answer given"), blank=True, max_length=limits.TEXT_SHORT)
    message = text_field(_("message"), blank=True, max_length=limits.TEXT_SHORT)
    message_for_contact = models.ForeignKey(
        "clients.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("message for (contact)"),
    )
    message_for_name = models.CharField(_("message for"), max_length=160, blank=True)
    message_to_client = models.BooleanField(_("message for the client"), default=False)
    message_emailed_at = models.DateTimeField(null=True, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    follow_up = models.BooleanField(_("follow-up needed"), default=False)
    task = models.ForeignKey(
        "tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    billable = models.BooleanField(_("billable"), default=False)
    time_entry = models.ForeignKey(
        "tasks.TimeEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_by = models.ForeignKey(
        "secretary.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "client", "received_at"], name="call_client_idx"),
            models.Index(fields=["practice", "received_at"], name="call_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.caller_name} ({self.received_at:%Y-%m-%d %H:%M})"

    @property
    def message_recipient(self) -> str:
        if self.message_for_contact_id is not None:
            return str(self.message_for_contact)
        return self.message_for_name
