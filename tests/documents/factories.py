"""Factories of the documents app."""

import io

import factory
from django.core.files.base import ContentFile
from PIL import Image

from documents.models import Document, DocumentKind, DocumentStatus
from tests.factories import PracticeFactory, TenantFactory

# What a stored PDF looks like to the views (they never parse it).
FAKE_PDF = b"%PDF-1.7\n% a stand-in for a rendered document\n%%EOF\n"


def png_bytes(size: tuple[int, int] = (8, 8), colour: str = "#1f3a5f") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


class DocumentFactory(TenantFactory):
    class Meta:
        model = Document

    practice = factory.SubFactory(PracticeFactory)
    kind = DocumentKind.LETTER
    title = factory.Sequence(lambda n: f"Letter {n}")
    subject_type = ""
    subject_id = None
    template_version = "letter@test"
    render_key = factory.Sequence(lambda n: f"{n:064x}")
    status = DocumentStatus.QUEUED

    class Params:
        ready = factory.Trait(
            status=DocumentStatus.READY,
            file=factory.LazyFunction(lambda: ContentFile(FAKE_PDF, name="stored.pdf")),
            preview=factory.LazyFunction(lambda: ContentFile(png_bytes(), name="stored.png")),
            size=len(FAKE_PDF),
            page_count=1,
            checksum="0" * 64,
        )
        failed = factory.Trait(
            status=DocumentStatus.FAILED,
            failure_reason="Line 1 uses {% include %}, which document templates may not use.",
            attempts=1,
        )
