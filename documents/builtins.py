"""Built-in document templates: files shipped with the app, versioned by their content.

They run in the same restricted engine as templates users edit. A template's version is a hash
of its source, so changing the file changes every ``render_key`` made from it and documents are
rendered again rather than served stale.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from documents.models import DocumentKind
from secretary.errors import ApplicationError

TEMPLATE_DIR = Path(__file__).resolve().parent / "builtin_templates"


@functools.cache
def builtin_kinds() -> tuple[str, ...]:
    """The kinds that have a built-in template (a file ``builtin_templates/<kind>.html``)."""
    return tuple(kind for kind in DocumentKind.values if (TEMPLATE_DIR / f"{kind}.html").is_file())


@dataclass(frozen=True)
class BuiltinTemplate:
    kind: str
    source: str

    @property
    def version(self) -> str:
        return f"{self.kind}@{hashlib.sha256(self.source.encode()).hexdigest()[:16]}"


@functools.cache
def _load(kind: str) -> BuiltinTemplate:
    return BuiltinTemplate(kind=kind, source=(TEMPLATE_DIR / f"{kind}.html").read_text("utf-8"))


def builtin_template(kind: str) -> BuiltinTemplate:
    """The built-in template of ``kind``; ApplicationError if there is none (yet)."""
    if kind not in builtin_kinds():
        raise ApplicationError(
            _("There is no template for this kind of document yet."),
            errors={"kind": _("There is no template for this kind of document yet.")},
        )
    return _load(str(kind))
