"""Rich text in documents: Markdown in, HTML that can only format text out.

Markdown is turned into HTML by markdown-it-py with raw HTML off (a ``<script>`` typed into a
block is text, not a tag), then cleaned by nh3 against an allow-list of tags, attributes and
link schemes, so neither a bug in one nor a trick in the text reaches the renderer: no scripts,
no event attributes, no ``javascript:`` links, no images (pictures are image blocks, from the
client's files).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "s", "code", "pre", "blockquote", "hr",
        "ul", "ol", "li", "h2", "h3", "h4", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
MAX_MARKDOWN = 20_000
HEADING_RE = re.compile(r"<(/?)h([1-6])>")


@functools.cache
def _parser() -> MarkdownIt:
    # CommonMark without raw HTML, plus tables and strikethrough; headings start at h2 (the
    # document's own title is its h1).
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def _shift_headings(html: str) -> str:
    return HEADING_RE.sub(lambda tag: f"<{tag[1]}h{min(int(tag[2]) + 1, 4)}>", html)


def clean_html(html: str, *, styles: Mapping[str, str] | None = None) -> SafeString:
    """HTML reduced to the allow-list (what a document's rich text may hold).

    ``styles`` (tag → CSS) sets a ``style`` attribute on every element of a tag, written by
    the sanitizer itself after it has dropped whatever the text held: an email, whose clients
    read inline styles only, formats rich text this way.
    """
    return mark_safe(  # noqa: S308 - nh3 has reduced it to the allow-list
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(LINK_SCHEMES),
            link_rel="noopener noreferrer",
            strip_comments=True,
            set_tag_attribute_values={
                tag: {"style": css} for tag, css in (styles or {}).items() if tag in ALLOWED_TAGS
            },
        )
    )


def markdown_html(text: str, *, styles: Mapping[str, str] | None = None) -> SafeString:
    """Markdown as safe HTML for a document (empty text gives an empty string); ``styles``
    as for ``clean_html``."""
    if not text:
        return mark_safe("")
    rendered = _parser().render(str(text)[:MAX_MARKDOWN])
    return clean_html(_shift_headings(rendered), styles=styles)
