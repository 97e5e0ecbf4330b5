"""The practice's template library: its own document templates, in numbered versions.

A template starts as a copy of a kind's built-in ("customise") or from a source of its own; each
save that changes the source keeps a new version (an unchanged source makes none), an old version
is restored as a new one, and a template no longer wanted is archived (documents that use it keep
rendering with it). Every source is checked before it is kept: the restricted engine compiles it
(forbidden tags refused with their line) and its styles pass ``template_css_check`` with the
practice's own media folder as the only place ``url(…)`` may read; nothing is saved otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from documents.builtins import builtin_kinds, builtin_template
from documents.content.css import template_css_check
from documents.models import (
    TEMPLATE_SOURCE_MAX,
    Composition,
    DocumentKind,
    DocumentTemplate,
    DocumentTemplateVersion,
)
from documents.rendering import (
    Brand,
    RenderError,
    TemplateRejected,
    compile_template,
    practice_media_folder,
    preview_png,
    render_document,
)
from documents.template_library_store import practice_template_version_key
from secretary import limits
from secretary.audit import activity_record
from secretary.errors import ApplicationError

MAX_SOURCE = TEMPLATE_SOURCE_MAX
MAX_NAME = 200
THUMBNAIL_WIDTH = 300
THUMBNAIL_SECONDS = 24 * 3600
PREVIEW_PAGES = 2


def _error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, errors={field: message})


def template_kinds() -> tuple[str, ...]:
    """The kinds people compose that have a built-in template, in the order documents list."""
    from documents.compose import COMPOSABLE_KINDS

    return tuple(str(kind) for kind in COMPOSABLE_KINDS if kind in builtin_kinds())


def media_folder_url(practice) -> str:
    """The practice's media folder as the ``file://`` prefix its templates' styles may read."""
    return Path(practice_media_folder(practice.pk)).as_uri() + "/"


def template_check(*, practice, source: str) -> None:
    """ApplicationError (under ``source``, with the line) when ``source`` cannot be kept."""
    if not isinstance(source, str) or not source.strip():
        raise _error("source", _("Write the template's source."))
    if len(source) > MAX_SOURCE:
        raise _error(
            "source",
            _("The template is too long (at most %(count)s characters).") % {"count": MAX_SOURCE},
        )
    try:
        compile_template(source)
        template_css_check(source, allowed_url_prefixes=[media_folder_url(practice)])
    except TemplateRejected as rejected:
        raise _error("source", str(rejected.message)) from rejected


def _clean_kind(kind: str) -> str:
    if kind not in template_kinds():
        raise _error("kind", _("Documents of this kind have no template to customise."))
    return str(kind)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise _error("name", _("Give the template a name."))
    if len(name) > MAX_NAME:
        raise _error("name", _("The name is too long (at most 200 characters)."))
    return name


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > limits.TEXT_SHORT:
        raise _error("description", _("The description is too long."))
    return description


# --- Reads ------------------------------------------------------------------------------------


def template_rows(*, practice, kind: str | None = None, archived: bool | None = None):
    """The practice's templates with their latest version's number and date (one query)."""
    latest = (
        DocumentTemplateVersion.objects.for_practice(practice)
        .filter(template=OuterRef("pk"))
        .order_by("-number")
    )
    rows = (
        DocumentTemplate.objects.for_practice(practice)
        .annotate(
            latest_number=Subquery(latest.values("number")[:1]),
            latest_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("kind", "name", "pk")
    )
    if kind is not None:
        rows = rows.filter(kind=kind)
    if archived is not None:
        rows = rows.filter(archived=archived)
    return rows


def template_get(*, practice, template_id: int) -> DocumentTemplate:
    """The practice's template; Http404 when it is not the practice's."""
    template = (
        DocumentTemplate.objects.for_practice(practice)
        .filter(pk=template_id)
        .select_related("created_by")
        .first()
    )
    if template is None:
        raise Http404
    return template


def template_versions(*, practice, template: DocumentTemplate):
    return (
        DocumentTemplateVersion.objects.for_practice(practice)
        .filter(template=template)
        .select_related("created_by")
        .order_by("-number")
    )


def template_latest(*, practice, template: DocumentTemplate) -> DocumentTemplateVersion | None:
    return template_versions(practice=practice, template=template).first()


def templates_to_choose(*, practice, kind: str | None = None):
    """What a new document may use: the practice's templates that are not archived."""
    rows = DocumentTemplate.objects.for_practice(practice).filter(archived=False)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return rows.order_by("kind", "name", "pk")


