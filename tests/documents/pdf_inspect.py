"""Looking inside rendered PDFs: page sizes, text and where it sits, colours, fonts.

For the tests of the built-in kinds: each renders a kind's sample once through the real
renderer (``render_sample``) and asserts on what a reader of the PDF would see.
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Iterator

import pypdf
import pypdfium2

from documents.builtins import builtin_template
from documents.content.blocks import blocks_clean
from documents.rendering import Brand, RenderedDocument, plain, render_document
from documents.samples import sample_context
from tests.documents.factories import png_bytes

MM = 72 / 25.4  # points in a millimetre
PAPER_POINTS = {"A4": (595.28, 841.89), "letter": (612.0, 792.0), "A5": (419.53, 595.28)}

# A brand kit unlike the renderer's defaults, so a test sees the template use it.
BRAND = Brand(
    primary="#0b4f6c",
    secondary="#5b6576",
    accent="#c8553d",
    font="DejaVu Sans",
    tagline="Property and commercial lawyers since 1998",
    address_block="Northwind Legal\nLevel 9, 60 Martin Place\nSydney NSW 2000",
    logo=png_bytes((60, 20), "#d9a441"),
)
COLOUR_OPERATOR = re.compile(rb"(\d*\.?\d+) (\d*\.?\d+) (\d*\.?\d+) (?:rg|RG)\b")


def render(kind: str, context: dict, brand: Brand = BRAND) -> RenderedDocument:
    return render_document(
        template_source=builtin_template(kind).source, context=context, brand=brand
    )


@functools.lru_cache(maxsize=32)
def render_sample(kind: str, paper: str) -> RenderedDocument:
    """The sample of ``kind`` on ``paper``, rendered once per test run."""
    return render(kind, sample_context(kind, paper=paper))


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [
        (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))
        for page in reader(pdf).pages
    ]


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def _resources(page) -> Iterator:
    """The page's resource dictionaries, and those of the forms and patterns it draws."""
    pending = [page.get("/Resources")]
    seen = set()
    while pending:
        resources = pending.pop()
        if resources is None:
            continue
        resources = resources.get_object()
        if id(resources) in seen:
            continue
        seen.add(id(resources))
        yield resources
        for group in ("/XObject", "/Pattern"):
            for item in (resources.get(group) or {}).values():
                item = item.get_object()
                if "/Resources" in item:
                    pending.append(item["/Resources"])


def colours_used(pdf: bytes) -> set[tuple[float, float, float]]:
    """Every RGB colour set for filling or stroking, in pages, forms and patterns."""
    found = set()
    for page in reader(pdf).pages:
        streams = [page.get_contents()]
        for resources in _resources(page):
            for group in ("/XObject", "/Pattern"):
                for item in (resources.get(group) or {}).values():
                    item = item.get_object()
                    if hasattr(item, "get_data"):
                        streams.append(item)
        for stream in streams:
            if stream is None:
                continue
            for match in COLOUR_OPERATOR.finditer(stream.get_data()):
                found.add(tuple(float(value) for value in match.groups()))
    return found


def uses_colour(pdf: bytes, hex_colour: str) -> bool:
    target = tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return any(
        all(abs(a - b) < 0.002 for a, b in zip(colour, target, strict=True))
        for colour in colours_used(pdf)
    )


def fonts(pdf: bytes) -> dict[str, bool]:
    """Every font the pages use, by name, and whether its program is embedded."""
    found = {}
    for page in reader(pdf).pages:
        for resources in _resources(page):
            for font in (resources.get("/Font") or {}).values():
                font = font.get_object()
                descriptors = [font.get("/FontDescriptor")] + [
                    descendant.get_object().get("/FontDescriptor")
                    for descendant in font.get("/DescendantFonts", [])
                ]
                embedded = any(
                    key in descriptor.get_object()
                    for descriptor in descriptors
                    if descriptor is not None
                    for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                found[str(font.get("/BaseFont"))] = embedded
    return found


def text_boxes(
    pdf: bytes, text: str, page_index: int = 0
) -> list[tuple[float, float, float, float]]:
    """Where ``text`` is drawn on a page: (left, top, right, bottom) of each match, in
    millimetres from the page's top left corner."""
    document = pypdfium2.PdfDocument(pdf)
    page = document[page_index]
    height = page.get_height()
    text_page = page.get_textpage()
    searcher = text_page.search(text)
    boxes = []
    try:
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            left, _bottom, _right, top = text_page.get_charbox(start)
            _left, bottom, right, _top = text_page.get_charbox(start + count - 1)
            boxes.append((left / MM, (height - top) / MM, right / MM, (height - bottom) / MM))
    finally:
        searcher.close()
        text_page.close()
        page.close()
        document.close()
    return boxes


def assert_printed_piece(result: RenderedDocument, *, paper: str, pages: int) -> None:
    """The checks every kind passes: page size, page count, the brand's primary colour and
    fonts embedded."""
    width, height = PAPER_POINTS[paper]
    assert result.page_count == pages
    assert page_sizes(result.pdf) == [(width, height)] * pages
    assert uses_colour(result.pdf, BRAND.primary)
    used = fonts(result.pdf)
    assert used, "the document draws no text"
    assert all(used.values()), f"fonts not embedded: {[n for n, e in used.items() if not e]}"


CONTEXT_KEYS = {"title", "paper", "date", "client", "practice", "sender", "blocks", "fields"}


def _image_sources(value) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "src":
                yield item
            else:
                yield from _image_sources(item)
    elif isinstance(value, list):
        for item in value:
            yield from _image_sources(item)


def assert_plain_sample(kind: str) -> None:
    """The sample of ``kind`` holds the shared context as plain JSON values, its blocks are
    valid blocks, and its pictures are generated PNGs."""
    for paper in ("A4", "letter"):
        context = sample_context(kind, paper=paper)
        assert CONTEXT_KEYS <= set(context)
        assert context["paper"] == {"size": paper, "orientation": "portrait"}
        assert context["client"]["name"] == "Northwind Legal"
        assert json.loads(json.dumps(context)) == context
        plain(context)
        blocks_clean([block for block in context["blocks"] if block["type"] != "image"])
        for source in _image_sources(context):
            assert source.startswith("data:image/png;base64,")
