"""An import of clients and contacts from one spreadsheet: uploaded, mapped, checked, run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from secretary.tenancy import TenantModel


def client_import_upload_to(instance, filename: str) -> str:
    return f"practices/{instance.practice_id}/client-imports/{filename}"


class ClientImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for the column mapping")
    CHECKED = "checked", _("Checked, ready to import")
    DONE = "done", _("Imported")


class ClientImport(TenantModel):
    """One file of clients and contacts. ``report`` holds the last check or run: the counts
    (``clients_created``, ``clients_updated``, ``contacts_created``, ``contacts_updated``,
    ``unchanged``) and ``errors``, every bad row as ``{"line", "reason"}``. A file with a bad
    row imports nothing."""

    file = models.FileField(_("file"), upload_to=client_import_upload_to, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(max_length=8)  # "csv" or "xlsx", from the file's bytes
    encoding = models.CharField(max_length=16, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ClientImportStatus.choices,
        default=ClientImportStatus.MAPPING,
    )
    header = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    # {"<column index>": "<target>"}, targets from ``clients.bulk.imports.TARGETS``.
    mapping = models.JSONField(default=dict, blank=True)
    primary_secretary = models.ForeignKey(
        "secretary.Membership",
        verbose_name=_("primary secretary of new clients"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("client import")
        verbose_name_plural = _("client imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["practice", "created_at"], name="client_import_idx")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def error_count(self) -> int:
        return len(self.report.get("errors", []))
