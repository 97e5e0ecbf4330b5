"""The email version of a newsletter: what a mailing list sends to each subscriber.

Built from the same content as the printed newsletter (``compose.composition_context``: merge
fields filled in, the client's images) and the same brand kit, laid out for mail clients
instead of paper: one 600 px column of tables with inline styles (a ``<style>`` only adds
dark-mode and small-screen touches), no script, nothing fetched from the network. The client's
pictures and the logo travel inside the message as inline parts named by Content-ID; rich
text goes through the documents' Markdown sanitizer. A plain-text alternative says the same.

Optional fields of a newsletter read here only: ``email_subject`` (else the masthead and the
issue) and ``preheader`` (the line inboxes show after the subject; else the introduction).
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.mime.image import MIMEImage
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _

from documents import compose
from documents.content.blocks import LINK_PREFIXES
from documents.content.markdown import markdown_html
from documents.content.plain_text import html_text, table_text, wrap
from documents.fonts import generic_family
from documents.models import Composition, CompositionVersion, DocumentAsset, DocumentKind
from documents.newsletter_look import Look
from documents.rendering import Brand, DataRejected
from secretary.errors import ApplicationError

TEMPLATE = "documents/emails/newsletter.html"
# Picture widths in the 600 px column (24 px margins); files are kept up to twice as wide, so
# they stay sharp on high-density screens without weighing more than they must.
IMAGE_SLOTS = {"full": 552, "half": 264, "third": 176}
MAX_IMAGE_WIDTH = 1200
LOGO_BOX = (160, 64)
SPACER_PX = {"small": 12, "medium": 28, "large": 56}
# Gmail shows the first 102 KB of a message's HTML and hides the rest behind a link.
HTML_WARN_BYTES = 100 * 1024
# Messages past about 10 MB are refused by some mail servers; warn well before.
IMAGES_WARN_BYTES = 5 * 1024 * 1024
MAX_SUBJECT = 200
PREHEADER_CHARS = 140
CID_DOMAIN = "newsletter.secretary"
EMAIL_IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
PLAIN_MODES = ("RGB", "RGBA", "L", "LA", "P")  # not CMYK: some readers show it inverted


@dataclass(frozen=True)
class InlineImage:
    """A picture of the HTML, sent as a part of the message named by its Content-ID."""

    content_id: str
    content_type: str
    data: bytes = field(repr=False)
    filename: str = "image"
    width: int = 0
    height: int = 0

    def data_uri(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass
class NewsletterEmail:
    subject: str
    html: str  # images as ``cid:`` references to ``images``
    text: str
    images: list[InlineImage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preheader: str = ""
    unsubscribe_url: str = ""
    version: int = 0  # the number of the version shown

    @property
    def html_size(self) -> int:
        """The HTML's size in bytes, as sent."""
        return len(self.html.encode("utf-8"))

    def preview_html(self, *, style_nonce: str = "") -> str:
        """The HTML for a web page's preview: pictures as ``data:`` URIs, and the ``<style>``
        allowed by the page's Content-Security-Policy nonce (a sandboxed ``srcdoc`` frame
        keeps the page's policy)."""
        html = self.html
        for image in self.images:
            html = html.replace(f'src="cid:{image.content_id}"', f'src="{image.data_uri()}"')
        if style_nonce:
            html = html.replace("<style>", f'<style nonce="{escape(style_nonce)}">', 1)
        return html


def _error(field_name: str, message: str) -> ApplicationError:
    return ApplicationError(message, errors={field_name: message})


def _text(value: Any) -> str:
    """A field's text on one line ("" for anything but text)."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _raw(value: Any) -> str:
    """A field's text as typed (Markdown keeps its lines)."""
    return value if isinstance(value, str) else ""


# --- Pictures -----------------------------------------------------------------------------


