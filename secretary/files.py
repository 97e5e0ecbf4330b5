"""Stored files: a file's type is what its bytes are, never what its name says.

Uploads are typed by sniffing their first bytes against an allow-list and stored under a name
whose extension matches those bytes. Every view that serves a stored file goes through
``stored_file_response``: the content type comes from the bytes again (so a file stored before
these rules is served safely too), only raster images are ever shown inline, everything else
downloads as an attachment, and the browser is told not to sniff or run anything.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str  # without the dot


RASTER_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
PDF = frozenset({"application/pdf"})
OFFICE_DOCUMENTS = frozenset(
    {
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/rtf",
        "application/zip",
    }
)
# Audio is accepted only where a caller asks for it (``sniff(..., also=AUDIO)``): transcription
# takes recordings, no other upload does.
AUDIO = frozenset({"audio/mpeg", "audio/mp4", "audio/x-wav", "audio/ogg"})
# Types a caller may add to the default allow-list for its own uploads.
OPT_IN_TYPES = AUDIO
# Text has no signature: its kind is taken from the name, among these only.
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv", "ics": "text/calendar"}
TEXT = frozenset(TEXT_TYPES.values())


def served_types() -> list[str]:
    """What an upload may be served as (``stored_file_response``), for an API schema: the
    types uploads are accepted as, and bytes of no known type."""
    return sorted(RASTER_IMAGES | PDF | OFFICE_DOCUMENTS | TEXT | {"application/octet-stream"})


def _head(file) -> bytes:
    """The first bytes of an upload or a stored file, leaving its position at the start."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end inside a multi-byte character; anything earlier is not text.
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    # Markup (HTML, SVG, XML) is text a browser would run: never accepted as text.
    return not text.lstrip("\ufeff \t\r\n").startswith("<")


def sniff(file, *, name: str = "", also: frozenset[str] = frozenset()) -> FileType | None:
    """The type of a file's bytes, or None when they are of no type we accept at all.

    ``also`` adds types from ``OPT_IN_TYPES`` (e.g. ``AUDIO``) for the one caller that takes
    them; without it such files are refused like any unknown type.
    """
    head = _head(file)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in RASTER_IMAGES | PDF | OFFICE_DOCUMENTS | (also & OPT_IN_TYPES):
            return FileType(kind.mime, kind.extension)
        return None
    if _is_text(head):
        extension = os.path.splitext(name)[1].lower().lstrip(".")
        extension = extension if extension in TEXT_TYPES else "txt"
        return FileType(TEXT_TYPES[extension], extension)
    return None


def named_for(name: str, kind: FileType | None) -> str:
    """``name`` with the extension of its real type (``logo.html`` holding a GIF → ``logo.gif``)."""
    base = os.path.basename(name or "") or "file"
    if kind is None:
        return base
    stem, extension = os.path.splitext(base)
    if extension.lower().lstrip(".") == kind.extension:
        return base
    if kind.extension == "jpg" and extension.lower() == ".jpeg":
        return base
    return f"{stem or 'file'}.{kind.extension}"


MEDIA_LINK_SECONDS = 60
_MEDIA_SALT = "secretary.files.media-link"


def media_origin() -> str:
    """The separate origin user files are served from (``MEDIA_DOMAIN``), or "" for none."""
    domain = settings.MEDIA_DOMAIN
    if not domain:
        return ""
    return domain.rstrip("/") if "://" in domain else f"https://{domain}"


def stored_file_response(
    field,
    *,
    filename: str,
    inline: bool = False,
    max_age: int | None = None,
    request=None,
    also: frozenset[str] = frozenset(),
):
    """Serve a stored file, typed by its bytes; inline only when asked and a raster image.

    Call it only after the practice and the person's right to the file are checked. With
    ``MEDIA_DOMAIN`` set, the answer is a redirect to a link on that origin, signed and valid
    for a minute, so nothing a user uploaded ever runs on the application's origin.
    ``max_age`` lets the user's own browser keep the file that long; by default nothing is cached.
    With ``request``, a single ``Range: bytes=…`` is answered with 206 (so a player can seek).
    ``also``: the opt-in types (``sniff``) this file may be served as, e.g. ``AUDIO``.
    """
    if not field:
        raise Http404
    if media_origin():
        token = signing.dumps(
            {
                "name": field.name,
                "filename": filename,
                "inline": inline,
                "max_age": max_age,
                "also": sorted(also),
            },
            salt=_MEDIA_SALT,
            compress=True,
        )
        return HttpResponseRedirect(media_origin() + reverse("media_file", args=[token]))
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return _file_response(
        handle, filename=filename, inline=inline, max_age=max_age, request=request, also=also
    )


def media_file(request, token: str):
    """A signed link made by ``stored_file_response``, answered only on the media origin."""
    if not media_origin() or request.get_host() != media_origin().split("://", 1)[1]:
        raise Http404
    try:
        link = signing.loads(token, salt=_MEDIA_SALT, max_age=MEDIA_LINK_SECONDS)
    except signing.BadSignature as error:
        raise Http404 from error
    try:
        handle = default_storage.open(link["name"], "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return _file_response(
        handle,
        filename=link["filename"],
        inline=link["inline"],
        max_age=link["max_age"],
        request=request,
        also=frozenset(link.get("also", ())),
    )


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
RANGE_CHUNK = 64 * 1024


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte of a single ``Range`` header within ``size`` bytes;
    None when the header is absent or not a single byte range (then the whole file is sent,
    as RFC 9110 allows). Raises ``ValueError`` when the range lies outside the file (416)."""
    match = _RANGE.match((header or "").strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise ValueError("unsatisfiable range")
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise ValueError("unsatisfiable range")
    return start, end


def _read_span(handle, start: int, end: int):
    try:
        handle.seek(start)
        left = end - start + 1
        while left > 0:
            chunk = handle.read(min(RANGE_CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _file_response(
    handle,
    *,
    filename: str,
    inline: bool,
    max_age: int | None,
    request=None,
    also: frozenset[str] = frozenset(),
) -> HttpResponse:
    kind = sniff(handle, name=filename, also=also)
    show_inline = inline and kind is not None and kind.mime in RASTER_IMAGES
    if kind is None:
        content_type = "application/octet-stream"
    elif kind.mime in TEXT:
        content_type = f"{kind.mime}; charset=utf-8"
    else:
        content_type = kind.mime
    shown_name = named_for(filename, kind)
    span = None
    if request is not None:
        size = handle.size
        try:
            span = byte_range(request.headers.get("Range", ""), size)
        except ValueError:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            response["X-Content-Type-Options"] = "nosniff"
            return response
    if span is not None:
        start, end = span
        response = StreamingHttpResponse(
            _read_span(handle, start, end), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        response["Content-Disposition"] = content_disposition_header(not show_inline, shown_name)
    else:
        response = FileResponse(
            handle,
            as_attachment=not show_inline,
            filename=shown_name,
            content_type=content_type,
        )
    if request is not None:
        response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, a stored file may load nothing and run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if max_age is None:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, private=True, max_age=max_age)
    return response
