"""Forms of the staff editor of composed documents.

A composition's content is edited as a list of blocks, each a fieldset of plain inputs named
``b<index>-<input>`` (``blocks`` holds how many there are), and the kind's fields as a JSON
object in one textarea. ``ContentForm`` reads those inputs back as typed (so a refused save shows
everything again) and turns them into the content ``documents.compose`` keeps.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from documents import compose
from documents.content.blocks import (
    BLOCK_TYPES,
    IMAGE_WIDTHS,
    MAX_BLOCKS,
    SPACER_SIZES,
    BlocksInvalid,
    blocks_clean,
)
from documents.content.markdown import MAX_MARKDOWN
from documents.models import DocumentKind, PaperSize
from secretary.idempotency import IdempotentFormMixin

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
MAX_FIELDS_TEXT = compose.MAX_FIELDS_BYTES + 1


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


def blocks_from_data(data) -> list[dict[str, Any]]:
    """The blocks as typed in a posted editor form (at most ``MAX_BLOCKS`` + 1 of them)."""
    try:
        count = max(0, min(int(data.get("blocks", 0)), MAX_BLOCKS + 1))
    except (TypeError, ValueError):
        count = 0
    blocks = []
    for index in range(count):
        kind = data.get(f"b{index}-type", "")
        if kind not in BLOCK_TYPES:
            continue
        block: dict[str, Any] = {"type": kind}
        for name in BLOCK_INPUTS[kind]:
            key = f"b{index}-{name}"
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


class ContentForm:
    """The editor's blocks and fields, as typed; ``is_valid`` gives ``content`` or errors.

    ``block_errors`` maps a block's number (from 1) to its problem, ``fields_error`` is the
    problem of the fields' JSON, ``errors`` the rest (shown on top of the form).
    """

    def __init__(self, data=None, *, content: dict[str, Any] | None = None):
        self.is_bound = data is not None
        if data is not None:
            self.blocks = blocks_from_data(data)
            self.fields_text = str(data.get("fields", ""))[:MAX_FIELDS_TEXT]
        else:
            content = content or {}
            self.blocks = [editable_block(block) for block in content.get("blocks", [])]
            self.fields_text = json.dumps(content.get("fields", {}), indent=2, ensure_ascii=False)
        self.block_errors: dict[int, str] = {}
        self.fields_error = ""
        self.errors: list[str] = []
        self.content: dict[str, Any] | None = None

    def is_valid(self) -> bool:
        self.block_errors, self.fields_error, self.errors = {}, "", []
        blocks = [kept_block(block) for block in self.blocks]
        try:
            blocks = blocks_clean(blocks)
        except BlocksInvalid as invalid:
            self.errors.extend(message for n, message in invalid.errors.items() if n == 0)
            self.block_errors = {n: message for n, message in invalid.errors.items() if n}
        fields = self._fields()
        if self.errors or self.block_errors or self.fields_error:
            return False
        self.content = {"blocks": blocks, "fields": fields}
        return True

    def _fields(self) -> Any:
        text = self.fields_text.strip()
        if not text:
            return {}
        try:
            fields = json.loads(text)
        except ValueError as error:
            self.fields_error = _(
                "The fields are not valid JSON: %(problem)s (line %(line)s, column %(column)s)."
            ) % {
                "problem": getattr(error, "msg", str(error)),
                "line": getattr(error, "lineno", 1),
                "column": getattr(error, "colno", 1),
            }
            return None
        if not isinstance(fields, dict):
            self.fields_error = _('The fields must be a JSON object, like {"salutation": "…"}.')
            return None
        return fields

    def add_error(self, error) -> None:
        """Show a service's ``ApplicationError`` on the form."""
        for field, messages in error.errors.items():
            if field == "fields":
                self.fields_error = " ".join(str(message) for message in messages)
            else:
                self.errors.extend(str(message) for message in messages)
        if not error.errors:
            self.errors.append(str(error.message))

    def has_errors(self) -> bool:
        return bool(self.errors or self.block_errors or self.fields_error)


