"""Writes of documents people compose: create, save a version, render, send for approval, and
the client's decision.

Content is ``{"blocks": [...], "fields": {...}}``: blocks as ``documents.content.blocks`` keeps
them, fields as the kind's template reads them (``documents/samples/`` shows each kind's).
A save that changes nothing makes no version; an approved composition is locked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from documents.content.blocks import BlocksInvalid, asset_ids, blocks_clean
from documents.kind_forms import initial_fields
from documents.models import (
    Approval,
    ApprovalDecision,
    Composition,
    CompositionStatus,
    CompositionVersion,
    Document,
    DocumentAsset,
    DocumentKind,
    PaperSize,
    ProofComment,
)
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError

VERSION_SUBJECT = "documents.composition_version"
COMPOSABLE_KINDS = (
    DocumentKind.LETTER,
    DocumentKind.NEWSLETTER,
    DocumentKind.BROCHURE,
    DocumentKind.FLIER,
    DocumentKind.BOOKLET,
    DocumentKind.BUSINESS_CARDS,
    DocumentKind.PRESENTATION_HANDOUT,
    DocumentKind.TRAVEL_ITINERARY,
    DocumentKind.MEETING_AGENDA,
    DocumentKind.MEETING_MINUTES,
)
LANDSCAPE_KINDS = (DocumentKind.BROCHURE,)
# Countries that use US Letter paper; everyone else uses A4.
LETTER_COUNTRIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PA", "DO", "PR"}
)
MAX_FIELDS_BYTES = 200_000
# Kinds laid out for A4 and US Letter only (envelope windows, folds, card sheets, slide rows).
NO_A5_KINDS = (
    DocumentKind.LETTER,
    DocumentKind.BROCHURE,
    DocumentKind.BUSINESS_CARDS,
    DocumentKind.PRESENTATION_HANDOUT,
)


def _error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, errors={field: message})


@cache
def _zone_countries() -> dict[str, str]:
    """Time zone → ISO country code, from the IANA zone table shipped with ``tzdata``."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    countries = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                countries[parts[2]] = parts[0]
    return countries


def country_of(client) -> str:
    """The client's country as its time zone tells (``""`` when it does not, e.g. UTC)."""
    return _zone_countries().get(client.time_zone or "", "")


def paper_for(client) -> str:
    """Letter in the US, Canada and the other Letter countries; A4 elsewhere."""
    return PaperSize.LETTER if country_of(client) in LETTER_COUNTRIES else PaperSize.A4


