"""Documents a practice produces (service agreements now; letters, invoices… later)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field
from secretary.tenancy import TenantModel


class DocumentKind(models.TextChoices):
    SERVICE_AGREEMENT = "service_agreement", _("Service agreement")
    LETTER = "letter", _("Letter")
    NEWSLETTER = "newsletter", _("Newsletter")
    BROCHURE = "brochure", _("Brochure")
    FLIER = "flier", _("Flier")
    BOOKLET = "booklet", _("Booklet")
    BUSINESS_CARDS = "business_cards", _("Business cards")
    PRESENTATION_HANDOUT = "presentation_handout", _("Presentation handout")
    TRAVEL_ITINERARY = "travel_itinerary", _("Travel itinerary")
    MEETING_AGENDA = "meeting_agenda", _("Meeting agenda")
    MEETING_MINUTES = "meeting_minutes", _("Meeting minutes")
    INVOICE = "invoice", _("Invoice")
    LEDGER_REPORT = "ledger_report", _("Financial report")
    MONTH_END_PACK = "month_end_pack", _("Month-end pack")
    STATEMENT_OF_ACCOUNT = "statement_of_account", _("Statement of account")


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


PENDING_STATUSES = (DocumentStatus.QUEUED, DocumentStatus.RENDERING)
# The render task's hard time limit (seconds). A worker claims a document for a lease longer
# than that (plus a margin): a row still "rendering" once its lease has expired was left by a
# worker that died or was killed. It is stalled: the sweep queues it again (and people may retry).
RENDER_TIME_LIMIT = 180
STALE_RENDERING_AFTER = timedelta(seconds=RENDER_TIME_LIMIT + 60)


def render_lease() -> timedelta:
    """How long a claim on a document lasts (``DOCUMENT_RENDER_LEASE_SECONDS`` to tune)."""
    seconds = getattr(settings, "DOCUMENT_RENDER_LEASE_SECONDS", None)
    return timedelta(seconds=seconds) if seconds else STALE_RENDERING_AFTER


def stalled_q(now) -> models.Q:
    """Documents left rendering by a worker whose claim has expired."""
    return models.Q(status=DocumentStatus.RENDERING) & (
        models.Q(claimed_until__lt=now)
        # Claimed before leases were recorded: the start time and the fixed lease.
        | models.Q(claimed_until__isnull=True, rendering_started_at__lt=now - STALE_RENDERING_AFTER)
    )


def _upload_to(instance: Document, filename: str) -> str:
    # Names are random (see services): files are only ever served by permission-checked views.
    return f"documents/{instance.practice_id}/{filename}"


class Document(TenantModel):
    """One rendered file of a template version and its data.

    ``render_key`` (SHA-256 of the template version and everything rendered) is unique in the
    practice, so asking again for the same document returns this row instead of a second file.
    The data to render is kept as plain JSON (``context``, ``brand``) for the worker and retries.
    """

    # A client's document is visible to that client's contacts (those allowed documents);
    # without a client it is the practice's own.
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        # RESTRICT (see Task.client): a client's documents never silently become the
        # practice's own; the client is archived instead.
        on_delete=models.RESTRICT,
        related_name="documents",
        verbose_name=_("client"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    # What the document is about, e.g. ("clients.engagement", 42).
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    template_version = models.CharField(max_length=80)
    context = models.JSONField(default=dict, blank=True)
    brand = models.JSONField(default=dict, blank=True)
    render_key = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    failure_reason = text_field(_("reason"), blank=True, max_length=limits.TEXT_SHORT)
    attempts = models.PositiveIntegerField(default=0)
    file = models.FileField(_("file"), upload_to=_upload_to, blank=True)
    preview = models.FileField(_("preview"), upload_to=_upload_to, blank=True)
    size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    rendering_started_at = models.DateTimeField(null=True, blank=True)
    # The rendering worker's lease: past it, another run (or the sweep) may take the document.
    claimed_until = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "render_key"], name="document_unique_render_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["practice", "subject_type", "subject_id"], name="document_subject_idx"
            ),
            models.Index(fields=["practice", "status"], name="document_status_idx"),
            models.Index(fields=["practice", "client", "-created_at"], name="document_client_idx"),
            # The documents list: newest first, a page at a time.
            models.Index(fields=["practice", "-created_at", "-id"], name="document_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_stalled(self) -> bool:
        if self.status != DocumentStatus.RENDERING:
            return False
        now = timezone.now()
        if self.claimed_until is not None:
            return self.claimed_until < now
        return (
            self.rendering_started_at is not None
            and self.rendering_started_at < now - STALE_RENDERING_AFTER
        )

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES and not self.is_stalled

    @property
    def can_retry(self) -> bool:
        return self.status == DocumentStatus.FAILED or self.is_stalled

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == DocumentStatus.FAILED


# --- Documents people write: content in versions, proofed and approved by the client --------


class CompositionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the client's approval")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")


class PaperSize(models.TextChoices):
    A4 = "A4", _("A4")
    LETTER = "letter", _("US Letter")
    A5 = "A5", _("A5")


def _asset_upload_to(instance: DocumentAsset, filename: str) -> str:
    # Random names (the original is kept in the row); a practice's files live under its own
    # folder, the only one its documents may read (see documents.rendering).
    return f"documents/{instance.practice_id}/assets/{filename}"


class DocumentAsset(TenantModel):
    """An image of a client's files that documents use (raster only, typed by its bytes)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="document_assets"
    )
    file = models.FileField(upload_to=_asset_upload_to, max_length=200)
    original_name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["practice", "client"], name="docasset_client_idx")]

    def __str__(self) -> str:
        return self.original_name


