"""The built-in meeting minutes: notes, decisions, actions and the summary of every action."""

import pytest

from documents.samples import sample_context
from tests.documents.pdf_inspect import (
    assert_plain_sample,
    assert_printed_piece,
    flat,
    page_texts,
    pdf_text,
    render,
    render_sample,
)


def test_it_has_a_sample_of_plain_values():
    assert_plain_sample("meeting_minutes")


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_it_prints_the_sample_minutes_on_three_pages(paper):
    # When the sample minutes are rendered
    result = render_sample("meeting_minutes", paper)

    # Then they are three pages on the paper, in the brand, fonts embedded
    assert_printed_piece(result, paper=paper, pages=3)
    text = flat(pdf_text(result.pdf))
    for expected in (
        "MINUTES",
        "Partners' meeting",
        "Thursday 3 December 2026",
        "PRESENT",
        "Priya Raman (minutes)",
        "APOLOGIES",
        "David Okafor",
        "Fees billed were AUD 284,600",
        "Trust account reconciliation for November is complete and clean.",
        "The migration goes ahead on 28 to 31 December.",
        "Matters closed before 2019 are archived, not migrated.",
        "Confirmed as a true record (chair)",
    ):
        assert expected in text


def test_it_sums_up_every_action_with_its_item_at_the_end():
    # Given the sample minutes
    pages = [flat(text) for text in page_texts(render_sample("meeting_minutes", "A4").pdf)]

    # Then the last page lists every action of every item, with the item's number, and the
    # line for the chair to confirm the minutes
    summary = pages[-1]
    assert "Summary of actions" in summary
    assert "Confirmed as a true record (chair)" in summary
    items = sample_context("meeting_minutes")["fields"]["items"]
    position = 0
    for number, item in enumerate(items, start=1):
        for action in item["actions"]:
            row = f"{number} {action['what']} {action['who']} {action['due']}"
            found = summary.find(row, position)
            assert found >= 0, row
            position = found
    # And the table's head is written once
    assert sum(page.count("Summary of actions") for page in pages) == 1


def test_it_shows_each_items_actions_under_it():
    # Given the sample minutes
    text = flat(pdf_text(render_sample("meeting_minutes", "A4").pdf))

    # Then an item's notes, decision and actions follow its title, before the next item
    start = text.index("Practice financials: November")
    end = text.index("New matters and pipeline", start)
    item = text[start:end]
    assert "Fees billed were" in item
    assert "Bayview Developments is moved to monthly billing with 14-day terms." in item
    assert "Call Bayview Developments about the overdue invoices Grace Lim Fri 11 Dec" in item


def test_it_has_no_summary_when_nothing_was_actioned():
    # Given minutes with no action
    context = sample_context("meeting_minutes")
    for item in context["fields"]["items"]:
        item["actions"] = []

    # When they are rendered
    text = flat(pdf_text(render("meeting_minutes", context).pdf))

    # Then there is no summary table and no action table
    assert "Summary of actions" not in text
    assert "ACTION" not in text
    assert "Bayview Developments is moved to monthly billing" in text


def test_it_leaves_out_the_labels_of_empty_optional_fields():
    # Given minutes of one item with no notes, decisions or actions, nobody listed
    context = sample_context("meeting_minutes")
    context["fields"] = {"meeting": {"title": "Quick catch-up"}, "items": [{"title": "Diary"}]}

    # When they are rendered
    result = render("meeting_minutes", context)

    # Then it is one page and no label stands without its value
    assert result.page_count == 1
    text = flat(pdf_text(result.pdf))
    assert "Quick catch-up" in text and "Diary" in text
    for label in ("LOCATION", "CHAIR", "PRESENT", "APOLOGIES", "DECISION", "ACTION"):
        assert label not in text