def content_hash(content: Mapping[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _asset_refs(value: Any) -> set[int]:
    """Every asset id the fields name (an image field is ``{"asset": id, ...}``)."""
    found: set[int] = set()
    if isinstance(value, Mapping):
        if isinstance(value.get("asset"), int) and not isinstance(value.get("asset"), bool):
            found.add(value["asset"])
        for key, item in value.items():
            if key == "blocks" and isinstance(item, list):
                try:
                    found |= asset_ids(blocks_clean(item))
                except BlocksInvalid:
                    pass  # reported by content_clean
            else:
                found |= _asset_refs(item)
    elif isinstance(value, list):
        for item in value:
            found |= _asset_refs(item)
    return found


def content_clean(*, practice, composition: Composition, content: Any) -> dict[str, Any]:
    """The content as it is kept, or ApplicationError with field errors (nothing saved)."""
    if not isinstance(content, Mapping):
        raise _error("content", _("The content must be an object with blocks and fields."))
    try:
        blocks = blocks_clean(content.get("blocks", []))
    except BlocksInvalid as invalid:
        raise ApplicationError(
            invalid.messages()[0], errors={"blocks": invalid.messages()}
        ) from invalid
    fields = content.get("fields", {})
    if not isinstance(fields, Mapping):
        raise _error("fields", _("The fields must be an object."))
    fields = json.loads(json.dumps(fields))
    if len(json.dumps(fields)) > MAX_FIELDS_BYTES:
        raise _error("fields", _("The fields are too long for one document."))
    wanted = asset_ids(blocks) | _asset_refs(fields)
    if wanted:
        known = set(
            DocumentAsset.objects.for_practice(practice)
            .filter(client_id=composition.client_id, pk__in=wanted)
            .values_list("pk", flat=True)
        )
        if wanted - known:
            raise _error("blocks", _("An image is not among this client's files."))
    return {"blocks": blocks, "fields": fields}


def _kind_problems(kind: str, fields: Mapping) -> dict[str, str]:
    from documents.kinds import content_problems

    return content_problems(kind, fields)


def composition_create(
    *,
    practice,
    client,
    kind: str,
    title: str,
    user=None,
    task=None,
    content=None,
    paper="",
    template=None,
) -> Composition:
    """A new composition for ``client`` with its first version (empty unless ``content``),
    rendered with ``template`` (a practice template of the kind) or the kind's built-in."""
    if kind not in COMPOSABLE_KINDS:
        raise _error("kind", _("Documents of this kind cannot be written here."))
    title = (title or "").strip()
    if not title:
        raise _error("title", _("Give the document a title."))
    if task is not None and task.client_id != client.pk:
        raise _error("task", _("The task belongs to another client."))
    if template is not None and (
        template.practice_id != practice.pk or template.kind != kind or template.archived
    ):
        raise _error("template", _("Choose one of the practice's templates of this kind."))
    if content is None and kind == DocumentKind.TRAVEL_ITINERARY and task is not None:
        from documents.itinerary import itinerary_fields

        content = {"blocks": [], "fields": itinerary_fields(practice=practice, task=task)}
    paper = paper or paper_for(client)
    if paper not in PaperSize.values:
        raise _error("paper", _("Choose A4, US Letter or A5."))
    if paper == PaperSize.A5 and kind in NO_A5_KINDS:
        raise _error(
            "paper",
            _("%(kind)s is printed on A4 or US Letter.") % {"kind": DocumentKind(kind).label},
        )
    with transaction.atomic():
        composition = Composition.objects.create(
            practice=practice,
            client=client,
            task=task,
            kind=kind,
            title=title[:200],
            paper=paper,
            template=template,
            created_by=user,
        )
        composition_save(
            practice=practice,
            composition=composition,
            content=content or {"blocks": [], "fields": initial_fields(kind, paper)},
            user=user,
        )
        activity_record(
            practice=practice, actor=user, verb="composition.created", target=composition
        )
    return composition


def version_latest(composition: Composition) -> CompositionVersion | None:
    return (
        CompositionVersion.objects.for_practice(composition.practice_id)
        .filter(composition=composition)
        .order_by("-number")
        .first()
    )


def composition_save(*, practice, composition: Composition, content: Any, user=None):
    """Keep ``content`` as the next version; the latest one when nothing changed."""
    clean = content_clean(practice=practice, composition=composition, content=content)
    digest = content_hash(clean)
    with transaction.atomic():
        locked = (
            Composition.objects.for_practice(practice).select_for_update().get(pk=composition.pk)
        )
        if locked.is_locked:
            raise _error(
                "content", _("This document is approved; its approved version cannot change.")
            )
        latest = version_latest(locked)
        if latest is not None and latest.content_hash == digest:
            return latest
        version = CompositionVersion.objects.create(
            practice=practice,
            composition=locked,
            number=(latest.number + 1) if latest else 1,
            content=clean,
            content_hash=digest,
            created_by=user,
        )
        if locked.status != CompositionStatus.DRAFT:
            # Sent or sent back: the new version is a draft until it is sent again.
            locked.status = CompositionStatus.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        composition.status = locked.status
    return version


# --- Rendering -------------------------------------------------------------------------------


def _image_src(asset: DocumentAsset) -> str:
    try:
        return asset.file.path and f"file://{asset.file.path}"
    except NotImplementedError:  # remote storage: the bytes travel with the document
        with asset.file.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode("ascii")
        return f"data:{asset.content_type};base64,{data}"


def _resolve_images(value: Any, assets: Mapping[int, DocumentAsset]) -> Any:
    if isinstance(value, Mapping):
        resolved = {key: _resolve_images(item, assets) for key, item in value.items()}
        asset_id = value.get("asset")
        if isinstance(asset_id, int) and not isinstance(asset_id, bool):
            asset = assets.get(asset_id)
            resolved["src"] = _image_src(asset) if asset is not None else ""
        return resolved
    if isinstance(value, list):
        return [_resolve_images(item, assets) for item in value]
    return value


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _date_for(client, on: date | None = None) -> str:
    today = on or timezone.localdate(timezone=ZoneInfo(client.time_zone or "UTC"))
    return formats.date_format(today, "j F Y")


def composition_context(composition: Composition, version: CompositionVersion) -> dict[str, Any]:
    """What the kind's template reads (see ``documents/builtin_templates``), as plain values."""
    practice = composition.practice
    client = composition.client
    content = version.content or {}
    wanted = asset_ids(content.get("blocks", [])) | _asset_refs(content.get("fields", {}))
    assets = {
        asset.pk: asset
        for asset in DocumentAsset.objects.for_practice(practice).filter(
            client_id=client.pk, pk__in=wanted
        )
    }
    sender = composition.created_by
    context = {
        "title": composition.title,
        "paper": {
            "size": composition.paper,
            "orientation": "landscape" if composition.kind in LANDSCAPE_KINDS else "portrait",
        },
        "date": _date_for(
            client,
            timezone.localdate(version.created_at, ZoneInfo(client.time_zone or "UTC"))
            if version.created_at
            else None,
        ),
        "client": {
            "name": client.name,
            "address_lines": _lines(client.address),
            "country": country_of(client),
        },
        "practice": {
            "name": practice.name,
            "address_lines": [],
            "email": "",
            "phone": "",
            "website": "",
        },
        "sender": {
            "name": (sender.get_full_name() or sender.email) if sender else practice.name,
            "title": "",
            "email": sender.email if sender else "",
            "phone": "",
        },
        "blocks": _resolve_images(content.get("blocks", []), assets),
        "fields": _resolve_images(content.get("fields", {}), assets),
        "version": version.number,
        "version_hash": version.content_hash[:12],
    }
    values = merge_values(composition, context)
    context["blocks"] = merge(context["blocks"], values)
    context["fields"] = merge(context["fields"], values)
    return context


# --- Merge fields: ``{{ client.name }}`` typed in a block or a field ---------------------------

MERGE_FIELD_RE = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")
MERGE_FIELDS = (
    "client.name",
    "client.address",
    "contact.name",
    "contact.first_name",
    "contact.email",
    "contact.phone",
    "practice.name",
    "sender.name",
    "sender.email",
    "task.title",
    "task.due",
    "event.title",
    "event.when",
    "event.location",
    "today",
)


def merge_values(composition: Composition, context: Mapping[str, Any]) -> dict[str, str]:
    """The text each merge field stands for in this composition (empty when unknown)."""
    from clients.models import Contact

    client = composition.client
    contact = (
        Contact.objects.for_practice(composition.practice_id)
        .filter(client=client)
        .order_by("-portal_documents", "name", "id")
        .first()
    )
    values = {
        "client.name": client.name,
        "client.address": ", ".join(_lines(client.address)),
        "contact.name": contact.name if contact else "",
        "contact.first_name": contact.name.split()[0] if contact and contact.name else "",
        "contact.email": contact.email if contact else "",
        "contact.phone": contact.phone if contact else "",
        "practice.name": context["practice"]["name"],
        "sender.name": context["sender"]["name"],
        "sender.email": context["sender"]["email"],
        "today": context["date"],
    }
    task = composition.task
    if task is not None:
        zone = ZoneInfo(client.time_zone or "UTC")
        values["task.title"] = task.title
        values["task.due"] = (
            formats.date_format(task.due_at.astimezone(zone), "j F Y") if task.due_at else ""
        )
        from tasks.models import CalendarEvent

        event = (
            CalendarEvent.objects.for_practice(composition.practice_id)
            .filter(task=task, cancelled=False)
            .order_by("starts_at", "id")
            .first()
        )
        if event is not None:
            local = event.starts_at.astimezone(ZoneInfo(event.time_zone or "UTC"))
            values["event.title"] = event.title
            values["event.when"] = (
                f"{formats.date_format(local, 'j F Y')} {local.strftime('%H:%M')} {local.tzname()}"
            )
            values["event.location"] = event.location
    return {name: values.get(name, "") for name in MERGE_FIELDS}


def merge(value: Any, values: Mapping[str, str]) -> Any:
    """``value`` with every known merge field replaced by its text (texts stay plain: the
    template escapes them); unknown ``{{ … }}`` are left as typed."""
    if isinstance(value, str):
        return MERGE_FIELD_RE.sub(lambda found: values.get(found.group(1), found.group(0)), value)
    if isinstance(value, Mapping):
        return {key: merge(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [merge(item, values) for item in value]
    return value


def version_render(*, practice, composition: Composition, version=None, user=None) -> Document:
    """Ask for the PDF of ``version`` (the latest by default) and keep it on the version."""
    from clients.selectors import brand_for
    from documents.agreements import brand_from_kit
    from documents.services import document_request_render

    version = version or version_latest(composition)
    if version is None:
        raise _error("content", _("This document has no content yet."))
    # A draft may be incomplete; what is rendered must be whole (a card sheet names someone).
    problems = _kind_problems(composition.kind, version.content.get("fields", {}))
    if problems:
        raise ApplicationError(next(iter(problems.values())), errors=problems)
    document = document_request_render(
        practice=practice,
        kind=composition.kind,
        title=_("%(title)s (version %(number)s)")
        % {"title": composition.title, "number": version.number},
        client=composition.client,
        subject_type=VERSION_SUBJECT,
        subject_id=version.pk,
        context=composition_context(composition, version),
        brand=brand_from_kit(brand_for(practice=practice, client=composition.client)),
        requested_by=user,
        template_version=_template_version_for(composition, version),
    )
    if version.document_id != document.pk:
        CompositionVersion.objects.for_practice(practice).filter(pk=version.pk).update(
            document=document
        )
        version.document = document
    return document


def _template_version_for(composition: Composition, version: CompositionVersion) -> str:
    """The template version that renders ``version``: for the approved version, the one the
    client approved (a practice's template edited later must not change what was approved);
    otherwise the composition's template as it is now."""
    from documents.template_library_store import is_practice_template_version, template_for

    if composition.approved_version_id == version.pk and version.document_id:
        approved = (
            Document.objects.for_practice(composition.practice_id)
            .filter(pk=version.document_id)
            .values_list("template_version", flat=True)
            .first()
        )
        if approved and is_practice_template_version(approved):
            return approved
    return template_for(composition).version


# --- Proofing ----------------------------------------------------------------------------------


def composition_send_for_approval(*, practice, composition: Composition, user=None):
    """Render the latest version and ask the client's contacts who may approve documents."""
    from documents.tasks import notify_approval_requested

    with transaction.atomic():
        composition = (
            Composition.objects.for_practice(practice)
            .select_for_update(of=("self",))
            .select_related("client", "practice", "created_by")
            .get(pk=composition.pk)
        )
        if composition.is_locked:
            raise _error("status", _("This document is already approved."))
        version = version_latest(composition)
        if version is None or not (version.content.get("blocks") or version.content.get("fields")):
            raise _error("content", _("Write the document before sending it for approval."))
        version_render(practice=practice, composition=composition, version=version, user=user)
        version.sent_for_approval_at = timezone.now()
        version.save(update_fields=["sent_for_approval_at"])
        composition.status = CompositionStatus.AWAITING_APPROVAL
        composition.save(update_fields=["status", "updated_at"])
        activity_record(
            practice=practice,
            actor=user,
            verb="composition.sent_for_approval",
            target=composition,
            data={"version": version.number, "hash": version.content_hash},
        )
        enqueue_on_commit(notify_approval_requested, practice_id=practice.pk, version_id=version.pk)
    return version


def composition_decide(
    *,
    practice,
    composition: Composition,
    version_id: int,
    user,
    decision: str,
    name: str = "",
    comment: str = "",
    page: int | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Approval:
    """The client's approval of, or request for changes to, the version sent to them."""
    if decision not in ApprovalDecision.values:
        raise _error("decision", _("Choose to approve or to request changes."))
    comment = (comment or "").strip()
    if decision == ApprovalDecision.CHANGES_REQUESTED and not comment:
        raise _error("comment", _("Say what should change."))
    name = (name or "").strip() or (user.get_full_name() or user.email)
    with transaction.atomic():
        composition = (
            Composition.objects.for_practice(practice).select_for_update().get(pk=composition.pk)
        )
        version = version_latest(composition)
        if (
            composition.status != CompositionStatus.AWAITING_APPROVAL
            or version is None
            or version.pk != version_id
            or version.sent_for_approval_at is None
        ):
            raise _error(
                "version",
                _("This version is no longer the one awaiting approval; reload to see the latest."),
            )
        approval = Approval.objects.create(
            practice=practice,
            subject_type=VERSION_SUBJECT,
            subject_id=version.pk,
            content_hash=version.content_hash,
            decision=decision,
            user=user,
            name=name[:150],
            comment=comment[:2000],
            ip_address=ip_address,
            user_agent=(user_agent or "")[:300],
        )
        if decision == ApprovalDecision.APPROVED:
            composition.status = CompositionStatus.APPROVED
            composition.approved_version = version
            _tick_client_approved(practice, composition, user)
        else:
            composition.status = CompositionStatus.CHANGES_REQUESTED
            ProofComment.objects.create(
                practice=practice,
                version=version,
                page=page or 1,
                body=comment[:2000],
                author=user,
                author_name=name[:150],
                from_client=True,
            )
        composition.save(update_fields=["status", "approved_version", "updated_at"])
        activity_record(
            practice=practice,
            actor=user,
            verb=f"composition.{decision}",
            target=composition,
            data={
                "version": version.number,
                "hash": version.content_hash,
                "name": name[:150],
                "ip": ip_address or "",
            },
        )
    return approval


def _tick_client_approved(practice, composition: Composition, user) -> None:
    """A task's checklist item "client approved" is ticked by the approval."""
    if composition.task_id is None:
        return
    from tasks.models import ChecklistItem

    ChecklistItem.objects.for_practice(practice).filter(
        task_id=composition.task_id, done_at__isnull=True, text__icontains=_("client approved")
    ).update(done_at=timezone.now(), done_by=user)


def proof_comment_add(
    *,
    practice,
    version: CompositionVersion,
    user,
    body: str,
    page: int,
    from_client: bool,
    x=None,
    y=None,
) -> ProofComment:
    body = (body or "").strip()
    if not body:
        raise _error("body", _("Write a comment."))
    pages = version.document.page_count if version.document_id and version.document else None
    if page < 1 or (pages and page > pages):
        raise _error("page", _("There is no page %(page)s.") % {"page": page})
    return ProofComment.objects.create(
        practice=practice,
        version=version,
        page=page,
        x=x,
        y=y,
        body=body[:2000],
        author=user,
        author_name=(user.get_full_name() or user.email)[:150],
        from_client=from_client,
    )


# --- The client's files for documents ------------------------------------------------------------

MAX_ASSET_BYTES = 10 * 1024 * 1024
MAX_ASSET_PIXELS = 40_000_000


def asset_upload(*, practice, client, upload, user=None) -> DocumentAsset:
    """Keep an image of the client's for documents: a raster image by its bytes, at most 10 MB."""
    import secrets

    from PIL import Image, UnidentifiedImageError

    from secretary.files import RASTER_IMAGES, sniff

    if upload.size > MAX_ASSET_BYTES:
        raise _error(
            "file",
            _("The image is %(size)s MB; documents take images of up to 10 MB.")
            % {"size": round(upload.size / 1024 / 1024, 1)},
        )
    kind = sniff(upload, name=upload.name)
    if kind is None or kind.mime not in RASTER_IMAGES:
        raise _error("file", _("This file is not a PNG, JPEG, GIF or WebP image."))
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > MAX_ASSET_PIXELS:
                raise _error("file", _("The image has too many pixels; use a smaller one."))
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _error("file", _("This image is damaged and cannot be used.")) from None
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    asset = DocumentAsset(
        practice=practice,
        client=client,
        original_name=(upload.name or "image")[:200],
        content_type=kind.mime,
        size=upload.size,
        width=width,
        height=height,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    asset.file.save(f"{secrets.token_hex(16)}.{kind.extension}", upload, save=False)
    asset.save()
    return asset
