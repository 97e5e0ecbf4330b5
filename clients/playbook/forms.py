"""The playbook editor (staff) and the proposal form (portal): the sections of
``clients.playbook.content`` drawn and read by ``documents.fieldspec``, so lists of people,
answers, prices and spellings get rows added, moved and removed like a document's fields."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from clients.playbook.content import (
    SECTIONS,
    ContentInvalid,
    content_clean,
    from_inputs,
    input_name,
)
from documents import fieldspec
from secretary.limits import parse_id

MAX_MESSAGE = 2_000


class PlaybookForm:
    """The sections as typed; ``is_valid`` gives ``content`` (checked) or problems by input
    name (``field_errors``) and in a summary (``errors``)."""

    def __init__(self, data=None, *, content: dict[str, Any] | None = None, base_number=0):
        self.is_bound = data is not None
        if data is not None:
            self.values = fieldspec.group_from_data(SECTIONS, data, fieldspec.ROOT)
            self.base_number = parse_id(data.get("base_version")) or 0
            self.message = str(data.get("message", ""))[: MAX_MESSAGE + 1]
            self.note = str(data.get("note", ""))[:301]
        else:
            self.values = fieldspec.editable_group(SECTIONS, content or {})
            self.base_number = base_number
            self.message = ""
            self.note = ""
        self.field_errors: dict[str, Any] = {}
        self.errors: list[str] = []
        self.content: dict[str, Any] | None = None

    @property
    def bound(self) -> list[fieldspec.Bound]:
        return fieldspec.bind_group(SECTIONS, self.values, fieldspec.ROOT, self.field_errors)

    def is_valid(self) -> bool:
        problems = fieldspec.Problems()
        kept = fieldspec.kept_group(SECTIONS, self.values, fieldspec.ROOT, "", problems)
        self.field_errors, self.errors = dict(problems.by_name), list(problems.summary)
        if len(self.message) > MAX_MESSAGE:
            self.errors.append(_("The message: at most %(n)s characters.") % {"n": MAX_MESSAGE})
        if len(self.note) > 300:
            self.errors.append(_("The note: at most %(n)s characters.") % {"n": 300})
        try:
            self.content = content_clean(from_inputs(kept))
        except ContentInvalid as invalid:
            self.add_error(invalid)
        return not (self.errors or self.field_errors)

    def add_error(self, error) -> None:
        """Show a service's ``ApplicationError`` (a ``ContentInvalid`` by input)."""
        problems = getattr(error, "problems", None)
        if problems:
            for path, message in problems.items():
                self.field_errors.setdefault(input_name(path), message)
            self.errors.extend(error.errors.get("content", []))
            return
        self.errors.append(str(error.message))

    def apply_action(self, action: str) -> None:
        """``item-add@f-people``, ``item-up:2@f-inquiries``… (see ``fieldspec.list_action``)."""
        verb_argument, _sep, path = (action or "").partition("@")
        spec, value = fieldspec.locate(SECTIONS, self.values, path)
        if spec is None or spec.type != "list" or not isinstance(value, list):
            return
        verb, _sep, argument = verb_argument.partition(":")
        if verb.startswith("item-"):
            fieldspec.list_action(spec, value, verb, argument)
