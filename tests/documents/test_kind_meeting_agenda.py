"""The built-in meeting agenda: the meeting's facts and its items with owners and durations."""

import pytest

from documents.samples import sample_context
from tests.documents.pdf_inspect import (
    assert_plain_sample,
    assert_printed_piece,
    flat,
    pdf_text,
    render,
    render_sample,
)


def test_it_has_a_sample_of_plain_values():
    assert_plain_sample("meeting_agenda")


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_it_prints_the_sample_agenda_on_one_page(paper):
    # When the sample agenda is rendered
    result = render_sample("meeting_agenda", paper)

    # Then it is one page on the paper, in the brand, fonts embedded
    assert_printed_piece(result, paper=paper, pages=1)
    text = flat(pdf_text(result.pdf))
    for expected in (
        "AGENDA",
        "Partners' meeting",
        "Thursday 3 December 2026 · 9:30 to 11:00 am AEDT",
        "Boardroom, Level 9, 60 Martin Place, Sydney",
        "Teams meeting 482 119 305#",
        "Amelia Hart",
        "Priya Raman (minutes)",
        "David Okafor",
        "Papers for items 3 and 5 are in the partners' shared folder.",
    ):
        assert expected in text


def test_it_lists_the_items_in_order_with_their_owners_and_durations():
    # Given the sample agenda
    text = flat(pdf_text(render_sample("meeting_agenda", "A4").pdf))

    # Then each item reads number, title, owner and duration, in the agenda's order
    position = 0
    for number, item in enumerate(sample_context("meeting_agenda")["fields"]["items"], start=1):
        row = f"{number} {item['title']} {item['owner']} {item['duration']}".replace("  ", " ")
        found = text.find(row, position)
        assert found >= 0, row
        position = found


def test_it_shows_no_minutes_on_an_agenda():
    # Given the minutes' data (notes, decisions, actions) rendered as an agenda
    context = sample_context("meeting_minutes")

    # When it is rendered
    text = flat(pdf_text(render("meeting_agenda", context).pdf))

    # Then only the items show, not what was said or decided
    assert "Practice financials: November" in text
    assert "Fees billed were" not in text
    assert "Bayview Developments is moved to monthly billing" not in text
    assert "Call Bayview Developments about the overdue invoices" not in text


def test_it_leaves_out_the_labels_of_empty_optional_fields():
    # Given a meeting with only a title and one item with no owner or duration
    context = sample_context("meeting_agenda")
    context["blocks"] = []
    context["fields"] = {"meeting": {"title": "Quick catch-up"}, "items": [{"title": "Diary"}]}

    # When it is rendered
    text = flat(pdf_text(render("meeting_agenda", context).pdf))

    # Then no label stands without its value
    assert "Quick catch-up" in text and "Diary" in text
    for label in ("LOCATION", "DIAL-IN", "CHAIR", "INVITED", "APOLOGIES"):
        assert label not in text