class CompositionCreateForm(IdempotentFormMixin, forms.Form):
    client = forms.ModelChoiceField(label=gettext_lazy("Client"), queryset=Client.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Kind"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    task = forms.ModelChoiceField(
        label=gettext_lazy("Task"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("Optional: a task of the same client this document is for."),
    )
    paper = forms.ChoiceField(
        label=gettext_lazy("Paper"),
        required=False,
        help_text=gettext_lazy("Leave empty for the paper of the client's country."),
    )
    template = forms.ModelChoiceField(
        label=gettext_lazy("Template"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("The built-in template"),
        help_text=gettext_lazy("One of the practice's own templates of the same kind."),
    )

    def __init__(self, *args, practice, **kwargs):
        from documents.practice_templates import templates_to_choose
        from tasks.models import Task

        super().__init__(*args, **kwargs)
        self.practice = practice
        self.fields["client"].queryset = Client.objects.for_practice(practice).order_by("name")
        self.fields["task"].queryset = (
            Task.objects.for_practice(practice)
            .select_related("client")
            .order_by("client__name", "title")
        )
        self.fields["task"].label_from_instance = lambda task: f"{task.client} · {task.title}"
        self.fields["kind"].choices = [
            (kind.value, DocumentKind(kind).label) for kind in compose.COMPOSABLE_KINDS
        ]
        self.fields["paper"].choices = [("", _("From the client's country")), *PaperSize.choices]
        self.fields["template"].queryset = templates_to_choose(practice=practice)
        self.fields["template"].label_from_instance = template_label

    def clean(self):
        data = super().clean()
        client, task = data.get("client"), data.get("task")
        if client is not None and task is not None and task.client_id != client.pk:
            self.add_error("task", _("The task belongs to another client."))
        template, kind = data.get("template"), data.get("kind")
        if template is not None and kind and template.kind != kind:
            self.add_error("template", _("This template is for another kind of document."))
        return data


def template_label(template) -> str:
    return f"{template.get_kind_display()} · {template.name}"


class CompositionTemplateForm(forms.Form):
    """The editor's choice of template (the practice's of the composition's kind)."""

    template = forms.ModelChoiceField(
        label=gettext_lazy("Template"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("The built-in template"),
    )

    def __init__(self, *args, practice, composition, **kwargs):
        from django.db.models import Q

        from documents.models import DocumentTemplate

        super().__init__(*args, **kwargs)
        # The one in use stays listed even when archived.
        self.fields["template"].queryset = (
            DocumentTemplate.objects.for_practice(practice)
            .filter(kind=composition.kind)
            .filter(Q(archived=False) | Q(pk=composition.template_id))
            .order_by("name", "pk")
        )
        self.fields["template"].initial = composition.template_id


class TemplateCustomiseForm(IdempotentFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"))

    def __init__(self, *args, **kwargs):
        from documents.practice_templates import template_kinds

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, DocumentKind(kind).label) for kind in template_kinds()
        ]


class TemplateEditForm(forms.Form):
    """A template's name, description and source (a changed source is a new version)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=200_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 30, "class": "mono", "spellcheck": "false"}),
        help_text=gettext_lazy(
            "HTML and CSS in the document template language; styles may read the practice's "
            "own files only."
        ),
    )


class AssetUploadForm(forms.Form):
    # A plain file field: the service checks the bytes and says which rule a file breaks.
    file = forms.FileField(
        label=gettext_lazy("Image"),
        max_length=200,
        help_text=gettext_lazy("PNG, JPEG, GIF or WebP, up to 10 MB."),
    )


__all__ = [
    "BLOCK_INPUTS",
    "BLOCK_LABELS",
    "IMAGE_WIDTHS",
    "SPACER_SIZES",
    "AssetUploadForm",
    "CompositionCreateForm",
    "CompositionTemplateForm",
    "ContentForm",
    "TemplateCustomiseForm",
    "TemplateEditForm",
]
