"""The booklet: a cover, contents with page numbers, chapters from right-hand pages, running
headers, and a page count padded to a multiple of 4."""

import re

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

CHAPTERS = [
    "Before we meet",
    "Your will",
    "Powers of attorney and guardianship",
    "After you sign",
]
BOOKLET_TITLE = "Your estate plan"


def render(context, brand=TEST_BRAND):
    return render_document(
        template_source=builtin_template("booklet").source, context=context, brand=brand
    )


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module", params=["A4", "letter", "A5"])
def booklet(request):
    paper = request.param
    result = render(sample_context("booklet", paper=paper))
    return paper, result, page_texts(result.pdf)


def opening_pages(texts: list[str]) -> list[int]:
    """The page (from 1) where each chapter opens, by its "Chapter n" label."""
    return [
        next(n for n, text in enumerate(texts, 1) if f"CHAPTER {number}" in text)
        for number in range(1, len(CHAPTERS) + 1)
    ]


def test_it_pads_its_pages_to_a_multiple_of_four(booklet):
    paper, result, texts = booklet

    assert result.page_count % 4 == 0
    assert len(texts) == result.page_count
    assert_page_size(result.pdf, paper, "portrait")
    # the padding pages at the end are blank: no header, no number
    last_with_text = max(n for n, text in enumerate(texts, 1) if text.strip())
    assert last_with_text > result.page_count - 4
    assert all(not text.strip() for text in texts[last_with_text:])


def test_it_opens_with_a_cover_without_a_page_number(booklet):
    _paper, _result, texts = booklet
    cover = lines_of(texts[0])

    assert BOOKLET_TITLE in cover
    assert "A client guide to wills, powers of attorney and guardianship" in cover
    assert "Northwind Legal" in cover
    assert "30 November 2026" in cover
    assert not any(line.isdigit() for line in cover)


def test_it_lists_the_chapters_with_the_pages_they_open_on(booklet):
    _paper, _result, texts = booklet
    contents = texts[1]
    opens = opening_pages(texts)

    assert "Contents" in contents
    for title, page in zip(CHAPTERS, opens, strict=True):
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", contents, re.MULTILINE)
        assert match, f"{title!r} is not in the contents"
        assert int(match[1]) == page


def test_it_opens_every_chapter_on_a_right_hand_page(booklet):
    _paper, _result, texts = booklet

    assert all(page % 2 == 1 for page in opening_pages(texts))


def test_it_heads_pages_with_the_booklet_and_the_chapter_and_numbers_them(booklet):
    _paper, _result, texts = booklet
    opens = opening_pages(texts)
    body_pages = [n for n, text in enumerate(texts, 1) if n >= opens[0] and text.strip()]

    for page in body_pages:
        text, lines = texts[page - 1], lines_of(texts[page - 1])
        chapter = CHAPTERS[max(i for i, start in enumerate(opens) if start <= page)]
        assert str(page) in lines, f"page {page} has no number"
        if page in opens:  # an opening page has no running header
            assert chapter.upper() not in text and BOOKLET_TITLE.upper() not in text
        elif page % 2 == 0:  # left-hand pages: the booklet's title
            assert BOOKLET_TITLE.upper() in text
        else:  # right-hand pages: the chapter's name
            assert chapter.upper() in text


def test_it_uses_the_brand_colours_and_embeds_its_fonts(booklet):
    _paper, result, _texts = booklet

    assert rgb(TEST_BRAND.primary) in fill_colours(result.pdf)
    assert fonts_without_file(result.pdf) == set()


def test_it_makes_a_plain_cover_and_no_introduction_when_they_are_empty():
    # Given a booklet with no cover title, subtitle or image, no introduction, no logo
    context = sample_context("booklet", paper="A5")
    context["fields"]["cover"] = {"title": "", "subtitle": "", "image": {}}
    context["blocks"] = []
    context["fields"]["chapters"] = [{"title": "Only chapter", "blocks": []}]

    # When it is rendered
    result = render(context, brand=Brand())

    # Then the cover carries the document's title, and no empty label is left behind
    texts = page_texts(result.pdf)
    assert result.page_count == 4
    assert context["title"] in texts[0].replace("\n", " ")
    assert "Introduction" not in texts[1].replace("INTRODUCTION", "Introduction")
    assert "CHAPTER 1" in texts[2] and "Only chapter" in texts[2]
    assert result.warnings == ()


def test_it_heads_the_right_hand_pages_of_a_long_chapter_with_its_name():
    # Given a booklet whose second chapter runs over three pages
    context = sample_context("booklet", paper="A5")
    paragraph = {"type": "text", "markdown": "A paragraph of the chapter. " * 40}
    context["fields"]["chapters"] = [
        {"title": "Short", "blocks": []},
        {"title": "Long chapter", "blocks": [paragraph] * 8},
    ]

    # When it is rendered
    texts = page_texts(render(context).pdf)

    # Then it opens on page 5; page 6 is headed with the booklet, page 7 with the chapter
    assert "CHAPTER 2" in texts[4] and "LONG CHAPTER" not in texts[4]
    assert BOOKLET_TITLE.upper() in texts[5] and "LONG CHAPTER" not in texts[5]
    assert "LONG CHAPTER" in texts[6]
