"""Writes of the documents app: asking for a rendered document, retrying, and the worker's
state transitions (queued → rendering → ready | failed)."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.builtins import builtin_template
from documents.models import (
    STALE_RENDERING_AFTER,
    Document,
    DocumentStatus,
    render_lease,
    stalled_q,
)
from documents.rendering import Brand, RenderedDocument, RenderError, plain, preview_png
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.models import Practice, User


def _as_json(value: Any) -> Any:
    """The value as stored: JSON types only (Decimals and dates become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def render_key_for(
    *,
    template_version: str,
    kind: str,
    title: str,
    client_id: int | None,
    subject_type: str,
    subject_id: int | None,
    context: Any,
    brand: Brand,
) -> str:
    """SHA-256 of the template version and everything that ends up in the file."""
    payload = {
        "template": template_version,
        "kind": kind,
        "title": title,
        "client": client_id,
        "subject": [subject_type, subject_id],
        "context": context,
        "brand": brand.fingerprint(),
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _store_logo(*, practice: Practice, brand: Brand) -> str:
    """Keep the logo the worker will need, once per distinct image (content-addressed)."""
    if not brand.logo:
        return ""
    media_type = brand.logo_media_type() or "image/png"
    extension = media_type.split("/")[1].replace("jpeg", "jpg")
    name = f"documents/{practice.pk}/assets/{hashlib.sha256(brand.logo).hexdigest()}.{extension}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(brand.logo))
    return name


def brand_to_json(*, practice: Practice, brand: Brand) -> dict[str, str]:
    data = brand.fingerprint()
    data["logo_name"] = _store_logo(practice=practice, brand=brand)
    return data


def brand_from_json(data: dict[str, Any]) -> Brand:
    """The brand kit stored on a document, with its logo read back from storage."""
    logo = None
    logo_name = data.get("logo_name")
    if logo_name:
        if not default_storage.exists(logo_name):
            raise RenderError(_("The logo of this document's brand kit is missing."))
        with default_storage.open(logo_name, "rb") as handle:
            logo = handle.read()
    defaults = Brand()
    return Brand(
        primary=data.get("primary") or defaults.primary,
        secondary=data.get("secondary") or defaults.secondary,
        accent=data.get("accent") or defaults.accent,
        font=data.get("font") or defaults.font,
        tagline=data.get("tagline", ""),
        address_block=data.get("address_block", ""),
        logo=logo,
    )


def document_request_render(
    *,
    practice: Practice,
    kind: str,
    title: str,
    client=None,
    subject_type: str = "",
    subject_id: int | None = None,
    context: dict[str, Any],
    brand: Brand | None = None,
    requested_by: User | None = None,
    template_version: str | None = None,
) -> Document:
    """Ask for a document to be rendered by a worker; return its row.

    ``context`` holds plain, display-ready values (it is stored as JSON: Decimals and dates
    become strings). The same template version and data give the same ``render_key``: a ready
    document with that key is returned as is, a queued one is reused (and enqueued again, which
    the idempotent task tolerates), a failed one is queued again. Nothing is enqueued before
    the transaction commits. ``template_version`` names a practice's own template version
    (``documents.template_library_store``); the kind's built-in by default.
    """
    template_version = template_version or builtin_template(kind).version
    brand = brand or Brand()
    try:
        brand.check()
        brand.logo_media_type()
        plain(context)
    except RenderError as error:
        raise ApplicationError(error.message) from error
    stored_context = _as_json(context)
    client_id = client.pk if client is not None else None
    key = render_key_for(
        template_version=template_version,
        kind=kind,
        title=title,
        client_id=client_id,
        subject_type=subject_type,
        subject_id=subject_id,
        context=stored_context,
        brand=brand,
    )
    from documents.tasks import render_document

    defaults = {
        "kind": kind,
        "title": title[:200],
        "subject_type": subject_type,
        "subject_id": subject_id,
        "template_version": template_version,
        "context": stored_context,
        "brand": brand_to_json(practice=practice, brand=brand),
        "created_by": requested_by,
        "client": client,
    }
    with transaction.atomic():
        document, created = Document.objects.for_practice(practice).get_or_create(
            practice=practice,
            render_key=key,
            defaults=defaults,
        )
        if created:
            activity_record(
                practice=practice,
                actor=requested_by,
                verb="document.requested",
                target=document,
                data={"kind": kind},
            )
        elif document.can_retry:  # failed, or left rendering by a dead worker
            _requeue(document)
        elif document.status != DocumentStatus.QUEUED:
            return document  # ready, or a worker is on it
        enqueue_on_commit(render_document, practice_id=practice.pk, document_id=document.pk)
    return document


def _requeue(document: Document) -> None:
    document.status = DocumentStatus.QUEUED
    document.failure_reason = ""
    document.claimed_until = None
    document.save(update_fields=["status", "failure_reason", "claimed_until", "updated_at"])


@transaction.atomic
def document_retry(*, practice: Practice, document: Document, user: User) -> Document:
    """Queue a failed (or stalled) document again."""
    document = (
        Document.objects.for_practice(practice).select_for_update().filter(pk=document.pk).first()
    )
    if document is None:
        raise ApplicationError(_("This document no longer exists."))
    if not document.can_retry:
        raise ApplicationError(_("Only a document that failed can be retried."))
    _requeue(document)
    activity_record(practice=practice, actor=user, verb="document.retried", target=document)
    from documents.tasks import render_document

    enqueue_on_commit(render_document, practice_id=practice.pk, document_id=document.pk)
    return document


# --- The worker's transitions --------------------------------------------------------------


def document_claim(*, practice_id: int, document_id: int) -> Document | None:
    """Move a queued document to rendering under a lease; None if it is not this run's to
    render.

    One conditional UPDATE makes the transition atomic: of two concurrent runs only one
    changes the row, so only one renders and stores a file. A ready or failed document is
    never claimed (the task is idempotent). A row left "rendering" by a dead worker is
    claimed again once its lease (longer than the task's hard time limit) has expired.
    """
    now = timezone.now()
    claimable = Q(status=DocumentStatus.QUEUED) | stalled_q(now)
    # One statement: atomic on its own (the caller's transaction commits it before rendering).
    claimed = (
        Document.objects.for_practice(practice_id)
        .filter(claimable, pk=document_id)
        .update(
            status=DocumentStatus.RENDERING,
            rendering_started_at=now,
            claimed_until=now + render_lease(),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    if not claimed:
        return None
    return Document.objects.for_practice(practice_id).select_related("practice").get(pk=document_id)


def _finish(document: Document, **values: Any) -> bool:
    """Apply ``values`` only if this run still holds the claim (status rendering)."""
    values["updated_at"] = timezone.now()
    return bool(
        Document.objects.for_practice(document.practice_id)
        .filter(
            pk=document.pk,
            status=DocumentStatus.RENDERING,
            rendering_started_at=document.rendering_started_at,
        )
        .update(**values)
    )


def document_store_result(*, document: Document, result: RenderedDocument) -> bool:
    """Save the PDF and mark the document ready (False if the claim was lost); its preview is
    made next, on its own (``document_make_preview``)."""
    from documents.tasks import render_preview

    pdf_name = default_storage.save(
        document.file.field.generate_filename(document, f"{secrets.token_hex(16)}.pdf"),
        ContentFile(result.pdf),
    )
    stored = _finish(
        document,
        status=DocumentStatus.READY,
        file=pdf_name,
        preview="",
        size=result.size,
        page_count=result.page_count,
        checksum=result.checksum,
        failure_reason="",
        rendered_at=timezone.now(),
    )
    if not stored:  # another run took over; leave no orphan file behind
        default_storage.delete(pdf_name)
        return False
    enqueue_on_commit(render_preview, practice_id=document.practice_id, document_id=document.pk)
    return True


def document_make_preview(*, practice_id: int, document_id: int) -> Document | None:
    """Make and keep the PNG of a ready document's first page, once; the document, or None if
    it is not ready (any more).

    Idempotent: a document that has its preview is left alone, and a preview is only kept for
    the file it was made from (a document rendered again meanwhile gets its own).
    """
    document = (
        Document.objects.for_practice(practice_id)
        .filter(pk=document_id, status=DocumentStatus.READY)
        .first()
    )
    if document is None or not document.file:
        return None
    if document.preview:
        return document
    with document.file.open("rb") as handle:
        png = preview_png(handle.read())
    name = default_storage.save(
        document.preview.field.generate_filename(document, f"{secrets.token_hex(16)}.png"),
        ContentFile(png),
    )
    kept = (
        Document.objects.for_practice(practice_id)
        .filter(pk=document_id, status=DocumentStatus.READY, file=document.file.name, preview="")
        .update(preview=name)
    )
    if not kept:
        default_storage.delete(name)
        document.refresh_from_db()
        return document
    document.preview.name = name
    return document


def document_fail(*, document: Document, reason: str) -> bool:
    return _finish(document, status=DocumentStatus.FAILED, failure_reason=str(reason)[:2000])


def document_release(*, document: Document) -> bool:
    """Give the claim back (a transient error): the retried task can claim it again."""
    return _finish(document, status=DocumentStatus.QUEUED, claimed_until=None)


def document_lease_left(*, practice_id: int, document_id: int) -> float | None:
    """Seconds until another run may claim the document, when a live claim holds it."""
    claim = (
        Document.objects.for_practice(practice_id)
        .filter(pk=document_id, status=DocumentStatus.RENDERING)
        .values_list("claimed_until", "rendering_started_at")
        .first()
    )
    if claim is None:
        return None
    claimed_until, started_at = claim
    if claimed_until is None and started_at is not None:
        claimed_until = started_at + STALE_RENDERING_AFTER  # claimed before leases were kept
    if claimed_until is None:
        return None
    until = claimed_until
    left = (until - timezone.now()).total_seconds()
    return left if left > 0 else None


def documents_requeue_stalled(*, practice: Practice) -> list[int]:
    """Queue again the practice's documents whose rendering worker died (expired lease), and
    return their ids. Each is enqueued once per expiry: the row goes back to queued."""
    from documents.tasks import render_document

    now = timezone.now()
    requeued = []
    with transaction.atomic():
        stalled = list(
            Document.objects.for_practice(practice)
            .filter(stalled_q(now))
            .values_list("pk", flat=True)
        )
        for document_id in stalled:
            moved = (
                Document.objects.for_practice(practice)
                .filter(stalled_q(now), pk=document_id)
                .update(status=DocumentStatus.QUEUED, claimed_until=None, updated_at=now)
            )
            if moved:
                enqueue_on_commit(render_document, practice_id=practice.pk, document_id=document_id)
                requeued.append(document_id)
    return requeued
