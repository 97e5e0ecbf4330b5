"""Checks of kind-specific content: what keeps fields from making a useful document."""

import pytest

from documents.kinds import content_check, content_problems
from documents.samples import SAMPLES, sample_context
from secretary.errors import ApplicationError


def fields_of(kind: str) -> dict:
    return sample_context(kind)["fields"]


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_it_accepts_every_sample(kind):
    assert content_problems(kind, fields_of(kind)) == {}


def test_it_accepts_any_fields_of_a_kind_without_a_check():
    assert content_problems("letter", {"anything": 1}) == {}


def test_it_refuses_fields_that_are_not_an_object():
    assert set(content_problems("brochure", ["panels"])) == {"fields"}


@pytest.mark.parametrize("people", [[], None, "Olivia Chen"])
def test_it_refuses_a_card_sheet_with_nobody_on_it(people):
    # Given business cards for nobody
    fields = fields_of("business_cards")
    fields["people"] = people

    # When they are checked, then the people field says why
    problems = content_problems("business_cards", fields)
    assert set(problems) == {"people"}
    assert "nobody" in problems["people"]


def test_it_refuses_a_card_for_a_person_without_a_name():
    fields = fields_of("business_cards")
    fields["people"].append({"name": "  ", "email": "someone@example.com"})

    assert content_problems("business_cards", fields) == {"people": "Person 3 has no name."}


def test_it_refuses_a_card_size_it_cannot_impose():
    fields = fields_of("business_cards")
    fields["card_size"] = "90x50"

    assert set(content_problems("business_cards", fields)) == {"card_size"}


@pytest.mark.parametrize("count", [0, 5, 7])
def test_it_refuses_a_brochure_without_exactly_six_panels(count):
    # Given a tri-fold brochure with another number of panels
    fields = {"panels": [{"blocks": []}] * count}

    # When it is checked, then the panels field names the count
    problems = content_problems("brochure", fields)
    assert set(problems) == {"panels"}
    assert "six panels" in problems["panels"]
    assert f"this one has {count}" in problems["panels"]


def test_it_refuses_a_brochure_panel_without_blocks():
    fields = {"panels": [{"blocks": []}] * 5 + [{"blocks": "text"}]}

    assert content_problems("brochure", fields) == {"panels": "Panel 6 must hold a list of blocks."}


def test_it_refuses_a_booklet_without_chapters_or_with_an_untitled_one():
    assert set(content_problems("booklet", {"chapters": []})) == {"chapters"}
    untitled = {"chapters": [{"title": "One", "blocks": []}, {"title": "", "blocks": []}]}
    assert content_problems("booklet", untitled) == {"chapters": "Chapter 2 has no title."}


def test_it_refuses_a_handout_without_slides_or_with_an_unknown_layout():
    problems = content_problems("presentation_handout", {"layout": "6up", "slides": []})

    assert set(problems) == {"layout", "slides"}


def test_it_accepts_a_slide_with_an_image_and_no_title_but_not_an_empty_one():
    picture = {"title": "", "image": {"src": "data:image/png;base64,AAAA", "alt": ""}}
    empty = {"title": "", "image": {}, "notes": "Only notes"}

    assert content_problems("presentation_handout", {"slides": [picture]}) == {}
    assert content_problems("presentation_handout", {"slides": [picture, empty]}) == {
        "slides": "Slide 2 has neither a title nor an image."
    }


def test_content_check_raises_the_problems_field_by_field():
    with pytest.raises(ApplicationError) as error:
        content_check("business_cards", {"card_size": "85x55", "people": []})

    assert list(error.value.errors) == ["people"]
    assert "nobody" in error.value.message


def test_a_handout_slide_with_only_an_uploaded_image_is_whole():
    from documents.kinds import content_problems

    fields = {"layout": "3up", "slides": [{"title": "", "image": {"asset": 7, "alt": "Chart"}}]}

    assert content_problems("presentation_handout", fields) == {}
