"""Rich text as plain text, for the text part of an email.

``html_text`` reads HTML that ``documents.content.markdown`` has already cleaned (its short
allow-list of tags) and writes what a plain-text mail reader shows well: paragraphs wrapped,
headings underlined, lists with their markers, quotes behind "> ", tables in aligned columns
and links as "text (address)". Nothing of the HTML survives as markup.
"""

from __future__ import annotations

import html.parser
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from documents.content.markdown import LINK_SCHEMES

WIDTH = 76
BLOCK_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "hr", "table"}
)  # fmt: skip
UNDERLINES = {"h2": "=", "h3": "-"}
SPACES_RE = re.compile(r"[ \t\r\n\f]+")


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    children: list[_Element | str] = field(default_factory=list)


class _TreeBuilder(html.parser.HTMLParser):
    VOID = frozenset({"br", "hr"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _link_target(element: _Element, text: str) -> str:
    """The address a link's text is followed by ("" when it adds nothing or is unsafe)."""
    href = element.attrs.get("href", "").strip()
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    if scheme not in LINK_SCHEMES:
        return ""
    shown = href.split(":", 1)[1] if scheme in ("mailto", "tel") else href
    return "" if shown in (text, text.rstrip("/")) or href == text else href


def _inline(nodes: Sequence[_Element | str]) -> str:
    """The text of inline content, whitespace collapsed, line breaks (``<br>``) kept."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(SPACES_RE.sub(" ", node))
        elif node.tag == "br":
            parts.append("\n")
        elif node.tag == "a":
            text = _inline(node.children).strip()
            target = _link_target(node, text)
            parts.append(f"{text} ({target})" if target and text else text or target)
        else:
            parts.append(_inline(node.children))
    lines = "".join(parts).split("\n")
    return "\n".join(SPACES_RE.sub(" ", line).strip() for line in lines).strip()


def _raw(nodes: Sequence[_Element | str]) -> str:
    """The text as written (a code block keeps its spaces and lines)."""
    return "".join(node if isinstance(node, str) else _raw(node.children) for node in nodes)


def wrap(text: str, width: int = WIDTH) -> str:
    """``text`` wrapped at ``width``, its own line breaks kept; words and addresses whole."""
    return "\n".join(
        textwrap.fill(line, max(width, 20), break_long_words=False, break_on_hyphens=False)
        for line in text.split("\n")
    )


def indent(text: str, first: str, rest: str | None = None) -> str:
    """``text`` behind ``first`` on its first line and ``rest`` (spaces as wide) after."""
    rest = " " * len(first) if rest is None else rest
    return "\n".join(
        ((first if number == 0 else rest) + line).rstrip()
        for number, line in enumerate(text.split("\n"))
    )


def table_text(rows: Sequence[Sequence[str]], *, header: bool = False, width: int = WIDTH) -> str:
    """Rows in aligned columns (a rule under the header); "a | b" lines when too wide."""
    rows = [[SPACES_RE.sub(" ", str(cell)).strip() for cell in row] for row in rows if row]
    if not rows:
        return ""
    columns = max(len(row) for row in rows)
    rows = [row + [""] * (columns - len(row)) for row in rows]
    widths = [max(len(row[index]) for row in rows) for index in range(columns)]
    if sum(widths) + 3 * (columns - 1) > width:
        return "\n".join(" | ".join(cell for cell in row if cell) for row in rows)
    lines = [
        "   ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    if header and len(lines) > 1:
        lines.insert(1, "   ".join("-" * size for size in widths))
    return "\n".join(lines)


def _list(element: _Element, width: int) -> str:
    items = [child for child in element.children if isinstance(child, _Element)]
    start = element.attrs.get("start", "1")
    number = int(start) if start.isdigit() else 1
    lines = []
    for item in items:
        marker = f"{number}. " if element.tag == "ol" else "- "
        number += 1
        # A tight list (no paragraphs in its items) keeps a nested list on the next line.
        loose = any(isinstance(c, _Element) and c.tag == "p" for c in item.children)
        body = ("\n\n" if loose else "\n").join(_blocks(item.children, width - len(marker)))
        lines.append(indent(body, marker))
    return "\n".join(lines)


def _table(element: _Element, width: int) -> str:
    rows, header = [], False

    def collect(node: _Element) -> None:
        nonlocal header
        for child in node.children:
            if not isinstance(child, _Element):
                continue
            if child.tag == "tr":
                cells = [c for c in child.children if isinstance(c, _Element)]
                header = header or (not rows and any(c.tag == "th" for c in cells))
                rows.append([_inline(cell.children) for cell in cells])
            else:
                collect(child)

    collect(element)
    return table_text(rows, header=header, width=width)


def _block(element: _Element, width: int) -> str:
    tag = element.tag
    if tag in ("ul", "ol"):
        return _list(element, width)
    if tag == "blockquote":
        return indent("\n\n".join(_blocks(element.children, width - 2)), "> ", "> ")
    if tag == "pre":
        return _raw(element.children).rstrip("\n")
    if tag == "hr":
        return "-" * 24
    if tag == "table":
        return _table(element, width)
    text = wrap(_inline(element.children), width)
    if tag in UNDERLINES and text:
        longest = max(len(line) for line in text.split("\n"))
        return f"{text}\n{UNDERLINES[tag] * longest}"
    return text


def _blocks(nodes: Sequence[_Element | str], width: int) -> list[str]:
    """Block content as paragraphs of text (inline runs between blocks become paragraphs)."""
    blocks: list[str] = []
    run: list[_Element | str] = []

    def flush() -> None:
        text = wrap(_inline(run), width)
        if text:
            blocks.append(text)
        run.clear()

    for node in nodes:
        if isinstance(node, _Element) and node.tag in BLOCK_TAGS:
            flush()
            text = _block(node, width)
            if text:
                blocks.append(text)
        else:
            run.append(node)
    flush()
    return blocks


def html_text(html: str, *, width: int = WIDTH) -> str:
    """Cleaned rich-text HTML as readable plain text (paragraphs apart by a blank line)."""
    builder = _TreeBuilder()
    builder.feed(str(html or ""))
    builder.close()
    return "\n\n".join(_blocks(builder.root.children, width))
