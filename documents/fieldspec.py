"""Fields described once, edited as plain inputs: how the editor shows a kind's ``fields``.

A ``FieldSpec`` says what one field is: a line of text, longer text, Markdown, a choice, lines (a
list of short texts), an image of the client's, a group of fields, a list of groups, or blocks.
From the specs of a kind (``documents.kind_forms``):

* ``editable`` turns kept fields into what the inputs show (strings, lists of groups, blocks as
  the main editor shows them);
* ``from_data`` reads a posted form back into the same shape, as typed;
* ``kept`` gives the fields as the template reads them, or the problems by input name;
* ``bind`` pairs each spec with its input name, value and problem for the template that draws
  the inputs (``documents/partials/kind_field.html``).

Input names are paths from ``f``: ``f-meeting-title``, ``f-items-2-actions-0-who``. A list posts
its length as ``<path>-count``; blocks post as the main editor's under the prefix ``<path>-``.
Keys a group's spec does not name (an itinerary day's time zone, a custom template's extra) are
carried unchanged in a hidden ``<path>-keep`` input, so the form never drops what it cannot show.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from documents.block_inputs import MAX_INPUT, blocks_from_data, editable_block, kept_block
from documents.content.blocks import BlocksInvalid, blocks_clean
from documents.content.markdown import MAX_MARKDOWN

ROOT = "f"
MAX_LINES = 100
MAX_KEEP = 20_000
SCALARS = ("text", "textarea", "markdown", "choice")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any
    type: str = "text"
    help: Any = ""
    choices: tuple[tuple[str, Any], ...] = ()
    children: tuple[FieldSpec, ...] = ()
    # A list: how an item is called ("Chapter %(n)s"), or one name per item of a fixed list.
    item_label: Any = ""
    item_names: tuple[Any, ...] = ()
    max_items: int = 50
    max_length: int = 500
    rows: int = 3
    placeholder: Any = ""

    @property
    def fixed(self) -> int:
        return len(self.item_names)

    @property
    def default(self) -> str:
        return self.choices[0][0] if self.type == "choice" and self.choices else ""

    def child(self, name: str) -> FieldSpec | None:
        return next((spec for spec in self.children if spec.name == name), None)


def group(name: str, label: Any, *children: FieldSpec, **options) -> FieldSpec:
    return FieldSpec(name, label, "group", children=children, **options)


def items(name: str, label: Any, *children: FieldSpec, **options) -> FieldSpec:
    return FieldSpec(name, label, "list", children=children, **options)


# --- Kept fields → inputs ----------------------------------------------------------------------


def _keep_text(value: Mapping, specs: tuple[FieldSpec, ...]) -> str:
    names = {spec.name for spec in specs}
    rest = {key: item for key, item in value.items() if key not in names}
    return json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else ""


def editable_group(specs: tuple[FieldSpec, ...], value: Any) -> dict[str, Any]:
    value = value if isinstance(value, Mapping) else {}
    shown = {spec.name: editable(spec, value.get(spec.name)) for spec in specs}
    return {**shown, "_keep": _keep_text(value, specs)}


def editable(spec: FieldSpec, value: Any) -> Any:
    """``value`` (as kept) as the inputs of ``spec`` show it."""
    if spec.type == "group":
        return editable_group(spec.children, value)
    if spec.type == "list":
        values = list(value) if isinstance(value, list | tuple) else []
        if spec.fixed:
            values = (values + [{}] * spec.fixed)[: spec.fixed]
        return [editable_group(spec.children, item) for item in values[: spec.max_items]]
    if spec.type == "blocks":
        return [editable_block(block) for block in value or () if isinstance(block, Mapping)]
    if spec.type == "image":
        value = value if isinstance(value, Mapping) else {}
        asset = value.get("asset")
        return {"asset": "" if asset is None else str(asset), "alt": str(value.get("alt") or "")}
    if spec.type == "lines":
        if isinstance(value, list | tuple):
            return "\n".join(str(line) for line in value)
        return "" if value is None else str(value)
    if value is None or value == "":
        return spec.default
    return str(value)


# --- A posted form → inputs --------------------------------------------------------------------


def group_from_data(specs: tuple[FieldSpec, ...], data, path: str) -> dict[str, Any]:
    shown = {spec.name: from_data(spec, data, f"{path}-{spec.name}") for spec in specs}
    return {**shown, "_keep": str(data.get(f"{path}-keep", ""))[:MAX_KEEP]}


def from_data(spec: FieldSpec, data, name: str) -> Any:
    """The inputs of ``spec`` named ``name`` in ``data``, as typed."""
    if spec.type == "group":
        return group_from_data(spec.children, data, name)
    if spec.type == "list":
        try:
            count = int(data.get(f"{name}-count", 0))
        except (TypeError, ValueError):
            count = 0
        count = spec.fixed or max(0, min(count, spec.max_items))
        return [group_from_data(spec.children, data, f"{name}-{index}") for index in range(count)]
    if spec.type == "blocks":
        return blocks_from_data(data, prefix=f"{name}-")
    if spec.type == "image":
        return {
            "asset": str(data.get(f"{name}-asset", ""))[:20],
            "alt": str(data.get(f"{name}-alt", ""))[:MAX_INPUT],
        }
    if name not in data:  # not posted (a client that sends only some inputs): the default
        return spec.default
    return str(data.get(name, ""))[:MAX_INPUT]


# --- Inputs → kept fields ----------------------------------------------------------------------


@dataclass
class Problems:
    """Problems by input name; a blocks input maps to ``{block number: problem}``. ``summary``
    says each one with where it is, for the top of the form."""

    by_name: dict[str, Any] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)

    def add(self, name: str, where: str, message: str) -> None:
        self.by_name[name] = message
        self.summary.append(f"{where}: {message}")


def _where(outer: str, label: Any) -> str:
    return f"{outer} › {label}" if outer else str(label)


def kept_group(
    specs: tuple[FieldSpec, ...], values: Mapping[str, Any], path: str, where: str, problems
) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    keep = str(values.get("_keep") or "").strip()
    if keep:
        try:
            carried = json.loads(keep)
        except ValueError:
            carried = None
        if not isinstance(carried, dict):
            problems.add(f"{path}-keep", where or _("Fields"), _("The form could not be read."))
        else:
            kept.update(carried)
    for spec in specs:
        kept[spec.name] = kept_value(
            spec, values.get(spec.name), f"{path}-{spec.name}", _where(where, spec.label), problems
        )
    return kept


def item_label(spec: FieldSpec, index: int) -> str:
    if spec.fixed:
        return str(spec.item_names[index])
    return str(spec.item_label or _("Item %(n)s")) % {"n": index + 1}


def kept_value(spec: FieldSpec, value: Any, name: str, where: str, problems: Problems) -> Any:
    """The editable ``value`` of ``spec`` as the template reads it (problems noted by name)."""
    if spec.type == "group":
        return kept_group(spec.children, value or {}, name, where, problems)
    if spec.type == "list":
        return [
            kept_group(
                spec.children,
                item,
                f"{name}-{index}",
                _where(where.rpartition(" › ")[0], item_label(spec, index)),
                problems,
            )
            for index, item in enumerate(value or ())
        ]
    if spec.type == "blocks":
        blocks = [kept_block(block) for block in value or ()]
        try:
            return blocks_clean(blocks)
        except BlocksInvalid as invalid:
            problems.by_name[name] = {n: message for n, message in invalid.errors.items() if n}
            problems.summary.extend(f"{where}: {message}" for message in invalid.messages())
            return blocks
    if spec.type == "image":
        asset = str((value or {}).get("asset", "")).strip()
        alt = str((value or {}).get("alt", "")).strip()
        if not asset:
            return {}
        if not asset.isdigit():
            problems.add(f"{name}-asset", where, _("Choose one of the client's images."))
            return {}
        if len(alt) > spec.max_length:
            problems.add(f"{name}-alt", where, _too_long(spec.max_length))
        return {"asset": int(asset), "alt": alt}
    text = str(value or "").strip()
    if spec.type == "lines":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_LINES:
            problems.add(name, where, _("At most %(n)s lines.") % {"n": MAX_LINES})
        elif any(len(line) > spec.max_length for line in lines):
            problems.add(name, where, _too_long(spec.max_length))
        return lines
    if spec.type == "choice":
        if text not in {value for value, _label in spec.choices}:
            problems.add(name, where, _("Choose one of the options."))
        return text
    limit = MAX_MARKDOWN if spec.type in ("textarea", "markdown") else spec.max_length
    if len(text) > limit:
        problems.add(name, where, _too_long(limit))
    return text


def _too_long(limit: int) -> str:
    return _("At most %(n)s characters.") % {"n": limit}


# --- Inputs → what the template draws ----------------------------------------------------------


@dataclass
class Bound:
    """One spec with its input name, value and problem, and what it holds."""

    spec: FieldSpec
    name: str
    value: Any
    problem: Any = None
    children: list[Bound] = field(default_factory=list)  # a group's
    items: list[BoundItem] = field(default_factory=list)  # a list's
    keep: str = ""  # a group's carried keys

    @property
    def type(self) -> str:
        return self.spec.type

    @property
    def can_add(self) -> bool:
        return not self.spec.fixed and len(self.items) < self.spec.max_items

    @property
    def add_label(self) -> str:
        return item_label(self.spec, len(self.items))

    @property
    def value_lines(self) -> int:
        return max(self.spec.rows, min(12, str(self.value).count("\n") + 2))


@dataclass
class BoundItem:
    label: str
    index: int
    name: str
    children: list[Bound]
    keep: str
    first: bool
    last: bool


def bind_group(
    specs: tuple[FieldSpec, ...], values: Mapping[str, Any], path: str, problems: Mapping
) -> list[Bound]:
    return [bind(spec, values.get(spec.name), f"{path}-{spec.name}", problems) for spec in specs]


def bind(spec: FieldSpec, value: Any, name: str, problems: Mapping) -> Bound:
    bound = Bound(spec=spec, name=name, value=value, problem=problems.get(name))
    if spec.type == "image":
        bound.problem = problems.get(f"{name}-asset") or problems.get(f"{name}-alt")
    elif spec.type == "blocks":
        bound.problem = bound.problem or {}
    elif spec.type == "group":
        bound.children = bind_group(spec.children, value or {}, name, problems)
        bound.keep = (value or {}).get("_keep", "")
    elif spec.type == "list":
        values = list(value or ())
        bound.items = [
            BoundItem(
                label=item_label(spec, index),
                index=index,
                name=f"{name}-{index}",
                children=bind_group(spec.children, item, f"{name}-{index}", problems),
                keep=item.get("_keep", ""),
                first=index == 0,
                last=index == len(values) - 1,
            )
            for index, item in enumerate(values)
        ]
    return bound


# --- Adding, moving and removing a list's items or a nested list's blocks ----------------------


def locate(specs: tuple[FieldSpec, ...], values: dict[str, Any], path: str):
    """The spec and the (mutable) value at input path ``path`` (``f-chapters-2-blocks``), or
    ``(None, None)`` when the path names nothing."""
    tokens = path.strip("-").split("-")
    if not tokens or tokens[0] != ROOT:
        return None, None
    spec, value = None, values
    current_specs = specs
    for token in tokens[1:]:
        if isinstance(value, list):
            if not token.isdigit() or int(token) >= len(value):
                return None, None
            value, current_specs = value[int(token)], spec.children
            spec = None
            continue
        spec = next((each for each in current_specs if each.name == token), None)
        if spec is None or not isinstance(value, dict):
            return None, None
        value = value.get(spec.name)
        current_specs = spec.children
    return spec, value


def list_action(spec: FieldSpec, values: list, verb: str, argument: str) -> None:
    """``item-add``, ``item-up:<n>``, ``item-down:<n>`` or ``item-remove:<n>`` on a list."""
    if verb == "item-add":
        if not spec.fixed and len(values) < spec.max_items:
            values.append(editable_group(spec.children, {}))
        return
    if spec.fixed or not argument.isdigit() or int(argument) >= len(values):
        return
    index = int(argument)
    if verb == "item-remove":
        del values[index]
    elif verb == "item-up" and index > 0:
        values[index - 1], values[index] = values[index], values[index - 1]
    elif verb == "item-down" and index < len(values) - 1:
        values[index + 1], values[index] = values[index], values[index + 1]
