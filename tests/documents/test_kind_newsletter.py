"""The built-in newsletter: masthead, articles in two columns, pull quote, contact footer."""

import pytest

from documents.samples import sample_context
from tests.documents.pdf_inspect import (
    MM,
    PAPER_POINTS,
    assert_plain_sample,
    assert_printed_piece,
    flat,
    page_texts,
    pdf_text,
    render,
    render_sample,
    text_boxes,
)


def test_it_has_a_sample_of_plain_values():
    assert_plain_sample("newsletter")


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_it_prints_the_sample_newsletter_on_two_numbered_pages(paper):
    # When the sample newsletter is rendered
    result = render_sample("newsletter", paper)

    # Then it is two pages on the paper, in the brand, fonts embedded
    assert_printed_piece(result, paper=paper, pages=2)
    text = flat(pdf_text(result.pdf))
    for expected in (
        "The Northwind Brief",
        "Issue 14",
        "December 2026",
        "Northwind Legal",
        "Welcome to our last issue for 2026.",
        "New rules for residential leases in NSW",
        "Landlords who plan ahead will find the new rules workable.",
        "Meet our new associate, Tom Nguyen",
        "Our office over the holidays",
        "Book a lease review",
        "CONTACT US",  # a label, set in capitals
        "This newsletter is general information, not legal advice.",
    ):
        assert expected in text
    first, second = page_texts(result.pdf)
    assert "Page 1 / 2" in flat(first) and "Page 2 / 2" in flat(second)


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_it_flows_articles_in_two_columns_under_headings_across_both(paper):
    # Given the sample newsletter
    pdf = render_sample("newsletter", paper).pdf
    middle = PAPER_POINTS[paper][0] / MM / 2

    # Then an article's text runs in a left and a right column
    (left_column,) = text_boxes(pdf, "landlords in New South")
    (right_column,) = text_boxes(pdf, "Tenants gain more certainty")
    assert left_column[2] < middle < right_column[0]
    # And its heading spans both columns, from the page's left margin (16 mm) past the middle
    (heading,) = text_boxes(pdf, "New rules for residential leases in NSW")
    assert 15 < heading[0] < 18
    assert heading[2] > middle


def test_it_keeps_an_article_heading_with_its_text():
    # Given the sample newsletter on US Letter, whose second article starts near a page's end
    texts = page_texts(render_sample("newsletter", "letter").pdf)

    # Then the heading is on the page where its article's text starts
    heading_page = next(i for i, text in enumerate(texts) if "Meet our new associate" in text)
    assert "Tom joins us from a mid-tier commercial firm" in flat(texts[heading_page])


def test_it_leaves_out_the_labels_of_empty_optional_fields():
    # Given a newsletter with no introduction, contact, issue number or masthead title
    context = sample_context("newsletter")
    context["fields"] = {}
    context["blocks"] = [{"type": "text", "markdown": "Short news."}]

    # When it is rendered
    result = render("newsletter", context)

    # Then the title stands in for the masthead and no empty section is left
    assert result.page_count == 1
    text = flat(pdf_text(result.pdf))
    assert "The Northwind Brief, December 2026" in text
    assert "Contact us" not in text and "CONTACT US" not in text
    assert "Short news." in text
