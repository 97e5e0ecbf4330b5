"""The built-in travel itinerary: day by day, items with icons, confirmations, emergencies."""

import pytest

from documents.samples import sample_context
from tests.documents.pdf_inspect import (
    BRAND,
    assert_plain_sample,
    assert_printed_piece,
    flat,
    fonts,
    page_texts,
    pdf_text,
    render,
    render_sample,
    text_boxes,
    uses_colour,
)


def test_it_has_a_sample_of_plain_values():
    assert_plain_sample("travel_itinerary")


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_it_prints_the_sample_itinerary_day_by_day(paper):
    # When the sample itinerary is rendered
    result = render_sample("travel_itinerary", paper)

    # Then it is two pages on the paper, in the brand, fonts embedded
    assert_printed_piece(result, paper=paper, pages=2)
    text = flat(pdf_text(result.pdf))
    for expected in (
        "Tokyo: Sakura Logistics warehouse lease",
        "Amelia Hart, Tom Nguyen",
        "Northwind Legal",
        "Passports must be valid until at least June 2027.",
        "Qantas QF25, Sydney (SYD) to Tokyo Haneda (HND)",
        "09:35 AEDT",
        "to 17:25 JST",
        "Check in: Hotel Marunouchi Garden",
        "Teams meeting 482 119 305#",
        "In an emergency",
        "+81 3 5232 4111",
    ):
        assert expected in text
    context = sample_context("travel_itinerary", paper=paper)
    for day in context["fields"]["days"]:
        assert day["label"] in text
        for item in day["items"]:
            assert item["title"] in text
            assert item["confirmation"] in text


def test_it_sets_confirmation_numbers_in_a_monospace_font():
    # Given the sample itinerary
    used = fonts(render_sample("travel_itinerary", "A4").pdf)

    # Then a monospace face is embedded beside the text face
    assert any("Mono" in name for name in used)
    assert any("Mono" not in name for name in used)


def test_it_draws_its_icons_in_the_brand_colours():
    # Given the sample itinerary (flights and calls on the accent, the rest on the primary)
    pdf = render_sample("travel_itinerary", "A4").pdf

    # Then both colours are painted
    assert uses_colour(pdf, BRAND.primary)
    assert uses_colour(pdf, BRAND.accent)


def test_it_names_the_day_a_later_page_starts_in():
    # Given the sample itinerary, whose Monday runs over onto the second page
    pdf = render_sample("travel_itinerary", "A4").pdf
    assert "Partners' weekly call (Sydney)" in page_texts(pdf)[1]

    # Then the second page is headed with that day, in its top margin (16 mm)
    ((_left, _top, _right, bottom),) = text_boxes(pdf, "Mon 7 December 2026", page_index=1)
    assert bottom < 16
    # And the first page has no such heading
    assert all(top > 16 for _l, top, _r, _b in text_boxes(pdf, "Sun 6 December 2026"))


def test_it_leaves_out_the_labels_of_empty_optional_fields():
    # Given an itinerary of one bare item, with no travellers, notes or emergency contacts
    context = sample_context("travel_itinerary")
    context["blocks"] = []
    context["fields"] = {
        "trip": "Day in Melbourne",
        "days": [
            {
                "label": "Fri 11 December 2026",
                "items": [{"kind": "other", "time": "10:00 AEDT", "title": "Client lunch"}],
            }
        ],
    }

    # When it is rendered
    result = render("travel_itinerary", context)

    # Then nothing is labelled that has no value
    assert result.page_count == 1
    text = flat(pdf_text(result.pdf))
    assert "Client lunch" in text and "10:00 AEDT" in text
    for label in ("CONFIRMATION", "DIAL-IN", "TRAVELLERS", "In an emergency", "to "):
        assert label not in text
