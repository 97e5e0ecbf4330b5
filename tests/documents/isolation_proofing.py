"""Proofing routes (portal and API) for the isolation harness, merged by ``isolation.py``."""

from __future__ import annotations

import hashlib
import io

from django.core.files.base import ContentFile
from django.utils import timezone

from documents.models import (
    Composition,
    CompositionStatus,
    CompositionVersion,
    DocumentKind,
    ProofComment,
)
from tests.documents.factories import DocumentFactory


def one_page_pdf() -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


def routes(world, client) -> dict[str, dict]:
    practice = world.practice
    data = one_page_pdf()
    document = DocumentFactory(
        practice=practice,
        client=client,
        ready=True,
        file=ContentFile(data, name="proof.pdf"),
        checksum=hashlib.sha256(data).hexdigest(),
        page_count=1,
        title=f"{practice.name} proof",
    )
    composition = Composition.objects.create(
        practice=practice,
        client=client,
        kind=DocumentKind.LETTER,
        title=f"{practice.name} newsletter",
        paper="A4",
        status=CompositionStatus.AWAITING_APPROVAL,
    )
    content = {"blocks": [{"type": "heading", "text": "Hello"}], "fields": {}}
    version = CompositionVersion.objects.create(
        practice=practice,
        composition=composition,
        number=1,
        content=content,
        content_hash=hashlib.sha256(repr(content).encode()).hexdigest(),
        document=document,
        sent_for_approval_at=timezone.now(),
    )
    ProofComment.objects.create(
        practice=practice, version=version, page=1, body="Looks good", author_name="Ana"
    )
    c = {"composition_id": composition.pk}
    return {
        "portal_compositions": {},
        "portal_composition_comment": c,
        "portal_composition_page": {**c, "version_id": version.pk, "page": 1},
        "api_composition_list": {},
        "api_composition_detail": c,
        "api_composition_render": c,
        "api_composition_send": c,
        "api_composition_versions": c,
        "api_composition_decide": c,
        "api_composition_comments": c,
        "api_document_detail": {"document_id": document.pk},
        "api_document_download": {"document_id": document.pk},
    }