# --- Writes -----------------------------------------------------------------------------------


def _add_version(*, practice, template: DocumentTemplate, source: str, user):
    """The next version of ``template`` (locked) with ``source``; None when it is unchanged."""
    locked = DocumentTemplate.objects.for_practice(practice).select_for_update().get(pk=template.pk)
    latest = template_latest(practice=practice, template=locked)
    if latest is not None and latest.source == source:
        return None
    return DocumentTemplateVersion.objects.create(
        practice=practice,
        template=locked,
        number=(latest.number + 1) if latest else 1,
        source=source,
        created_by=user,
    )


def template_create(
    *, practice, kind: str, name: str, description: str = "", source: str | None = None, user=None
) -> DocumentTemplate:
    """A new template of ``kind`` (the built-in's source unless ``source``), version 1."""
    kind = _clean_kind(kind)
    name = _clean_name(name)
    description = _clean_description(description)
    if source is None:
        source = builtin_template(kind).source
    template_check(practice=practice, source=source)
    with transaction.atomic():
        template = DocumentTemplate.objects.create(
            practice=practice, kind=kind, name=name, description=description, created_by=user
        )
        _add_version(practice=practice, template=template, source=source, user=user)
        activity_record(
            practice=practice,
            actor=user,
            verb="document_template.created",
            target=template,
            data={"kind": kind},
        )
    return template


def template_customise(*, practice, kind: str, user=None) -> DocumentTemplate:
    """Copy the built-in template of ``kind`` into a new template of the practice."""
    kind = _clean_kind(kind)
    label = DocumentKind(kind).label
    return template_create(
        practice=practice,
        kind=kind,
        name=_("%(kind)s (our own)") % {"kind": label},
        source=builtin_template(kind).source,
        user=user,
    )


def template_save(
    *,
    practice,
    template: DocumentTemplate,
    source: str | None = None,
    name: str | None = None,
    description: str | None = None,
    archived: bool | None = None,
    user=None,
) -> DocumentTemplateVersion | None:
    """Keep what changed: a new version for a new ``source`` (checked first), the name, the
    description, archived or not. Returns the new version (None when the source is unchanged)."""
    fields: dict = {}
    if name is not None:
        fields["name"] = _clean_name(name)
    if description is not None:
        fields["description"] = _clean_description(description)
    if archived is not None:
        fields["archived"] = bool(archived)
    if source is not None:
        template_check(practice=practice, source=source)
    version = None
    with transaction.atomic():
        if source is not None:
            version = _add_version(practice=practice, template=template, source=source, user=user)
            if version is not None:
                activity_record(
                    practice=practice,
                    actor=user,
                    verb="document_template.saved",
                    target=template,
                    data={"version": version.number},
                )
        changed = {key: value for key, value in fields.items() if getattr(template, key) != value}
        if changed:
            for key, value in changed.items():
                setattr(template, key, value)
            template.save(update_fields=list(changed))
            if "archived" in changed:
                activity_record(
                    practice=practice,
                    actor=user,
                    verb="document_template.archived"
                    if template.archived
                    else "document_template.unarchived",
                    target=template,
                )
    return version


