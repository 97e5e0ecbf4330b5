"""Business cards: one sheet per person, as many cards as fit, 2 mm bleed, crop marks outside."""

from dataclasses import dataclass

import pytest

from documents.builtins import builtin_template
from documents.rendering import render_document
from documents.samples import sample_context
from tests.documents.pdf_facts import (
    TEST_BRAND,
    assert_page_size,
    fill_colours,
    fonts_without_file,
    near,
    page_texts,
    rasterise,
    rgb,
)

BLEED = 2  # mm
DOTS = 20  # pixels per mm when rasterised


@dataclass(frozen=True)
class Layout:
    per_sheet: int
    left: float  # mm from the sheet's left edge to the first card's bleed
    top: float
    cell: tuple[float, float]  # a card with its bleed, mm
    columns: int
    rows: int


LAYOUTS = {
    ("A4", "85x55"): Layout(8, 16, 30.5, (89, 59), 2, 4),
    ("A4", "3.5x2"): Layout(10, 12.1, 11.5, (92.9, 54.8), 2, 5),
    ("letter", "85x55"): Layout(8, 18.95, 21.7, (89, 59), 2, 4),
    ("letter", "3.5x2"): Layout(8, 15.05, 30.1, (92.9, 54.8), 2, 4),
}


def render(context):
    return render_document(
        template_source=builtin_template("business_cards").source,
        context=context,
        brand=TEST_BRAND,
    )


def darkest_near(image, x_mm: float, y_mm: float, radius: int = 4) -> int:
    """The darkest pixel (sum of RGB) within ``radius`` pixels of a point."""
    x, y = round(x_mm * DOTS), round(y_mm * DOTS)
    return min(
        sum(image.getpixel((x + dx, y + dy)))
        for dx in range(-radius, radius + 1)
        for dy in range(-radius, radius + 1)
    )


def colour_at(image, x_mm: float, y_mm: float):
    return image.getpixel((round(x_mm * DOTS), round(y_mm * DOTS)))


@pytest.fixture(scope="module", params=sorted(LAYOUTS), ids=lambda key: "-".join(key))
def sheets(request):
    sheet, card_size = request.param
    context = sample_context("business_cards", paper=sheet)
    context["fields"]["card_size"] = card_size
    result = render(context)
    return sheet, LAYOUTS[request.param], result, rasterise(result.pdf, 1, dots_per_mm=DOTS)


def test_it_prints_one_sheet_per_person_with_as_many_cards_as_fit(sheets):
    sheet, layout, result, _image = sheets

    assert result.page_count == 2
    assert_page_size(result.pdf, sheet, "portrait")
    first, second = page_texts(result.pdf)
    assert first.count("olivia.chen@northwindlegal.com.au") == layout.per_sheet
    assert second.count("marcus.reid@northwindlegal.com.au") == layout.per_sheet
    assert "marcus.reid" not in first
    # the client's name on each card (set in capitals) and in the sheet's slug
    assert first.upper().count("NORTHWIND LEGAL") == layout.per_sheet + 1
    assert "Principal, Estates and Succession" in first


def test_it_runs_the_design_2_mm_past_the_trim(sheets):
    _sheet, layout, _result, image = sheets
    primary = TEST_BRAND.primary
    left, top = layout.left, layout.top
    middle = top + layout.cell[1] / 2

    # The band on the card's left edge is printed in the bleed: 1 mm outside the trim...
    assert near(colour_at(image, left + BLEED - 1, middle), primary)
    assert near(colour_at(image, left + 3, top + BLEED - 1), primary)
    assert near(colour_at(image, left + 3, top + layout.cell[1] - BLEED + 1), primary)
    # ... and stops where the bleed does
    assert near(colour_at(image, left - 0.5, middle), "#ffffff")
    assert near(colour_at(image, left + 3, top - 0.5), "#ffffff")


def test_it_draws_crop_marks_outside_the_trim_only(sheets):
    _sheet, layout, _result, image = sheets
    left, top = layout.left, layout.top
    width, height = layout.cell
    right = left + layout.columns * width
    bottom = top + layout.rows * height

    # Marks on the sheet's margins, in line with the cuts, 3 to 7 mm from the trim
    assert darkest_near(image, left + BLEED, top + BLEED - 5) < 200  # above the first card
    assert darkest_near(image, left + BLEED - 5, top + BLEED) < 200  # left of it
    assert darkest_near(image, right - BLEED, bottom - BLEED + 5) < 200  # below the last
    assert darkest_near(image, right - BLEED + 5, bottom - BLEED) < 200  # right of it
    # but none from an inner corner on the neighbouring card: where the second card's top
    # left mark and the lower card's top right mark would be, the first card shows
    assert near(colour_at(image, left + width - 3, top + BLEED), "#ffffff")
    assert near(colour_at(image, left + width - BLEED, top + height - 3), "#ffffff")


def test_it_uses_the_brand_colours_and_embeds_its_fonts(sheets):
    _sheet, _layout, result, _image = sheets

    assert rgb(TEST_BRAND.primary) in fill_colours(result.pdf)
    assert fonts_without_file(result.pdf) == set()


def test_it_leaves_out_the_contacts_a_person_does_not_have():
    # Given a person with a name only
    context = sample_context("business_cards")
    context["fields"]["people"] = [{"name": "Sam Ortiz"}]

    # When the sheet is rendered
    result = render(context)

    # Then the cards show the name and the client, without empty labels
    assert result.page_count == 1
    text = page_texts(result.pdf)[0]
    assert text.count("Sam Ortiz") == 8 + 1  # eight cards and the sheet's slug line
    assert "Northwind Legal" in text
    lines = {line.strip() for line in text.splitlines()}
    assert not lines & {"T", "E", "W"}
