"""Documents' content: Markdown cleaned to an allow-list, and structured blocks checked and laid out."""

from html.parser import HTMLParser

import pytest

from documents.content.blocks import MAX_BLOCKS, BlocksInvalid, blocks_clean, blocks_html
from documents.content.markdown import ALLOWED_TAGS, markdown_html
from documents.rendering import Brand, render_html


def parsed_tags(html: str) -> list[tuple[str, list]]:
    """Every start tag of ``html`` with its attributes, as a browser's parser reads them."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


@pytest.mark.parametrize(
    "text",
    [
        "Hello <script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<a href='javascript:alert(1)'>x</a>",
        "![x](https://example.com/tracker.png)",
        '<iframe src="https://example.com"></iframe>',
    ],
)
def test_markdown_never_gives_active_content(text):
    tags = parsed_tags(markdown_html(text))

    assert {name for name, _attrs in tags} <= ALLOWED_TAGS
    for _name, attrs in tags:
        for attribute, value in attrs:
            assert not attribute.startswith("on")
            assert not (value or "").lower().startswith(("javascript", "data"))


def test_markdown_keeps_formatting_and_safe_links():
    html = markdown_html("# Title\n\n**bold** _it_ [site](https://example.com)\n\n- one\n- two")

    assert "<h2>Title</h2>" in html  # the document's title is its only h1
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">site</a>' in html
    assert "<li>one</li>" in html


def test_blocks_are_checked_and_every_problem_is_reported_by_number():
    with pytest.raises(BlocksInvalid) as caught:
        blocks_clean(
            [
                {"type": "heading", "text": "Welcome"},
                {"type": "video", "url": "https://example.com"},
                {"type": "cta", "text": "Book", "url": "javascript:alert(1)"},
                {"type": "text", "markdown": ""},
                {"type": "table", "rows": [["a"] * 9]},
                {"type": "image", "asset": "../../etc/passwd"},
            ]
        )

    errors = caught.value.errors
    assert sorted(errors) == [2, 3, 4, 5, 6]
    assert "Unknown block type “video”" in errors[2]
    assert "https://" in errors[3]
    assert "empty" in errors[4]
    assert "at most 8 columns" in errors[5]
    assert "client's files" in errors[6]
    assert caught.value.messages()[0].startswith("Block 2:")


def test_ten_thousand_blocks_are_refused_as_a_whole():
    with pytest.raises(BlocksInvalid) as caught:
        blocks_clean([{"type": "spacer"}] * 10_000)

    assert list(caught.value.errors) == [0]
    assert str(MAX_BLOCKS) in caught.value.errors[0] and "10000" in caught.value.errors[0]


def test_clean_blocks_keep_only_known_fields():
    clean = blocks_clean(
        [
            {"type": "heading", "text": " Hi ", "level": 2, "onclick": "x"},
            {"type": "quote", "text": "Good", "cite": "Ann", "style": "x"},
            {"type": "page_break"},
        ]
    )

    assert clean == [
        {"type": "heading", "text": "Hi", "level": 2},
        {"type": "quote", "text": "Good", "cite": "Ann"},
        {"type": "page_break"},
    ]


def test_blocks_become_escaped_html_in_a_document_template():
    blocks = blocks_clean(
        [
            {"type": "heading", "text": "<b>Spring</b> news"},
            {"type": "text", "markdown": "We **moved**. <script>x</script>"},
            {"type": "columns", "left": "Left side", "right": "Right side"},
            {"type": "table", "rows": [["Day", "Hours"], ["Mon", "9–5"]]},
            {"type": "cta", "text": "Call us", "url": "tel:+61200000000"},
            {"type": "page_break"},
        ]
    )

    html = render_html(
        template_source="{{ content|blocks }}", context={"content": blocks}, brand=Brand()
    )

    assert "&lt;b&gt;Spring&lt;/b&gt; news" in html
    assert "<strong>moved</strong>" in html and "<script" not in html
    assert '<div class="column"><p>Left side</p>' in html
    assert "<th>Day</th>" in html and "<td>Mon</td>" in html
    assert '<a href="tel:+61200000000">Call us</a>' in html
    assert "block-page-break" in html


def test_a_page_break_block_starts_a_new_page():
    from documents.rendering import render_document

    blocks = blocks_clean(
        [
            {"type": "text", "markdown": "One"},
            {"type": "page_break"},
            {"type": "text", "markdown": "Two"},
        ]
    )

    result = render_document(template_source="{{ content|blocks }}", context={"content": blocks})

    assert result.page_count == 2


def test_an_image_block_without_its_file_leaves_a_visible_gap():
    html = str(blocks_html([{"type": "image", "asset": 3, "alt": "Team photo", "width": "full"}]))

    assert "block-missing" in html and "Team photo" in html and "<img" not in html