def email_picture(data: bytes, *, box: tuple[int, int]) -> tuple[bytes, str, int, int] | None:
    """``data`` as a picture every mail client shows: PNG, JPEG or GIF, upright, within
    ``box`` pixels; as it is when it already is. ``(bytes, content type, width, height)``,
    or None when it is no picture."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            orientation = image.getexif().get(0x0112, 1)  # EXIF: 1 is upright
            if (
                image_format in EMAIL_IMAGE_TYPES
                and orientation in (0, 1)
                and image.mode in PLAIN_MODES
                and image.width <= box[0]
                and image.height <= box[1]
            ):
                return data, EMAIL_IMAGE_TYPES[image_format], image.width, image.height
            # A large JPEG is decoded at a fraction of its size, still above the one sent.
            turned = orientation in (5, 6, 7, 8)
            width, height = (image.height, image.width) if turned else image.size
            scale = min(box[0] / width, box[1] / height, 1.0)
            size = (math.ceil(image.width * scale), math.ceil(image.height * scale))
            image.draft(image.mode, size)
            picture = ImageOps.exif_transpose(image)
            alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
            picture = picture.convert("RGBA" if alpha else "RGB")
            picture.thumbnail(box, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            if image_format in ("JPEG", "MPO") or (image_format == "WEBP" and not alpha):
                picture.save(out, "JPEG", quality=85, optimize=True, progressive=True)
                content_type = "image/jpeg"
            else:
                picture.save(out, "PNG", optimize=True)
                content_type = "image/png"
            return out.getvalue(), content_type, picture.width, picture.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


class _Pictures:
    """The message's inline images, one part per distinct picture."""

    def __init__(self):
        self.images: dict[str, InlineImage] = {}

    def add(self, data: bytes, *, name: str, box: tuple[int, int]) -> InlineImage | None:
        prepared = email_picture(data, box=box)
        if prepared is None:
            return None
        data, content_type, width, height = prepared
        digest = hashlib.sha256(data).hexdigest()[:20]
        content_id = f"{digest}@{CID_DOMAIN}"
        if content_id not in self.images:
            extension = content_type.split("/")[1].replace("jpeg", "jpg")
            self.images[content_id] = InlineImage(
                content_id=content_id,
                content_type=content_type,
                data=data,
                filename=f"{slugify(name.rsplit('.', 1)[0])[:60] or 'image'}.{extension}",
                width=width,
                height=height,
            )
        return self.images[content_id]


