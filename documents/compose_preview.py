"""The live preview of a composition's unsaved content, rendered in-process.

The same path as a kept version (``compose.composition_context``, the kind's built-in template,
``rendering.render_document``), on a version that is never saved; the first pages come back as
PNG images. Kinds whose built-in template does not show the content blocks yet are previewed
with ``PLAIN_TEMPLATE``, so the editor shows what was typed.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import Any

from documents import compose
from documents.builtins import builtin_kinds, builtin_template
from documents.models import Composition, CompositionVersion
from documents.rendering import PREVIEW_WIDTH, render_document

PREVIEW_PAGES = 4

PLAIN_TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
  @page { size: {{ paper.size }} {{ paper.orientation }}; margin: 20mm; }
  header { display: flex; justify-content: space-between; border-bottom: 1pt solid {{ brand.primary }}; padding-bottom: 4mm; margin-bottom: 8mm; }
  header img { max-height: 16mm; max-width: 50mm; }
  header .from { text-align: right; font-size: 9pt; color: {{ brand.secondary }}; }
  h1 { color: {{ brand.primary }}; font-size: 20pt; margin: 0 0 6mm; }
  .meta { color: {{ brand.secondary }}; font-size: 9pt; margin-bottom: 8mm; }
  .block-heading { color: {{ brand.primary }}; }
  .block-cta a, .block-cta span { background: {{ brand.accent }}; color: #fff; }
  dl.fields { font-size: 9pt; color: {{ brand.secondary }}; margin-top: 10mm; }
  dl.fields dt { font-weight: bold; }
  dl.fields dd { margin: 0 0 2mm; }
</style></head>
<body>
<header>
  <div>{% if brand.logo_uri %}<img src="{{ brand.logo_uri }}" alt="">{% endif %}</div>
  <div class="from"><strong>{{ practice.name }}</strong><br>{{ sender.name }}</div>
</header>
<h1>{{ title }}</h1>
<div class="meta">{{ client.name }} · {{ date }}</div>
{{ blocks|blocks }}
{% if fields %}<dl class="fields">{% for key, value in fields.items %}<dt>{{ key }}</dt><dd>{{ value }}</dd>{% endfor %}</dl>{% endif %}
</body></html>
"""


@dataclass
class Preview:
    pages: list[str] = field(default_factory=list)  # data: URIs of PNG images
    page_count: int = 0


def preview_template(kind: str) -> str:
    """The kind's built-in template when it shows the blocks, else the plain one."""
    if kind in builtin_kinds():
        source = builtin_template(kind).source
        if "blocks" in source:
            return source
    return PLAIN_TEMPLATE


def pages_png(pdf: bytes, *, pages: int = PREVIEW_PAGES, width: int = PREVIEW_WIDTH) -> list[bytes]:
    """PNG images of the first ``pages`` pages, ``width`` pixels wide."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    images = []
    try:
        for index in range(min(pages, len(document))):
            page = document[index]
            image = page.render(scale=width / page.get_width()).to_pil()
            page.close()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            images.append(buffer.getvalue())
    finally:
        document.close()
    return images


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
        template_source=preview_template(composition.kind),
        context=context,
        brand=brand_from_kit(brand_for(practice=practice, client=composition.client)),
    )
    pages = [
        "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        for png in pages_png(rendered.pdf)
    ]
    return Preview(pages=pages, page_count=rendered.page_count)
