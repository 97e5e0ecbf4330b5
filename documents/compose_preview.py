"""The live preview of a composition's unsaved content, rendered in-process.

The same path as a kept version (``compose.composition_context``, the composition's template,
``rendering.render_document``), on a version that is never saved; the first pages come back as
PNG images.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from documents import compose, pdfium
from documents.builtins import builtin_template
from documents.kinds import content_problems
from documents.models import Composition, CompositionVersion
from documents.rendering import PREVIEW_WIDTH, practice_media_folder, render_document
from documents.template_library_store import template_source_for

PREVIEW_PAGES = 4


@dataclass
class Preview:
    pages: list[str] = field(default_factory=list)  # data: URIs of PNG images
    page_count: int = 0
    # What would stop the document being sent (a card sheet with nobody on it) and what the
    # layout found (a panel whose text overflows), shown beside the pages.
    warnings: list[str] = field(default_factory=list)


def preview_template(kind: str) -> str:
    """The kind's built-in template (every kind people compose has one)."""
    return builtin_template(kind).source


def pages_png(pdf: bytes, *, pages: int = PREVIEW_PAGES, width: int = PREVIEW_WIDTH) -> list[bytes]:
    """PNG images of the first ``pages`` pages, ``width`` pixels wide."""
    return pdfium.pages_png(pdf, pages=pages, width=width)


def composition_preview(
    *, practice, composition: Composition, content: dict[str, Any], user=None
) -> Preview:
    """Render ``content`` as the next version would look; nothing is saved.

    Raises ``ApplicationError`` for content the service refuses and ``RenderError`` for what
    the renderer refuses (both with a message fit for the user).
    """
    from clients.selectors import brand_for
    from documents.agreements import brand_from_kit

    clean = compose.content_clean(practice=practice, composition=composition, content=content)
    latest = compose.version_latest(composition)
    version = CompositionVersion(
        practice=practice,
        composition=composition,
        number=(latest.number + 1) if latest else 1,
        content=clean,
        content_hash=compose.content_hash(clean),
        created_by=user,
    )
    context = compose.composition_context(composition, version)
    rendered = render_document(
        template_source=template_source_for(composition),
        context=context,
        brand=brand_from_kit(brand_for(practice=practice, client=composition.client)),
        media_folder=practice_media_folder(practice.pk),
    )
    pages = [
        "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        for png in pages_png(rendered.pdf)
    ]
    problems = content_problems(composition.kind, clean.get("fields", {}))
    return Preview(
        pages=pages,
        page_count=rendered.page_count,
        warnings=[*problems.values(), *rendered.warnings],
    )
