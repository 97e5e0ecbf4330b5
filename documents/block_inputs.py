"""The main editor's blocks as inputs: each block a fieldset of plain inputs named
``<prefix>b<index>-<input>``, ``<prefix>blocks`` holding how many there are (``prefix`` is empty
for the document's main blocks, ``f-panels-2-blocks-`` for a brochure panel's).

``editable_block`` shows a kept block as its inputs, ``blocks_from_data`` reads posted inputs
back as typed, ``kept_block`` turns them into what ``blocks_clean`` checks, and
``apply_action`` adds, moves or removes a block.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from documents.content.blocks import BLOCK_TYPES, MAX_BLOCKS
from documents.content.markdown import MAX_MARKDOWN

# The inputs of each block type, as the editor shows them (strings, and ``header`` a flag).
BLOCK_INPUTS: dict[str, tuple[str, ...]] = {
    "heading": ("text", "level"),
    "text": ("markdown",),
    "image": ("asset", "alt", "caption", "width"),
    "columns": ("left", "right"),
    "quote": ("text", "cite"),
    "table": ("rows", "header"),
    "cta": ("text", "url"),
    "spacer": ("size",),
    "page_break": (),
}
BLOCK_LABELS = {
    "heading": gettext_lazy("Heading"),
    "text": gettext_lazy("Text"),
    "image": gettext_lazy("Image"),
    "columns": gettext_lazy("Two columns"),
    "quote": gettext_lazy("Quote"),
    "table": gettext_lazy("Table"),
    "cta": gettext_lazy("Call to action"),
    "spacer": gettext_lazy("Spacer"),
    "page_break": gettext_lazy("Page break"),
}
NEW_BLOCKS: dict[str, dict[str, Any]] = {
    "heading": {"text": "", "level": "2"},
    "image": {"width": "full"},
    "table": {"rows": "", "header": True},
    "spacer": {"size": "medium"},
}
# One input is at most this long as typed (longer is refused by the block's own check).
MAX_INPUT = MAX_MARKDOWN + 1


def _int_or_raw(value: str) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def editable_block(block: dict[str, Any]) -> dict[str, Any]:
    """A kept block as the editor's inputs show it."""
    kind = block.get("type")
    editable: dict[str, Any] = {"type": kind}
    for name in BLOCK_INPUTS.get(kind, ()):
        value = block.get(name, "")
        if name == "rows":
            value = "\n".join(" | ".join(str(cell) for cell in row) for row in value or ())
        elif name == "header":
            value = bool(value)
        elif value is None:
            value = ""
        else:
            value = str(value)
        editable[name] = value
    return editable


def kept_block(editable: dict[str, Any]) -> dict[str, Any]:
    """The editor's inputs of one block as ``blocks_clean`` reads them."""
    kind = editable.get("type")
    block: dict[str, Any] = {"type": kind}
    for name in BLOCK_INPUTS.get(kind, ()):
        value = editable.get(name, "")
        if name in ("level", "asset"):
            value = _int_or_raw(value) if value != "" else None
            if name == "level" and value is None:
                value = 2
        elif name == "rows":
            value = [
                [cell.strip() for cell in line.split("|")]
                for line in str(value).splitlines()
                if line.strip()
            ]
        block[name] = value
    return block


def blocks_from_data(data, prefix: str = "") -> list[dict[str, Any]]:
    """The blocks as typed in a posted editor form (at most ``MAX_BLOCKS`` + 1 of them), the
    main ones or those under ``prefix`` (a panel's, a chapter's)."""
    try:
        count = max(0, min(int(data.get(f"{prefix}blocks", 0)), MAX_BLOCKS + 1))
    except (TypeError, ValueError):
        count = 0
    blocks = []
    for index in range(count):
        kind = data.get(f"{prefix}b{index}-type", "")
        if kind not in BLOCK_TYPES:
            continue
        block: dict[str, Any] = {"type": kind}
        for name in BLOCK_INPUTS[kind]:
            key = f"{prefix}b{index}-{name}"
            if name == "header":
                block[name] = data.get(key) in ("on", "true", "1")
            else:
                block[name] = str(data.get(key, ""))[:MAX_INPUT]
        blocks.append(block)
    return blocks


def apply_action(blocks: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    """``add:<type>``, ``up:<n>``, ``down:<n>`` or ``remove:<n>`` (``n`` counts from 0)."""
    verb, _sep, argument = (action or "").partition(":")
    blocks = list(blocks)
    if verb == "add" and argument in BLOCK_TYPES and len(blocks) < MAX_BLOCKS:
        new = {"type": argument, **{name: "" for name in BLOCK_INPUTS[argument]}}
        blocks.append({**new, **NEW_BLOCKS.get(argument, {})})
        return blocks
    try:
        index = int(argument)
    except ValueError:
        return blocks
    if not 0 <= index < len(blocks):
        return blocks
    if verb == "remove":
        del blocks[index]
    elif verb == "up" and index > 0:
        blocks[index - 1], blocks[index] = blocks[index], blocks[index - 1]
    elif verb == "down" and index < len(blocks) - 1:
        blocks[index + 1], blocks[index] = blocks[index], blocks[index + 1]
    return blocks
