"""Forms of the staff editor of composed documents.

A composition's content is edited as its main blocks (``documents.block_inputs``) and the kind's
fields as the inputs ``documents.kind_forms`` describes (a panel's or a chapter's blocks under
their own prefix).
``ContentForm`` reads those inputs back as typed (so a refused save shows everything again) and
turns them into the content ``documents.compose`` keeps.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from documents import compose, fieldspec
from documents.block_inputs import (
    BLOCK_LABELS,
    apply_action,
    blocks_from_data,
    editable_block,
    kept_block,
)
from documents.content.blocks import IMAGE_WIDTHS, SPACER_SIZES, BlocksInvalid, blocks_clean
from documents.kind_forms import kind_form
from documents.models import DocumentKind, PaperSize
from secretary.form_renderer import name_empty_choices
from secretary.idempotency import IdempotentFormMixin

MAX_FIELDS_TEXT = compose.MAX_FIELDS_BYTES + 1


class ContentForm:
    """The editor's blocks and the kind's fields, as typed; ``is_valid`` gives ``content`` or
    problems.

    The kind's fields are inputs (``documents.kind_forms``); fields its form does not name (a
    custom template's) are edited as JSON in ``fields_text``. ``block_errors`` maps a main
    block's number (from 1) to its problem, ``field_errors`` an input's name to its problem,
    ``fields_error`` is the problem of the JSON, ``errors`` the rest (all summed up on top).
    """

    def __init__(self, data=None, *, content: dict[str, Any] | None = None, kind: str = ""):
        self.kind_form = kind_form(kind)
        specs = self.kind_form.specs
        self.is_bound = data is not None
        if data is not None:
            self.blocks = blocks_from_data(data)
            self.fields = fieldspec.group_from_data(specs, data, fieldspec.ROOT)
            self.fields_text = str(data.get("fields", ""))[:MAX_FIELDS_TEXT]
        else:
            content = content or {}
            self.blocks = [editable_block(block) for block in content.get("blocks", [])]
            kept = content.get("fields", {})
            self.fields = fieldspec.editable_group(specs, kept)
            other = json.loads(self.fields.pop("_keep") or "{}")
            self.fields["_keep"] = ""
            self.fields_text = json.dumps(other, indent=2, ensure_ascii=False) if other else ""
        self.block_errors: dict[int, str] = {}
        self.field_errors: dict[str, Any] = {}
        self.fields_error = ""
        self.errors: list[str] = []
        self.content: dict[str, Any] | None = None

    @property
    def bound_before(self) -> list[fieldspec.Bound]:
        return self._bound(self.kind_form.before)

    @property
    def bound_after(self) -> list[fieldspec.Bound]:
        return self._bound(self.kind_form.after)

    def _bound(self, specs) -> list[fieldspec.Bound]:
        return fieldspec.bind_group(specs, self.fields, fieldspec.ROOT, self.field_errors)

    @property
    def shows_blocks(self) -> bool:
        return self.kind_form.blocks is not None or bool(self.blocks)

    def is_valid(self) -> bool:
        self.block_errors, self.field_errors, self.fields_error, self.errors = {}, {}, "", []
        blocks = [kept_block(block) for block in self.blocks]
        try:
            blocks = blocks_clean(blocks)
        except BlocksInvalid as invalid:
            self.errors.extend(message for n, message in invalid.errors.items() if n == 0)
            self.block_errors = {n: message for n, message in invalid.errors.items() if n}
        problems = fieldspec.Problems()
        fields = fieldspec.kept_group(
            self.kind_form.specs, self.fields, fieldspec.ROOT, "", problems
        )
        self.field_errors = problems.by_name
        self.errors.extend(problems.summary)
        other = self._other_fields()
        if other:
            named = sorted(set(other) & {spec.name for spec in self.kind_form.specs})
            if named:
                self.fields_error = _(
                    "“%(name)s” is edited in the form above, not in the other fields."
                ) % {"name": named[0]}
            fields = {**other, **fields}
        if self.has_errors():
            return False
        self.content = {"blocks": blocks, "fields": fields}
        return True

    def _other_fields(self) -> dict[str, Any]:
        text = self.fields_text.strip()
        if not text:
            return {}
        try:
            fields = json.loads(text)
        except ValueError as error:
            self.fields_error = _(
                "The other fields are not valid JSON: %(problem)s (line %(line)s, column "
                "%(column)s)."
            ) % {
                "problem": getattr(error, "msg", str(error)),
                "line": getattr(error, "lineno", 1),
                "column": getattr(error, "colno", 1),
            }
            return {}
        if not isinstance(fields, dict):
            self.fields_error = _('The other fields must be a JSON object, like {"note": "…"}.')
            return {}
        return fields

    def apply_action(self, action: str) -> None:
        """Add, move or remove a main block, a block of a panel or chapter, or an item of a
        list (``item-add@f-people``, ``up:2@f-chapters-0-blocks-``): see ``apply_action``."""
        verb_argument, _sep, path = (action or "").partition("@")
        if not path:
            self.blocks = apply_action(self.blocks, verb_argument)
            return
        spec, value = fieldspec.locate(self.kind_form.specs, self.fields, path)
        if spec is None or not isinstance(value, list):
            return
        verb, _sep, argument = verb_argument.partition(":")
        if spec.type == "blocks":
            value[:] = apply_action(value, verb_argument)
        elif spec.type == "list" and verb.startswith("item-"):
            fieldspec.list_action(spec, value, verb, argument)

    def add_error(self, error) -> None:
        """Show a service's ``ApplicationError`` on the form."""
        for field, messages in error.errors.items():
            text = " ".join(str(message) for message in messages)
            if field == "fields":
                self.fields_error = text
            else:
                self.errors.append(text)
        if not error.errors:
            self.errors.append(str(error.message))

    def has_errors(self) -> bool:
        return bool(self.errors or self.block_errors or self.field_errors or self.fields_error)


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

        name_empty_choices(self, client=gettext_lazy("No client"), task=gettext_lazy("No task"))
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