class Composition(TenantModel):
    """A document people write (a letter, a newsletter issue, a brochure…) for a client.

    Its content lives in numbered, immutable versions; each version may be rendered and sent
    to the client for approval. The approved version is locked: no further version is made.
    """

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.RESTRICT,
        related_name="compositions",
        verbose_name=_("client"),
    )
    task = models.ForeignKey(
        "tasks.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compositions",
        verbose_name=_("task"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    paper = models.CharField(_("paper"), max_length=8, choices=PaperSize.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CompositionStatus.choices,
        default=CompositionStatus.DRAFT,
    )
    approved_version = models.ForeignKey(
        "CompositionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The practice's own template of this kind; none: the kind's built-in. Its latest version
    # renders the document (and is part of the render key, see template_library_store).
    template = models.ForeignKey(
        "DocumentTemplate",
        null=True,
        blank=True,
        # RESTRICT: a template in use is archived, never deleted from under its documents.
        on_delete=models.RESTRICT,
        related_name="compositions",
        verbose_name=_("template"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(
                fields=["practice", "client", "-updated_at"], name="composition_client_idx"
            ),
            models.Index(fields=["practice", "status"], name="composition_status_idx"),
            models.Index(fields=["practice", "task"], name="composition_task_idx"),
            # The composed documents list: last changed first, a page at a time.
            models.Index(fields=["practice", "-updated_at", "-id"], name="composition_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        return self.status == CompositionStatus.APPROVED


class CompositionVersion(TenantModel):
    """One saved state of a composition's content (blocks and the kind's fields); never changes."""

    composition = models.ForeignKey(Composition, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField(default=dict)
    # SHA-256 of the canonical content: what an approval names, and how an unchanged save is
    # recognised (it makes no new version).
    content_hash = models.CharField(max_length=64)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_for_approval_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["composition", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "composition", "number"], name="composition_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.composition} v{self.number}"


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class Approval(TenantModel):
    """A client's decision on exactly one version of something: who, when, from where, and the
    hash of what they saw. Never changed or deleted with what it approves."""

    subject_type = models.CharField(max_length=64)  # e.g. "documents.composition_version"
    subject_id = models.BigIntegerField()
    content_hash = models.CharField(max_length=64)
    decision = models.CharField(max_length=20, choices=ApprovalDecision.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150)  # as typed or as the account reads
    comment = text_field(_("comment"), blank=True, max_length=limits.TEXT_SHORT)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(
                fields=["practice", "subject_type", "subject_id"], name="approval_subject_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.name}"


class ProofComment(TenantModel):
    """A remark on a version, pinned to a page (and a spot on it, in % of the page)."""

    version = models.ForeignKey(
        CompositionVersion, on_delete=models.CASCADE, related_name="comments"
    )
    page = models.PositiveIntegerField(_("page"))
    x = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    y = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    body = text_field(_("comment"), max_length=limits.TEXT_SHORT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    from_client = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["page", "created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


# --- The practice's own document templates ---------------------------------------------------


TEMPLATE_SOURCE_MAX = 200_000


class DocumentTemplate(TenantModel):
    """A practice's template of one kind (often a customised built-in), in numbered versions.

    Its current source is its latest version; an archived template is no longer offered for
    new documents, while documents that use it keep rendering with it.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = text_field(_("description"), blank=True, max_length=limits.TEXT_SHORT)
    archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        indexes = [
            models.Index(fields=["practice", "kind", "archived"], name="doctemplate_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentTemplateVersion(TenantModel):
    """One saved source of a practice's template; never changes (a restore is a new version)."""

    template = models.ForeignKey(
        DocumentTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    source = text_field(_("source"), max_length=TEMPLATE_SOURCE_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "template", "number"], name="doctemplate_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"
