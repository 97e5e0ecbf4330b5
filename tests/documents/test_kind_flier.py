"""The built-in flier: one page on A4, US Letter and A5, a hero picture and a call to action."""

import pypdfium2
import pytest

from documents.samples import sample_context
from tests.documents.pdf_inspect import (
    BRAND,
    assert_plain_sample,
    assert_printed_piece,
    flat,
    pdf_text,
    render,
    render_sample,
)


def top_band_colours(pdf: bytes) -> set[tuple[int, int, int]]:
    """The colours of a strip across the top tenth of the first page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=0.5).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    strip = image.crop((image.width // 2, 0, image.width, image.height // 10))
    return {colour for _count, colour in strip.getcolors(maxcolors=100_000)}


def test_it_has_a_sample_of_plain_values():
    assert_plain_sample("flier")


@pytest.mark.parametrize("paper", ["A4", "letter", "A5"])
def test_it_prints_the_sample_flier_on_one_page(paper):
    # When the sample flier is rendered
    result = render_sample("flier", paper)

    # Then it is one page of the paper, in the brand, fonts embedded
    assert_printed_piece(result, paper=paper, pages=1)
    text = flat(pdf_text(result.pdf))
    for expected in (
        "Is your business legally fit for 2027?",
        "A free legal health check for small businesses",
        "Running a small business means signing leases",
        "We will review",
        "No obligation, no cost",
        "Book your free session",
        "+61 2 9000 4410 · northwindlegal.com.au/check",
        "Level 9, 60 Martin Place, Sydney",
        "Northwind Legal",
    ):
        assert expected in text


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_it_stays_on_one_page_when_the_text_is_too_long(paper):
    # Given a flier whose body holds far more than a page
    context = sample_context("flier", paper=paper)
    context["blocks"] = [{"type": "text", "markdown": "More to say about the offer. " * 60}] * 10

    # When it is rendered
    result = render("flier", context)

    # Then it is still one page, with the call to action
    assert result.page_count == 1
    assert "Book your free session" in flat(pdf_text(result.pdf))


def test_it_shows_the_hero_picture_across_the_top():
    # Given the sample flier, whose hero is a picture of many shades
    with_hero = top_band_colours(render_sample("flier", "A4").pdf)

    # When the same flier has no hero
    context = sample_context("flier")
    context["fields"] = {**context["fields"], "hero": {}}
    without_hero = top_band_colours(render("flier", context).pdf)

    # Then the picture fills the top, and without it the top is the brand's colour
    assert len(with_hero) > 20
    primary = tuple(int(BRAND.primary[i : i + 2], 16) for i in (1, 3, 5))
    assert without_hero == {primary}


def test_it_leaves_out_the_call_to_action_when_there_is_none():
    # Given a flier with only a headline and its body
    context = sample_context("flier", paper="A5")
    context["fields"] = {"headline": "Open day on Saturday"}

    # When it is rendered
    text = flat(pdf_text(render("flier", context).pdf))

    # Then the headline and body are there, and no empty call to action
    assert "Open day on Saturday" in text
    assert "Running a small business means signing leases" in text
    assert "Book your free session" not in text
