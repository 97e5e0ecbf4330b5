"""Reads of the documents app. Every read names its practice; contacts also name their client."""

from __future__ import annotations

from django.http import Http404

from documents.models import Document, DocumentStatus
from secretary.models import Practice


def document_get(*, practice: Practice, document_id: int, client=None) -> Document:
    """The practice's document (only ``client``'s when given); Http404 when absent."""
    documents = Document.objects.for_practice(practice).filter(pk=document_id)
    if client is not None:
        documents = documents.filter(client=client)
    document = documents.select_related("client").first()
    if document is None:
        raise Http404
    return document


def document_get_ready(*, practice: Practice, document_id: int, client=None) -> Document:
    """A document whose file can be served; Http404 until it is ready."""
    document = document_get(practice=practice, document_id=document_id, client=client)
    if document.status != DocumentStatus.READY or not document.file:
        raise Http404
    return document


def documents_for_subject(
    *, practice: Practice, subject_type: str, subject_id: int, client=None
) -> list[Document]:
    documents = Document.objects.for_practice(practice).filter(
        subject_type=subject_type, subject_id=subject_id
    )
    if client is not None:
        documents = documents.filter(client=client)
    return list(documents.order_by("-created_at", "-id"))


def document_list(*, practice: Practice):
    """All documents of the practice, newest first, with what the list shows (only that: not
    the context and brand a document was made from, nor its author's password hash)."""
    return (
        Document.objects.for_practice(practice)
        .select_related("created_by", "client")
        .only(
            "practice",
            "title",
            "kind",
            "status",
            "failure_reason",
            "claimed_until",
            "rendering_started_at",
            "created_at",
            "page_count",
            "size",
            "created_by__full_name",
            "created_by__email",
            "client__name",
        )
        .order_by("-created_at", "-id")
    )


def composition_get(*, practice: Practice, composition_id: int, client=None):
    """The practice's composition (only ``client``'s when given); Http404 when absent."""
    from documents.models import Composition

    rows = Composition.objects.for_practice(practice).filter(pk=composition_id)
    if client is not None:
        rows = rows.filter(client=client)
    composition = rows.select_related("client", "task", "approved_version").first()
    if composition is None:
        raise Http404
    return composition
