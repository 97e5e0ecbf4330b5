"""Every page of a rendered document as a PNG, for proofing: rasterised once per page and width,
kept in storage beside the document and keyed by its checksum."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

from documents import pdfium
from documents.models import Document

PAGE_WIDTH = 1000


class NoSuchPage(LookupError):
    """The document has no page of that number."""


def page_png(pdf: bytes, page: int, width: int) -> bytes:
    """A PNG of page ``page`` (from 1) of ``pdf``, ``width`` pixels wide; NoSuchPage when the
    document is shorter."""
    with pdfium.opened(pdf) as document:
        if page < 1 or page > len(document):
            raise NoSuchPage(page)
        return pdfium.page_png(document, page - 1, width)


def page_name(document: Document, page: int, width: int = PAGE_WIDTH) -> str:
    # The checksum names the PDF's bytes: a document rendered again gets new pages.
    return f"documents/{document.practice_id}/pages/{document.checksum}/{page}-{width}.png"


def page_file(document: Document, page: int, width: int = PAGE_WIDTH) -> FieldFile:
    """The stored PNG of page ``page`` of a ready document, made on the first request."""
    if not document.checksum or not document.file or page < 1:
        raise NoSuchPage(page)
    if document.page_count and page > document.page_count:
        raise NoSuchPage(page)
    field = Document._meta.get_field("preview")
    storage = document.file.storage
    name = page_name(document, page, width)
    if not storage.exists(name):
        with document.file.open("rb") as handle:
            png = page_png(handle.read(), page, width)
        if not storage.exists(name):  # another request made it meanwhile
            name = storage.save(name, ContentFile(png))
    return FieldFile(document, field, name)
