"""The staff editor's form as a browser would post it: inputs read from the page's HTML, or
written from content by the editor's naming rules (``b<n>-<input>``, ``f-<path>``)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class FormInputs(HTMLParser):
    """The successful controls of the form with id ``form_id``: what submitting it sends."""

    def __init__(self, form_id: str = "compose-form"):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._selected = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select, self._select_first, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.data[self._select], self._selected = value, True

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._selected and self._select_first is not None:
                self.data[self._select] = self._select_first
            self._select = None


def form_inputs(html: str, form_id: str = "compose-form") -> dict[str, str]:
    parser = FormInputs(form_id)
    parser.feed(html)
    return parser.data


def block_inputs(blocks: list[dict], prefix: str = "") -> dict[str, str]:
    data = {f"{prefix}blocks": str(len(blocks))}
    for index, block in enumerate(blocks):
        for name, value in block.items():
            if name == "rows" and isinstance(value, list):
                value = "\n".join(" | ".join(row) for row in value)
            elif name == "header" and isinstance(value, bool):
                value = "on" if value else ""
            data[f"{prefix}b{index}-{name}"] = "" if value is None else str(value)
    return data


def field_inputs(fields: dict[str, Any], path: str = "f") -> dict[str, str]:
    """``fields`` as the kind's inputs post them."""
    data: dict[str, str] = {}
    for key, value in fields.items():
        name = f"{path}-{key}"
        if key == "blocks" and isinstance(value, list):
            data.update(block_inputs(value, prefix=f"{name}-"))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            data[f"{name}-count"] = str(len(value))
            for index, item in enumerate(value):
                data.update(field_inputs(item, f"{name}-{index}"))
        elif isinstance(value, list):
            data[name] = "\n".join(str(line) for line in value)
            data[f"{name}-count"] = "0"
        elif isinstance(value, dict) and ("asset" in value or "alt" in value):
            data[f"{name}-asset"] = str(value.get("asset", ""))
            data[f"{name}-alt"] = str(value.get("alt", ""))
        elif isinstance(value, dict):
            data.update(field_inputs(value, name))
        else:
            data[name] = str(value)
    return data


def editor_post(*, blocks=(), fields=None, other="", action="save") -> dict[str, str]:
    """A posted editor form: the main ``blocks``, the kind's ``fields`` as inputs, ``other``
    fields as JSON text."""
    data = block_inputs(list(blocks))
    data.update(field_inputs(fields or {}))
    data["fields"] = other
    data["action"] = action
    return data
