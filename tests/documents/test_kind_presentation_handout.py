"""The presentation handout: three slides a page with lines for notes, or one with its notes."""

import functools

import pytest

from documents.builtins import builtin_template
from documents.rendering import Brand, render_document
from documents.samples import sample_context
from tests.documents.pdf_facts import (
    TEST_BRAND,
    assert_page_size,
    fill_colours,
    fonts_without_file,
    page_texts,
    rgb,
)

SLIDES = 7


def render(context, brand=TEST_BRAND):
    return render_document(
        template_source=builtin_template("presentation_handout").source,
        context=context,
        brand=brand,
    )


@functools.cache
def rendered(paper: str, layout: str):
    context = sample_context("presentation_handout", paper=paper)
    context["fields"]["layout"] = layout
    result = render(context)
    return result, page_texts(result.pdf)


CASES = [("A4", "3up"), ("letter", "3up"), ("A4", "1up"), ("letter", "1up")]


@pytest.fixture(params=CASES, ids=lambda case: "-".join(case))
def handout(request):
    return request.param + rendered(*request.param)


@pytest.fixture(params=["A4", "letter"])
def three_up(request):
    return rendered(request.param, "3up")


@pytest.fixture(params=["A4", "letter"])
def one_up(request):
    return rendered(request.param, "1up")


def test_it_prints_the_slides_on_the_paper(handout):
    paper, layout, result, texts = handout

    assert result.page_count == (3 if layout == "3up" else SLIDES)
    assert_page_size(result.pdf, paper, "portrait")
    assert "Estate planning for small business owners" in texts[0]
    assert "Northwind Legal" in texts[0]
    assert "30 November 2026" in texts[0]
    # every later page is headed with the client and numbered
    for number, text in enumerate(texts[1:], start=2):
        assert "Northwind Legal" in text
        assert f"{number} / {result.page_count}" in text


def test_it_puts_three_slides_with_note_lines_on_a_page(three_up):
    _result, texts = three_up

    for page, numbers in enumerate([(1, 2, 3), (4, 5, 6), (7,)]):
        labels = [n for n in range(1, SLIDES + 1) if f"SLIDE {n}\n" in texts[page] + "\n"]
        assert labels == list(numbers)
        assert texts[page].count("NOTES") == len(numbers)
    assert "Buy-sell agreements" in texts[1]
    # the presenter's notes are for the 1up handout only
    assert "pre-emptive rights" not in "".join(texts)
    # slide 3 has no image: a title card carries its title, and its caption too
    assert texts[0].count("What happens to your shares") == 2
    assert texts[1].count("Buy-sell agreements") == 1


def test_it_puts_one_slide_a_page_with_its_notes(one_up):
    _result, texts = one_up

    for number, text in enumerate(texts, start=1):
        assert f"SLIDE {number} OF {SLIDES}" in text
    assert "pre-emptive rights." in texts[2]
    assert "Trigger events" in texts[3]  # Markdown lists
    # the last slide has no notes: lines to write on instead
    assert "YOUR NOTES" in texts[6]
    # slide 3 has no image: a title card carries its title, and its caption too
    assert texts[2].count("What happens to your shares") == 2
    assert texts[1].count("Why business owners need more than a will") == 1


def test_it_uses_the_brand_colours_and_embeds_its_fonts(handout):
    _paper, _layout, result, _texts = handout

    assert rgb(TEST_BRAND.primary) in fill_colours(result.pdf)
    assert fonts_without_file(result.pdf) == set()


def test_it_leaves_out_what_is_empty():
    # Given one slide with a title only, no date, no presenter and no logo
    context = sample_context("presentation_handout")
    context["date"] = ""
    context["sender"] = {"name": "", "title": "", "email": "", "phone": ""}
    context["fields"] = {"layout": "1up", "slides": [{"title": "Only slide", "notes": ""}]}

    # When it is rendered
    result = render(context, brand=Brand())

    # Then it is one page, with the client and the slide, and no stray separators
    assert result.page_count == 1
    text = page_texts(result.pdf)[0]
    assert "Only slide" in text
    assert "SLIDE 1 OF 1" in text
    assert "Northwind Legal" in text and "·" not in text
