"""The structured blocks a document's content is made of, checked and turned into HTML.

People edit documents as a list of blocks (never HTML): a heading, rich text in Markdown, an
image from the client's files, two columns, a quote, a table, a call to action, a spacer, a page
break. ``blocks_clean`` checks what a form or the API sends and reports every problem by block
number; ``blocks_html`` turns clean blocks into HTML for a template (the ``blocks`` filter of the
restricted template engine), with every text escaped and rich text cleaned by ``markdown_html``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from documents.content.markdown import MAX_MARKDOWN, markdown_html

MAX_BLOCKS = 500
MAX_TEXT = 500
MAX_TABLE_ROWS = 60
MAX_TABLE_COLUMNS = 8
SPACER_SIZES = {"small": "4mm", "medium": "10mm", "large": "20mm"}
IMAGE_WIDTHS = ("full", "half", "third")
LINK_PREFIXES = ("https://", "http://", "mailto:", "tel:")

BLOCK_TYPES = (
    "heading",
    "text",
    "image",
    "columns",
    "quote",
    "table",
    "cta",
    "spacer",
    "page_break",
)


class BlocksInvalid(ValueError):
    """Blocks that cannot be kept; ``errors`` maps a block's number (from 1) to its problem, and
    0 to a problem of the whole list."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__("; ".join(f"{n}: {message}" for n, message in sorted(errors.items())))

    def messages(self) -> list[str]:
        return [
            message if n == 0 else _("Block %(n)s: %(problem)s") % {"n": n, "problem": message}
            for n, message in sorted(self.errors.items())
        ]


def _text(block: Mapping, key: str, limit: int = MAX_TEXT, *, required: bool = False) -> str:
    value = block.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(_("“%(field)s” must be text.") % {"field": key})
    value = value.strip()
    if required and not value:
        raise ValueError(_("“%(field)s” is empty.") % {"field": key})
    if len(value) > limit:
        raise ValueError(
            _("“%(field)s” is longer than %(limit)s characters.") % {"field": key, "limit": limit}
        )
    return value


def _link(block: Mapping, key: str) -> str:
    url = _text(block, key, 500)
    if url and not url.lower().startswith(LINK_PREFIXES):
        raise ValueError(_("The link must start with https://, http://, mailto: or tel:."))
    return url


def _clean_one(block: Any) -> dict[str, Any]:
    if not isinstance(block, Mapping):
        raise ValueError(_("A block must be an object with a type."))
    kind = block.get("type")
    if kind not in BLOCK_TYPES:
        raise ValueError(
            _("Unknown block type “%(type)s”; use one of %(types)s.")
            % {"type": str(kind)[:40], "types": ", ".join(BLOCK_TYPES)}
        )
    if kind == "heading":
        level = block.get("level", 2)
        if level not in (1, 2, 3):
            raise ValueError(_("A heading's level is 1, 2 or 3."))
        return {"type": kind, "text": _text(block, "text", required=True), "level": level}
    if kind == "text":
        return {"type": kind, "markdown": _text(block, "markdown", MAX_MARKDOWN, required=True)}
    if kind == "image":
        asset = block.get("asset")
        if not isinstance(asset, int) or isinstance(asset, bool) or asset <= 0:
            raise ValueError(_("Choose an image from the client's files."))
        width = block.get("width", "full")
        if width not in IMAGE_WIDTHS:
            raise ValueError(_("An image's width is full, half or third."))
        return {
            "type": kind,
            "asset": asset,
            "alt": _text(block, "alt"),
            "caption": _text(block, "caption"),
            "width": width,
        }
    if kind == "columns":
        left = _text(block, "left", MAX_MARKDOWN)
        right = _text(block, "right", MAX_MARKDOWN)
        if not left and not right:
            raise ValueError(_("Both columns are empty."))
        return {"type": kind, "left": left, "right": right}
    if kind == "quote":
        return {
            "type": kind,
            "text": _text(block, "text", 2000, required=True),
            "cite": _text(block, "cite"),
        }
    if kind == "table":
        return {"type": kind, "header": bool(block.get("header", True)), "rows": _rows(block)}
    if kind == "cta":
        return {
            "type": kind,
            "text": _text(block, "text", 120, required=True),
            "url": _link(block, "url"),
        }
    if kind == "spacer":
        size = block.get("size", "medium")
        if size not in SPACER_SIZES:
            raise ValueError(_("A spacer is small, medium or large."))
        return {"type": kind, "size": size}
    return {"type": kind}  # page_break


def _rows(block: Mapping) -> list[list[str]]:
    rows = block.get("rows")
    if not isinstance(rows, Sequence) or isinstance(rows, str) or not rows:
        raise ValueError(_("A table needs at least one row."))
    if len(rows) > MAX_TABLE_ROWS:
        raise ValueError(_("A table has at most %(max)s rows.") % {"max": MAX_TABLE_ROWS})
    clean = []
    for row in rows:
        if not isinstance(row, Sequence) or isinstance(row, str):
            raise ValueError(_("Each table row is a list of cells."))
        if len(row) > MAX_TABLE_COLUMNS:
            raise ValueError(_("A table has at most %(max)s columns.") % {"max": MAX_TABLE_COLUMNS})
        cells = []
        for cell in row:
            if not isinstance(cell, str | int | float) or isinstance(cell, bool):
                raise ValueError(_("A table cell holds text."))
            text = str(cell).strip()
            if len(text) > MAX_TEXT:
                raise ValueError(
                    _("A table cell is longer than %(max)s characters.") % {"max": MAX_TEXT}
                )
            cells.append(text)
        clean.append(cells)
    return clean


