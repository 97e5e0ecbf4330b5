"""What a rendered PDF shows, read back for the print kinds' tests: page sizes, text, where a
text sits, fill colours, embedded fonts and pixels."""

from __future__ import annotations

import io
import re

import pypdf

from documents.rendering import Brand
from tests.documents.factories import png_bytes

# Page sizes in points, portrait.
PAPER_POINTS = {"A4": (595.28, 841.89), "letter": (612.0, 792.0), "A5": (419.53, 595.28)}
MM = 72 / 25.4  # points per millimetre

# A brand kit whose colours appear nowhere else in the samples.
TEST_BRAND = Brand(
    primary="#7b2d8e",
    secondary="#3c4a5c",
    accent="#d4572a",
    tagline="Clear advice. Lasting plans.",
    logo=png_bytes((450, 120), "#7b2d8e"),  # wider and taller than any logo box
)

_COLOUR_OP = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (rg|RG)\b")


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def expected_size(paper: str, orientation: str = "portrait") -> tuple[float, float]:
    width, height = PAPER_POINTS[paper]
    return (height, width) if orientation == "landscape" else (width, height)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [
        (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))
        for page in reader(pdf).pages
    ]


def assert_page_size(pdf: bytes, paper: str, orientation: str = "portrait") -> None:
    width, height = expected_size(paper, orientation)
    for page_width, page_height in page_sizes(pdf):
        assert abs(page_width - width) < 0.05 and abs(page_height - height) < 0.05, (
            f"page of {page_width} x {page_height} pt, expected {paper} {orientation}"
        )


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def text_positions(pdf: bytes, page_number: int) -> list[tuple[str, float, float]]:
    """The text runs of a page (from 1) with their x and y in points from the bottom left."""
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            runs.append((text, x, y))

    reader(pdf).pages[page_number - 1].extract_text(visitor_text=visit)
    return runs


def text_x(pdf: bytes, page_number: int, needle: str) -> float:
    """Where the first text run holding ``needle`` starts, in points from the left edge."""
    for text, x, _y in text_positions(pdf, page_number):
        if needle in text:
            return x
    raise AssertionError(f"{needle!r} is not on page {page_number}")


def _content_streams(page) -> list[bytes]:
    contents = page.get_contents()
    streams = [contents.get_data()] if contents is not None else []
    seen = set()

    def forms(resources):
        xobjects = resources.get("/XObject") if resources else None
        for xobject in (xobjects.get_object() if xobjects else {}).values():
            form = xobject.get_object()
            if form.get("/Subtype") != "/Form" or id(form) in seen:
                continue
            seen.add(id(form))
            streams.append(form.get_data())
            forms(form.get("/Resources"))

    forms(page.get("/Resources"))
    return streams


def fill_colours(pdf: bytes) -> set[tuple[float, float, float]]:
    """Every RGB colour set for filling or stroking, rounded to 3 decimals."""
    colours = set()
    for page in reader(pdf).pages:
        for stream in _content_streams(page):
            for red, green, blue, _op in _COLOUR_OP.findall(stream):
                colours.add(tuple(round(float(part), 3) for part in (red, green, blue)))
    return colours


def rgb(colour: str) -> tuple[float, float, float]:
    return tuple(round(int(colour[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))


def fonts_without_file(pdf: bytes) -> set[str]:
    """Fonts in the pages' resources that do not embed their font file."""
    missing = set()
    for page in reader(pdf).pages:
        fonts = page["/Resources"].get("/Font")
        for font in (fonts.get_object() if fonts else {}).values():
            font = font.get_object()
            descriptors = [
                descendant.get_object().get("/FontDescriptor")
                for descendant in font.get("/DescendantFonts", [])
            ] or [font.get("/FontDescriptor")]
            for descriptor in descriptors:
                keys = descriptor.get_object().keys() if descriptor else ()
                if not any(str(key).startswith("/FontFile") for key in keys):
                    missing.add(str(font.get("/BaseFont")))
    return missing


def fonts_in(pdf: bytes) -> set[str]:
    names = set()
    for page in reader(pdf).pages:
        fonts = page["/Resources"].get("/Font")
        for font in (fonts.get_object() if fonts else {}).values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


def rasterise(pdf: bytes, page_number: int, *, dots_per_mm: float = 8):
    """A page (from 1) as a PIL image, ``dots_per_mm`` pixels per millimetre."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[page_number - 1]
        image = page.render(scale=dots_per_mm / MM).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    return image


def pixel_at(image, x_mm: float, y_mm: float, *, dots_per_mm: float = 8) -> tuple[int, int, int]:
    """The colour at ``x_mm``, ``y_mm`` from the page's top left corner."""
    return image.getpixel((round(x_mm * dots_per_mm), round(y_mm * dots_per_mm)))


def near(pixel: tuple[int, int, int], colour: str, tolerance: int = 24) -> bool:
    wanted = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return all(abs(have - want) <= tolerance for have, want in zip(pixel, wanted, strict=True))


def dark(pixel: tuple[int, int, int]) -> bool:
    return sum(pixel) < 3 * 160
