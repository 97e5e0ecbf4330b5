"""The tri-fold brochure: two landscape sides, six panels where a letter fold puts them."""

import pytest

from documents.builtins import builtin_template
from documents.rendering import Brand, render_document
from documents.samples import sample_context
from tests.documents.pdf_facts import (
    MM,
    TEST_BRAND,
    assert_page_size,
    fill_colours,
    fonts_without_file,
    page_texts,
    rgb,
    text_x,
)

# Panel widths in mm: two full panels and the inside flap, 2 mm narrower.
PANELS = {"A4": (99.667, 97.667), "letter": (93.8, 91.8)}
PANEL_PADDING = 9  # mm, left and right


def render(context, brand=TEST_BRAND):
    return render_document(
        template_source=builtin_template("brochure").source, context=context, brand=brand
    )


@pytest.fixture(scope="module", params=["A4", "letter"])
def sample(request):
    paper = request.param
    return paper, render(sample_context("brochure", paper=paper))


def test_it_prints_two_landscape_sides_of_the_paper(sample):
    paper, result = sample

    assert result.page_count == 2
    assert_page_size(result.pdf, paper, "landscape")
    assert result.warnings == ()


def test_it_puts_the_panels_where_a_letter_fold_needs_them(sample):
    paper, result = sample
    outside, inside = page_texts(result.pdf)
    full, narrow = PANELS[paper]

    # Outside: inside flap (2) | back cover (6) | front cover (1)
    assert "Why plan now?" in outside and "Talk to us" in outside
    assert "made clear" in outside
    flap, back = text_x(result.pdf, 1, "Why plan now?"), text_x(result.pdf, 1, "Talk to us")
    cover = text_x(result.pdf, 1, "Estate")
    assert flap < back < cover
    # the flap is the narrow panel, so the back cover starts 2 mm earlier than a third
    assert back == pytest.approx((narrow + PANEL_PADDING) * MM, abs=1)
    assert cover == pytest.approx((narrow + full + PANEL_PADDING) * MM, abs=1)

    # Inside: 3 | 4 | 5, the narrow one (backing the flap) on the right
    assert "What we do" in inside and "How it works" in inside and "Fixed fees" in inside
    assert text_x(result.pdf, 2, "What we do") == pytest.approx(PANEL_PADDING * MM, abs=1)
    assert text_x(result.pdf, 2, "How it works") == pytest.approx(
        (full + PANEL_PADDING) * MM, abs=1
    )
    assert text_x(result.pdf, 2, "Fixed fees") == pytest.approx(
        (2 * full + PANEL_PADDING) * MM, abs=1
    )


def test_it_shows_the_client_on_the_covers(sample):
    _paper, result = sample
    outside = page_texts(result.pdf)[0]

    assert outside.count("Northwind Legal") >= 2  # front cover and back cover
    assert "Level 9, 60 Martin Place" in outside
    assert "Clear advice. Lasting plans." in outside


def test_it_uses_the_brand_colours_and_embeds_its_fonts(sample):
    _paper, result = sample

    colours = fill_colours(result.pdf)
    assert rgb(TEST_BRAND.primary) in colours
    assert rgb(TEST_BRAND.accent) in colours
    assert fonts_without_file(result.pdf) == set()


def test_it_lays_out_empty_panels_without_a_logo_or_tagline():
    # Given a brochure whose panels are all empty, and a brand kit with no logo or tagline
    context = sample_context("brochure")
    context["fields"]["panels"] = [{"blocks": []} for _ in range(6)]

    # When it is rendered
    result = render(context, brand=Brand())

    # Then it still has its two sides, the title and the client, and nothing else
    assert result.page_count == 2
    outside, inside = page_texts(result.pdf)
    assert "made clear" in outside
    assert "Northwind Legal" in outside
    assert inside.strip() == ""
    assert result.warnings == ()
