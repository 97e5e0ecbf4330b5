"""The built-in letter: letterhead, the address in the envelope's window, continuation pages."""

import pytest

from documents.rendering import Brand
from documents.samples import sample_context
from tests.documents.pdf_inspect import (
    BRAND,
    assert_plain_sample,
    assert_printed_piece,
    flat,
    page_texts,
    pdf_text,
    render,
    render_sample,
    text_boxes,
)

# Where an address shows through the window, in mm from the sheet's top left corner:
# (left, top, right, bottom). DL: 20 mm from the left, 90 x 45 mm, its top 45 mm (DIN 5008)
# to 50 mm (Australia Post, UK) down: the address must sit where both show it. #10: the
# standard commercial window, 7/8 in from the left, 4 1/2 x 1 1/8 in, seen 2 to 3 1/8 in down a
# sheet folded in three.
WINDOWS = {
    "DL": (20.0, 50.0, 110.0, 90.0),
    "10": (22.2, 50.8, 136.5, 79.4),
}


def bare_letter(**fields) -> dict:
    context = sample_context("letter")
    context["fields"] = {"recipient_lines": ["Ms Rosa Reyes", "1 Market Street"], **fields}
    context["blocks"] = [{"type": "text", "markdown": "Thank you for your letter of 2 December."}]
    return context


def test_it_has_a_sample_of_plain_values():
    assert_plain_sample("letter")


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_it_prints_the_sample_letter_on_two_pages(paper):
    # When the sample letter is rendered
    result = render_sample("letter", paper)

    # Then it is a two-page letter on the paper, in the brand, fonts embedded
    assert_printed_piece(result, paper=paper, pages=2)
    text = flat(pdf_text(result.pdf))
    for expected in (
        "Northwind Legal",
        "Mr Daniel Cho",
        "Cho & Associates Solicitors",
        "30 November 2026",
        "AH/2026/0412",
        "Purchase of 14 Ocean Street, Bondi: requisitions and settlement",
        "Dear Mr Cho,",
        "We act for Ms Laura Bennett",
        "Yours sincerely,",
        "Amelia Hart",
        "Principal, Northwind Legal",
        BRAND.tagline,
    ):
        assert expected in text


@pytest.mark.parametrize(("paper", "envelope"), [("A4", "DL"), ("letter", "10")])
def test_it_places_the_address_in_the_envelope_window(paper, envelope):
    # Given the sample letter for its paper's envelope
    result = render_sample("letter", paper)
    left, top, right, bottom = WINDOWS[envelope]

    # Then every line of the recipient's address is drawn inside the window
    for line in sample_context("letter", paper=paper)["fields"]["recipient_lines"]:
        boxes = [box for box in text_boxes(result.pdf, line) if box[0] < 60]
        assert len(boxes) == 1, line
        line_left, line_top, line_right, line_bottom = boxes[0]
        assert left + 2 <= line_left and line_right <= right, line
        assert top + 1 <= line_top and line_bottom <= bottom - 1, line


def test_it_takes_the_envelope_from_the_paper_when_none_is_named():
    # Given a letter on US Letter that names no envelope
    context = bare_letter()
    context["paper"] = {"size": "letter", "orientation": "portrait"}

    # When it is rendered
    result = render("letter", context)

    # Then the address sits in a #10 envelope's window
    _left, top, _right, bottom = text_boxes(result.pdf, "Ms Rosa Reyes")[0]
    assert WINDOWS["10"][1] <= top and bottom <= WINDOWS["10"][3]


def test_it_heads_later_pages_with_the_recipient_date_and_page_and_no_letterhead():
    # Given the two-page sample letter
    first, second = page_texts(render_sample("letter", "A4").pdf)

    # Then the letterhead is on the first page only
    assert BRAND.tagline in flat(first)
    assert BRAND.tagline not in flat(second)
    assert "Level 9, 60 Martin Place" not in second
    # And the second page carries the continuation header
    assert "Mr Daniel Cho" in second and "30 November 2026" in second
    assert "Page 2" in flat(second)
    assert "Page 1" not in flat(first)


def test_it_continues_a_long_letter_with_a_header_on_every_later_page():
    # Given a letter with a long body
    context = bare_letter()
    paragraph = {"type": "text", "markdown": "A long paragraph of the letter. " * 40}
    context["blocks"] = [paragraph] * 12

    # When it is rendered
    result = render("letter", context)

    # Then every page after the first is headed with its number
    assert result.page_count >= 3
    for number, text in enumerate(page_texts(result.pdf)[1:], start=2):
        assert f"Page {number}" in flat(text)
        assert "Ms Rosa Reyes" in text


def test_it_leaves_out_the_labels_of_empty_optional_fields():
    # Given a letter with no reference, sender, closing or signer, and a bare brand kit
    context = bare_letter()
    context["sender"] = {}
    context["date"] = ""

    # When it is rendered
    result = render("letter", context, brand=Brand(primary=BRAND.primary))

    # Then it is one page with no label left without its value
    assert result.page_count == 1
    text = flat(pdf_text(result.pdf))
    for label in ("Our reference", "OUR REFERENCE", "Contact", "CONTACT", "DATE"):
        assert label not in text
    assert "Ms Rosa Reyes" in text and "Thank you for your letter of 2 December." in text


def test_it_puts_a_letter_of_the_practice_on_the_practice_letterhead():
    # Given a letter with no letterhead named, and a brand kit without an address
    context = bare_letter()
    brand = Brand(primary=BRAND.primary)

    # When it is rendered
    text = flat(pdf_text(render("letter", context, brand=brand).pdf))

    # Then the practice's name, address and contact details head and foot it
    assert "Harbour Desk" in text
    assert "Suite 4, 12 Kent Street" in text
    assert "hello@harbourdesk.com.au" in text and "harbourdesk.com.au" in text