def blocks_clean(blocks: Any) -> list[dict[str, Any]]:
    """The blocks as they are kept, or ``BlocksInvalid`` listing every block's problem."""
    if not isinstance(blocks, Sequence) or isinstance(blocks, str | bytes):
        raise BlocksInvalid({0: _("The content must be a list of blocks.")})
    if len(blocks) > MAX_BLOCKS:
        raise BlocksInvalid(
            {
                0: _("A document has at most %(max)s blocks; this one has %(count)s.")
                % {"max": MAX_BLOCKS, "count": len(blocks)}
            }
        )
    clean, errors = [], {}
    for number, block in enumerate(blocks, start=1):
        try:
            clean.append(_clean_one(block))
        except ValueError as error:
            errors[number] = str(error)
    if errors:
        raise BlocksInvalid(errors)
    return clean


def asset_ids(blocks: Sequence[Mapping]) -> set[int]:
    """The client files (document assets) the blocks show."""
    return {block["asset"] for block in blocks if block.get("type") == "image"}


# --- HTML ----------------------------------------------------------------------------------


def _image(block: Mapping) -> SafeString:
    src = block.get("src") or ""
    if not src:  # the file is gone: leave a visible gap rather than a broken document
        return format_html(
            '<div class="block block-image block-missing">{}</div>', block.get("alt") or ""
        )
    caption = block.get("caption") or ""
    return format_html(
        '<figure class="block block-image width-{}"><img src="{}" alt="{}">{}</figure>',
        block.get("width", "full"),
        src,
        block.get("alt") or "",
        format_html("<figcaption>{}</figcaption>", caption) if caption else "",
    )


def _table(block: Mapping) -> SafeString:
    rows = list(block.get("rows") or ())
    head = ""
    if block.get("header") and rows:
        head = format_html(
            "<thead><tr>{}</tr></thead>",
            format_html_join("", "<th>{}</th>", ((c,) for c in rows[0])),
        )
        rows = rows[1:]
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((c,) for c in row)),) for row in rows),
    )
    return format_html('<table class="block block-table">{}<tbody>{}</tbody></table>', head, body)


def block_html(block: Mapping) -> SafeString:
    kind = block.get("type")
    if kind == "heading":
        level = {1: 2, 2: 3, 3: 4}.get(block.get("level", 2), 3)  # the title is the h1
        return format_html(
            '<h{} class="block block-heading">{}</h{}>', level, block.get("text", ""), level
        )
    if kind == "text":
        return format_html(
            '<div class="block block-text">{}</div>', markdown_html(block.get("markdown", ""))
        )
    if kind == "image":
        return _image(block)
    if kind == "columns":
        return format_html(
            '<div class="block block-columns"><div class="column">{}</div><div class="column">{}</div></div>',
            markdown_html(block.get("left", "")),
            markdown_html(block.get("right", "")),
        )
    if kind == "quote":
        cite = block.get("cite") or ""
        return format_html(
            '<blockquote class="block block-quote"><p>{}</p>{}</blockquote>',
            block.get("text", ""),
            format_html("<cite>{}</cite>", cite) if cite else "",
        )
    if kind == "table":
        return _table(block)
    if kind == "cta":
        url = block.get("url") or ""
        if url and not url.lower().startswith(LINK_PREFIXES):
            url = ""
        if url:
            return format_html(
                '<p class="block block-cta"><a href="{}">{}</a></p>', url, block.get("text", "")
            )
        return format_html('<p class="block block-cta"><span>{}</span></p>', block.get("text", ""))
    if kind == "spacer":
        height = SPACER_SIZES.get(block.get("size", "medium"), SPACER_SIZES["medium"])
        return format_html('<div class="block block-spacer" style="height: {}"></div>', height)
    if kind == "page_break":
        return mark_safe('<div class="block block-page-break"></div>')
    raise ValueError(_("Unknown block type “%(type)s”.") % {"type": str(kind)[:40]})


def blocks_html(blocks: Sequence[Mapping]) -> SafeString:
    """Clean blocks as HTML (texts escaped, rich text cleaned); image blocks carry ``src``."""
    return mark_safe("\n".join(block_html(block) for block in blocks or ()))  # noqa: S308


BLOCKS_CSS = """
.block { margin: 0 0 3mm; }
.block-columns { display: flex; gap: 6mm; }
.block-columns .column { flex: 1; }
.block-image { margin: 0 0 4mm; }
.block-image img { width: 100%; }
.block-image.width-half { width: 50%; }
.block-image.width-third { width: 33%; }
.block-image figcaption { font-size: 8pt; color: #4a5568; }
.block-quote { border-left: 2pt solid currentColor; margin-left: 0; padding-left: 4mm; font-style: italic; }
.block-table { border-collapse: collapse; width: 100%; }
.block-table th, .block-table td { border-bottom: 0.5pt solid #cbd5e0; padding: 1.5mm 2mm; text-align: left; }
.block-cta a, .block-cta span { display: inline-block; padding: 2mm 5mm; border-radius: 2mm; text-decoration: none; font-weight: bold; }
.block-page-break { break-after: page; }
.block-missing { border: 0.5pt dashed #a0aec0; padding: 4mm; color: #718096; }
"""
