"""Which template renders a composed document: the practice's own (its latest version) when the
composition names one, else the kind's built-in.

The template's version is part of the render key (``Document.template_version``): a practice
template's is ``practice:<version id>@<hash of its source>``, so a new version of the template,
or another template chosen, gives a new key and the document is rendered again. The worker reads
the source back from that version (versions never change).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from documents.builtins import builtin_template
from documents.models import DocumentTemplateVersion
from documents.rendering import TemplateRejected

PRACTICE_PREFIX = "practice:"


@dataclass(frozen=True)
class ChosenTemplate:
    version: str  # as Document.template_version and the render key hold it
    source: str


def practice_template_version_key(version: DocumentTemplateVersion) -> str:
    digest = hashlib.sha256(version.source.encode("utf-8")).hexdigest()[:16]
    return f"{PRACTICE_PREFIX}{version.pk}@{digest}"


def template_version_latest(*, practice_id: int, template_id: int):
    return (
        DocumentTemplateVersion.objects.for_practice(practice_id)
        .filter(template_id=template_id)
        .order_by("-number")
        .first()
    )


def template_for(composition) -> ChosenTemplate:
    """The template that renders ``composition`` now."""
    if composition.template_id is not None:
        latest = template_version_latest(
            practice_id=composition.practice_id, template_id=composition.template_id
        )
        if latest is not None:
            return ChosenTemplate(
                version=practice_template_version_key(latest), source=latest.source
            )
    builtin = builtin_template(composition.kind)
    return ChosenTemplate(version=builtin.version, source=builtin.source)


def template_source_for(composition) -> str:
    return template_for(composition).source


def is_practice_template_version(key: str) -> bool:
    return (key or "").startswith(PRACTICE_PREFIX)


def template_source_for_document(document) -> str:
    """The source that renders a queued ``document`` (see ``Document.template_version``)."""
    key = document.template_version or ""
    if not is_practice_template_version(key):
        return builtin_template(document.kind).source
    version_id = key[len(PRACTICE_PREFIX) :].partition("@")[0]
    version = (
        DocumentTemplateVersion.objects.for_practice(document.practice_id)
        .filter(pk=int(version_id) if version_id.isdigit() else 0)
        .first()
    )
    if version is None or practice_template_version_key(version) != key:
        raise TemplateRejected(_("The template of this document no longer exists."))
    return version.source