def _fit(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """The size shown: within ``box``, never larger than the picture itself."""
    scale = min(box[0] / width, box[1] / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _assets(practice, composition: Composition, blocks) -> dict[int, DocumentAsset]:
    wanted = {block["asset"] for block in blocks if block.get("type") == "image"}
    if not wanted:
        return {}
    return {
        asset.pk: asset
        for asset in DocumentAsset.objects.for_practice(practice).filter(
            client_id=composition.client_id, pk__in=wanted
        )
    }


def _read(asset: DocumentAsset) -> bytes | None:
    try:
        with asset.file.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


# --- Blocks -------------------------------------------------------------------------------


class _Builder:
    """Turns the context's blocks into what the template lays out, and the text part."""

    def __init__(self, *, look: Look, assets: Mapping[int, DocumentAsset], pictures: _Pictures):
        self.look = look
        self.assets = assets
        self.pictures = pictures
        self.warnings: list[str] = []

    def markdown(self, text: str, *, size: int = 16) -> tuple[str, str]:
        """Rich text as (styled HTML, plain text), both from the one sanitized HTML."""
        styled = markdown_html(text, styles=self.look.markdown_styles(size))
        return styled, html_text(markdown_html(text))

    def image(self, block: Mapping) -> dict | None:
        asset = self.assets.get(block.get("asset"))
        data = _read(asset) if asset is not None else None
        slot = IMAGE_SLOTS.get(block.get("width", "full"), IMAGE_SLOTS["full"])
        picture = None
        if data is not None:
            wide = MAX_IMAGE_WIDTH * slot // IMAGE_SLOTS["full"]
            picture = self.pictures.add(data, name=asset.original_name, box=(wide, wide * 4))
        if picture is None:
            self.warnings.append(
                _(
                    "A picture (%(name)s) is no longer among the client's files; the email leaves it out."
                )
                % {"name": block.get("alt") or block.get("caption") or _("no description")}
            )
            return None
        width, height = _fit(picture.width, picture.height, (slot, 10 * slot))
        return {
            "type": "image",
            "src": f"cid:{picture.content_id}",
            "width": width,
            "height": height,
            "alt": block.get("alt") or "",
            "caption": block.get("caption") or "",
        }

    def block(self, block: Mapping) -> tuple[dict | None, str]:
        """One block for the template, and its text ("" for none)."""
        kind = block.get("type")
        if kind == "heading":
            tag = {1: "h2", 2: "h3", 3: "h4"}.get(block.get("level", 2), "h3")
            text = block.get("text", "")
            return {"type": kind, "tag": tag, "text": text}, _underlined(text, tag)
        if kind == "text":
            html, text = self.markdown(block.get("markdown", ""))
            return {"type": kind, "html": html}, text
        if kind == "image":
            shown = self.image(block)
            if shown is None:
                return None, ""
            words = [f"[{shown['alt']}]" if shown["alt"] else "", shown["caption"]]
            return shown, wrap("\n".join(word for word in words if word))
        if kind == "columns":
            left, left_text = self.markdown(block.get("left", ""), size=15)
            right, right_text = self.markdown(block.get("right", ""), size=15)
            text = "\n\n".join(part for part in (left_text, right_text) if part)
            return {"type": kind, "left": left, "right": right}, text
        if kind == "quote":
            quote, cite = block.get("text", ""), block.get("cite") or ""
            text = wrap(f"“{quote}”") + (f"\n— {cite}" if cite else "")
            return {"type": kind, "text": quote, "cite": cite}, text
        if kind == "table":
            rows = [list(row) for row in block.get("rows") or ()]
            header = bool(block.get("header")) and len(rows) > 0
            shown = {"type": kind, "head": rows[0] if header else [], "rows": rows[header:]}
            return shown, table_text(rows, header=header)
        if kind == "cta":
            label, url = block.get("text", ""), block.get("url") or ""
            if not url.lower().startswith(LINK_PREFIXES):
                url = ""
                self.warnings.append(
                    _("The button “%(text)s” has no link; the email shows it as plain text.")
                    % {"text": label}
                )
            return {"type": kind, "text": label, "url": url}, (f"{label} ({url})" if url else label)
        if kind == "spacer":
            height = SPACER_PX.get(block.get("size", "medium"), SPACER_PX["medium"])
            return {"type": kind, "height": height}, ""
        return None, ""  # a page break: an email has no pages


def _underlined(text: str, tag: str) -> str:
    rule = {"h2": "=", "h3": "-"}.get(tag)
    text = wrap(text)
    if not rule:
        return text
    return f"{text}\n{rule * max(len(line) for line in text.split(chr(10)))}"


# --- The email ----------------------------------------------------------------------------


def _subject(fields: Mapping, title: str) -> str:
    subject = _text(fields.get("email_subject"))
    if not subject:
        masthead = _text(fields.get("masthead_title")) or _text(title)
        issue = ", ".join(
            part
            for part in (_text(fields.get("issue_number")), _text(fields.get("issue_date")))
            if part
        )
        subject = (
            _("%(masthead)s — %(issue)s") % {"masthead": masthead, "issue": issue}
            if issue
            else masthead
        )
    return subject[:MAX_SUBJECT]


def _preheader(fields: Mapping, intro_text: str) -> str:
    text = _text(fields.get("preheader")) or " ".join(intro_text.split())
    if len(text) <= PREHEADER_CHARS:
        return text
    return text[:PREHEADER_CHARS].rsplit(" ", 1)[0] + "…"


def _logo(brand: Brand, pictures: _Pictures, warnings: list[str]) -> dict | None:
    if not brand.logo:
        return None
    try:
        brand.logo_media_type()
    except DataRejected:
        warnings.append(_("The brand kit's logo is not a picture; the email leaves it out."))
        return None
    picture = pictures.add(brand.logo, name="logo", box=(LOGO_BOX[0] * 2, LOGO_BOX[1] * 2))
    if picture is None:
        warnings.append(_("The brand kit's logo is not a picture; the email leaves it out."))
        return None
    width, height = _fit(picture.width, picture.height, LOGO_BOX)
    return {"src": f"cid:{picture.content_id}", "width": width, "height": height}


def _issue_line(fields: Mapping, date: str) -> str:
    number, issue_date = _text(fields.get("issue_number")), _text(fields.get("issue_date"))
    if not number and not issue_date:
        return date
    return " · ".join(part for part in (number, issue_date) if part)


def _brand(practice, composition: Composition) -> Brand:
    from clients.selectors import brand_for
    from documents.agreements import brand_from_kit

    return brand_from_kit(brand_for(practice=practice, client=composition.client))


def newsletter_version(*, composition: Composition, version=None) -> CompositionVersion:
    """The version of a newsletter its email shows (the latest by default); ApplicationError
    for a document that is not a newsletter, or has no content yet."""
    if composition.kind != DocumentKind.NEWSLETTER:
        raise _error(
            "kind",
            _("Only newsletters have an email version; this document is of the kind “%(kind)s”.")
            % {"kind": DocumentKind(composition.kind).label},
        )
    version = version or compose.version_latest(composition)
    if version is None or version.composition_id != composition.pk:
        raise _error("content", _("This newsletter has no content yet."))
    return version


def newsletter_email(
    *, practice, composition: Composition, version=None, unsubscribe_url: str = ""
) -> NewsletterEmail:
    """The email of ``version`` (the latest by default) of a newsletter.

    ``unsubscribe_url`` (one subscriber's) adds the unsubscribe line at the foot; the message
    then carries it in its List-Unsubscribe headers too (``newsletter_message``). Raises
    ``ApplicationError`` for a document that is not a newsletter or has no content yet.
    """
    if composition.practice_id != practice.pk:
        raise ValueError("The composition belongs to another practice.")
    if unsubscribe_url and not unsubscribe_url.lower().startswith(("https://", "http://")):
        raise ValueError("An unsubscribe address is an http(s) URL.")
    version = newsletter_version(composition=composition, version=version)
    context = compose.composition_context(composition, version)
    fields = context["fields"] if isinstance(context["fields"], Mapping) else {}
    brand = _brand(practice, composition)
    look = Look.of(brand, generic=generic_family(brand.font))
    pictures = _Pictures()
    builder = _Builder(
        look=look, assets=_assets(practice, composition, context["blocks"]), pictures=pictures
    )

    blocks, texts = [], []
    for block in context["blocks"]:
        shown, text = builder.block(block)
        if shown is not None:
            blocks.append(shown)
        if text:
            texts.append(text)
    intro_html, intro_text = builder.markdown(_raw(fields.get("intro")), size=18)
    contact_html, contact_text = builder.markdown(_raw(fields.get("contact")), size=14)
    logo = _logo(brand, pictures, builder.warnings)
    if not blocks and not intro_text:
        builder.warnings.append(_("The newsletter has no articles yet."))

    masthead = _text(fields.get("masthead_title")) or context["title"]
    issue = _issue_line(fields, context["date"])
    subject = _subject(fields, context["title"])
    preheader = _preheader(fields, intro_text)
    client_name = context["client"]["name"]
    values = {
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
        "subject": subject,
        "preheader": preheader,
        "masthead": masthead,
        "tagline": brand.tagline,
        "client_name": client_name,
        "issue": issue,
        "logo": logo,
        "intro": intro_html,
        "blocks": blocks,
        "contact": contact_html,
        "unsubscribe_url": unsubscribe_url,
        "s": look.styles(),
        "look": look,
    }
    html = render_to_string(TEMPLATE, values)
    text = _text_part(
        masthead=masthead,
        tagline=brand.tagline,
        client_name=client_name,
        issue=issue,
        intro=intro_text,
        texts=texts,
        contact=contact_text,
        unsubscribe_url=unsubscribe_url,
    )
    warnings = builder.warnings
    html_bytes = len(html.encode("utf-8"))
    if html_bytes > HTML_WARN_BYTES:
        warnings.append(
            _(
                "The email's HTML is %(size)s KB: Gmail shows only the first 102 KB and hides "
                "the rest behind a link. Shorten the newsletter or split it into two issues."
            )
            % {"size": round(html_bytes / 1024)}
        )
    images = list(pictures.images.values())
    image_bytes = sum(len(image.data) for image in images)
    if image_bytes > IMAGES_WARN_BYTES:
        warnings.append(
            _(
                "The pictures add up to %(size)s MB; some mail servers refuse large messages. "
                "Use fewer or smaller pictures."
            )
            % {"size": round(image_bytes / 1024 / 1024, 1)}
        )
    return NewsletterEmail(
        subject=subject,
        html=html,
        text=text,
        images=images,
        warnings=warnings,
        preheader=preheader,
        unsubscribe_url=unsubscribe_url,
        version=version.number,
    )


def _text_part(
    *,
    masthead: str,
    tagline: str,
    client_name: str,
    issue: str,
    intro: str,
    texts: list[str],
    contact: str,
    unsubscribe_url: str,
) -> str:
    head = "\n".join(
        line for line in (masthead.upper(), tagline, f"{client_name} · {issue}") if line
    )
    parts = [head, "=" * min(max(len(line) for line in head.split("\n")), 76)]
    parts = ["\n".join(parts)]
    if intro:
        parts.append(intro)
    parts.extend(texts)
    if contact:
        parts.append("-" * 24 + "\n" + _("Contact us").upper() + "\n\n" + contact)
    if unsubscribe_url:
        receive = _("You receive %(masthead)s from %(client)s.") % {
            "masthead": masthead,
            "client": client_name,
        }
        unsubscribe = _("Unsubscribe: %(url)s") % {"url": unsubscribe_url}
        parts.append(f"{wrap(receive)}\n{unsubscribe}")
    return "\n\n".join(parts) + "\n"


# --- The message --------------------------------------------------------------------------


class _RelatedMessage(EmailMultiAlternatives):
    """Text and HTML alternatives with the HTML's pictures beside it:
    ``multipart/alternative[text/plain, multipart/related[text/html, image…]]``, the shape
    mail clients read best (the pictures belong to the HTML, and are no attachments)."""

    def __init__(self, *args, related: list[MIMEImage] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.related = related or []

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if not self.related or not self.alternatives:
            return msg
        parts = msg.get_payload()
        related = SafeMIMEMultipart(
            _subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET
        )
        related.attach(parts[-1])
        for image in self.related:
            related.attach(image)
        parts[-1] = related
        return msg


def _mime_image(image: InlineImage) -> MIMEImage:
    part = MIMEImage(image.data, _subtype=image.content_type.split("/", 1)[1])
    part.add_header("Content-ID", f"<{image.content_id}>")
    part.add_header("Content-Disposition", "inline", filename=image.filename)
    return part


def newsletter_message(
    email: NewsletterEmail, *, to, from_email: str, reply_to=None
) -> EmailMultiAlternatives:
    """The MIME message of ``email`` for ``to`` (an address or a list). With an unsubscribe
    address it carries ``List-Unsubscribe`` and one-click ``List-Unsubscribe-Post`` (RFC 8058)."""
    headers = {}
    if email.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = _RelatedMessage(
        subject=email.subject,
        body=email.text,
        from_email=from_email,
        to=[to] if isinstance(to, str) else list(to),
        reply_to=[reply_to] if isinstance(reply_to, str) else reply_to,
        headers=headers,
        related=[_mime_image(image) for image in email.images],
    )
    message.attach_alternative(email.html, "text/html")
    return message
