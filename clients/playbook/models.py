"""Playbooks, their numbered versions and the changes client contacts propose.

``Playbook`` holds the current content (the latest version's, for cheap reads); every save
makes a ``PlaybookVersion`` that is never edited again. A ``PlaybookProposal`` is a full
draft a contact sent from the portal: accepting it makes the next version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field
from secretary.tenancy import TenantModel


class Playbook(TenantModel):
    """One client's playbook; ``content`` is that of version ``version`` (0: nothing saved)."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="playbook"
    )
    content = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        constraints = [
            models.UniqueConstraint(fields=["practice", "client"], name="playbook_unique_client")
        ]

    def __str__(self) -> str:
        return str(_("Playbook of %(client)s") % {"client": self.client})


class PlaybookVersion(TenantModel):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField(default=dict, blank=True)
    # The sections that differ from the version before (keys of ``content``).
    changed = models.JSONField(default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "playbook", "number"], name="playbookversion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PlaybookProposal(TenantModel):
    """A client contact's draft of the whole playbook, made from version ``base_number``."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="proposals")
    base_number = models.PositiveIntegerField(default=0)
    content = models.JSONField(default=dict, blank=True)
    changed = models.JSONField(default=list, blank=True)
    message = text_field(_("message"), blank=True, max_length=limits.TEXT_SHORT)
    contact = models.ForeignKey(
        "clients.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    reason = text_field(_("reason"), blank=True, max_length=limits.TEXT_SHORT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.ForeignKey(
        PlaybookVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "playbook", "status"], name="playbookprop_status_idx")
        ]

    def __str__(self) -> str:
        return f"{self.playbook} ({self.get_status_display()})"