def template_restore(
    *, practice, template: DocumentTemplate, number: int, user=None
) -> DocumentTemplateVersion:
    """Keep the source of version ``number`` again, as a new version."""
    old = template_versions(practice=practice, template=template).filter(number=number).first()
    if old is None:
        raise _error("version", _("This template has no version %(number)s.") % {"number": number})
    template_check(practice=practice, source=old.source)
    with transaction.atomic():
        version = _add_version(practice=practice, template=template, source=old.source, user=user)
        if version is None:
            raise _error("version", _("This version is already the current one."))
        activity_record(
            practice=practice,
            actor=user,
            verb="document_template.restored",
            target=template,
            data={"version": version.number, "from": old.number},
        )
    return version


def template_archive(*, practice, template: DocumentTemplate, archived: bool = True, user=None):
    template_save(practice=practice, template=template, archived=archived, user=user)
    return template


def composition_template_set(
    *, practice, composition: Composition, template: DocumentTemplate | None, user=None
) -> Composition:
    """Render ``composition`` with ``template`` (None: the kind's built-in) from now on."""
    if template is not None and (
        template.practice_id != practice.pk
        or template.kind != composition.kind
        or (template.archived and template.pk != composition.template_id)
    ):
        raise _error("template", _("Choose one of the practice's templates of this kind."))
    with transaction.atomic():
        locked = (
            Composition.objects.for_practice(practice).select_for_update().get(pk=composition.pk)
        )
        if locked.is_locked:
            raise _error("template", _("This document is approved; its template cannot change."))
        if locked.template_id == (template.pk if template else None):
            return locked
        locked.template = template
        locked.save(update_fields=["template", "updated_at"])
        composition.template = template
        activity_record(
            practice=practice,
            actor=user,
            verb="composition.template_changed",
            target=locked,
            data={"template": template.pk if template else None},
        )
    return locked


# --- Pictures of a template: the kind's sample with the practice's brand kit ------------------


def practice_brand(practice) -> Brand:
    from clients.selectors import brand_for
    from documents.agreements import brand_from_kit

    return brand_from_kit(brand_for(practice=practice))


def sample_render(*, practice, kind: str, source: str, brand: Brand | None = None):
    """``source`` filled with the kind's sample; RenderError when the renderer refuses it."""
    from documents.samples import sample_context

    return render_document(
        template_source=source,
        context=sample_context(kind),
        brand=brand or practice_brand(practice),
        media_folder=practice_media_folder(practice.pk),
    )


def template_preview(*, practice, kind: str, source: str) -> list[str]:
    """The first pages of ``source`` on the kind's sample, as PNG ``data:`` URIs (not kept).

    Raises ApplicationError for a source that cannot be kept, RenderError for what the
    renderer refuses."""
    from documents.compose_preview import pages_png

    template_check(practice=practice, source=source)
    rendered = sample_render(practice=practice, kind=kind, source=source)
    return [
        "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        for png in pages_png(rendered.pdf, pages=PREVIEW_PAGES)
    ]


def _thumbnail(*, practice, kind: str, version_key: str, source: str) -> bytes | None:
    brand = practice_brand(practice)
    fingerprint = json.dumps([version_key, brand.fingerprint()], sort_keys=True)
    key = "documents:thumbnail:" + hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()
    png = cache.get(key)
    if png is None:
        try:
            rendered = sample_render(practice=practice, kind=kind, source=source, brand=brand)
        except RenderError:
            return None
        png = preview_png(rendered.pdf, width=THUMBNAIL_WIDTH)
        cache.set(key, png, THUMBNAIL_SECONDS)
    return png


def builtin_thumbnail(*, practice, kind: str) -> bytes | None:
    """The first page of the kind's built-in on its sample (None when it cannot be made)."""
    builtin = builtin_template(_clean_kind(kind))
    return _thumbnail(
        practice=practice, kind=kind, version_key=builtin.version, source=builtin.source
    )


def template_thumbnail(*, practice, template: DocumentTemplate) -> bytes | None:
    latest = template_latest(practice=practice, template=template)
    if latest is None:
        return None
    return _thumbnail(
        practice=practice,
        kind=template.kind,
        version_key=practice_template_version_key(latest),
        source=latest.source,
    )
