"""The one rendering service: a template, plain data and a brand kit in; a PDF out (and, apart,
the PNG preview of its first page).

Every PDF of the product goes through ``render_document``. This module imports no feature app
and no model: callers pass the template source, a context of plain values (str, numbers,
Decimal, dates, lists, dicts) and a ``Brand``; they get ``RenderedDocument`` back.

Two walls keep a document from reaching what it should not:

* templates run in a restricted engine: no template loaders, no ``{% include %}``,
  ``{% extends %}``, ``{% load %}``, ``{% ssi %}``, ``{% debug %}``, ``{% url %}``, and a context
  of frozen plain values (no model instances, no settings, no callables);
* WeasyPrint fetches every resource through ``StrictURLFetcher``: ``data:`` URIs and files inside
  our static and media folders only. No network, no redirects, no ``file://`` elsewhere.

WeasyPrint costs about half a second to import, so it is imported on the first render (or by
``warm_up`` when a worker process starts), never at module import and never per document.
"""

from __future__ import annotations

import atexit
import base64
import datetime
import functools
import hashlib
import io
import logging
import mimetypes
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from documents.content.blocks import BLOCKS_CSS
from documents.fonts import BUNDLED_FONTS, font_face_css, generic_family

logger = logging.getLogger(__name__)

# The families the product ships (documents.fonts: the same files on every machine), then the
# fonts installed on every host that renders (Debian: fonts-dejavu-core, fonts-liberation2).
# The clients app's brand kit offers exactly this list; its first is the default.
SYSTEM_FONTS = ("DejaVu Sans", "DejaVu Serif", "Liberation Sans", "Liberation Serif")
SAFE_FONTS = (*BUNDLED_FONTS, *SYSTEM_FONTS)
DEFAULT_FONT = SAFE_FONTS[0]

# Tags a document template may never use, refused with a clear message before compiling.
FORBIDDEN_TAGS = frozenset(
    {"include", "extends", "load", "ssi", "debug", "url", "csrf_token", "querystring", "block"}
)
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_RESOURCE_BYTES = 20 * 1024 * 1024
# The longest document we lay out, and the longest we spend laying one out. A 125-page booklet
# takes about 20 s; past these the document fails with a reason instead of tying up a worker.
MAX_PAGES = 200
RENDER_SECONDS = 60
PREVIEW_WIDTH = 600
MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels
# Paper sizes a document's context may ask for (``paper.size``), in mm, portrait.
PAPER_MM = {"A4": (210.0, 297.0), "letter": (215.9, 279.4), "A5": (148.0, 210.0)}

MARGIN_BOXES = (
    "top-left-corner",
    "top-left",
    "top-center",
    "top-right",
    "top-right-corner",
    "bottom-left-corner",
    "bottom-left",
    "bottom-center",
    "bottom-right",
    "bottom-right-corner",
    "left-top",
    "left-middle",
    "left-bottom",
    "right-top",
    "right-middle",
    "right-bottom",
)


class RenderError(Exception):
    """The document cannot be rendered as asked; ``message`` is fit to show a user.

    Retrying without changing the template or the data gives the same error.
    """

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = str(message)


class TemplateRejected(RenderError):
    """The template uses something document templates may not, or does not compile."""


class DataRejected(RenderError):
    """The context or brand kit holds something a document cannot use."""


class DocumentTooLong(RenderError):
    """The document has more pages than ``MAX_PAGES``, or takes longer than ``RENDER_SECONDS``."""


class _DeadlinePassed(BaseException):
    # A BaseException, so that no ``except Exception`` inside WeasyPrint swallows it.
    pass


class _OwnFontsNeeded(BaseException):
    # A document declares a font of its own: it is laid out with a font configuration of its own.
    pass


class ResourceRefused(ValueError):
    """The strict URL fetcher refused a URL (raised inside WeasyPrint, reported as RenderError)."""


@dataclass(frozen=True)
class Brand:
    """A brand kit as plain values: colours ``#rrggbb``, a font of ``SAFE_FONTS``, logo bytes."""

    primary: str = "#1f3a5f"
    secondary: str = "#4a5568"
    accent: str = "#c05621"
    font: str = DEFAULT_FONT
    tagline: str = ""
    address_block: str = ""
    logo: bytes | None = field(default=None, repr=False)

    def logo_media_type(self) -> str | None:
        if not self.logo:
            return None
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(self.logo)) as image:
                image_format = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise DataRejected(_("The logo is not an image that documents can use.")) from error
        if image_format not in LOGO_FORMATS:
            raise DataRejected(_("The logo must be a PNG, JPEG, GIF or WebP image."))
        return LOGO_FORMATS[image_format]

    def check(self) -> None:
        for name in ("primary", "secondary", "accent"):
            if not COLOUR_RE.match(getattr(self, name) or ""):
                raise DataRejected(
                    _("The brand colour “%(value)s” is not a colour like #1f3a5f.")
                    % {"value": getattr(self, name)}
                )
        if self.font not in SAFE_FONTS:
            raise DataRejected(
                _("The font “%(font)s” is not available for documents.") % {"font": self.font}
            )

    def logo_uri(self) -> str:
        media_type = self.logo_media_type()
        if media_type is None:
            return ""
        return f"data:{media_type};base64,{base64.b64encode(self.logo).decode('ascii')}"

    def fingerprint(self) -> dict[str, str]:
        """What identifies this brand kit's look, for keying rendered files."""
        return {
            "primary": self.primary,
            "secondary": self.secondary,
            "accent": self.accent,
            "font": self.font,
            "tagline": self.tagline,
            "address_block": self.address_block,
            "logo": hashlib.sha256(self.logo).hexdigest() if self.logo else "",
        }


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes = field(repr=False)
    page_count: int
    checksum: str  # SHA-256 of ``pdf``, hex
    size: int
    # What the layout noticed that a person should fix (e.g. "“Panel 3” overflows"); the
    # document is made all the same.
    warnings: tuple[str, ...] = ()


# --- Plain data ----------------------------------------------------------------------------

PLAIN_SCALARS = (bool, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)


def plain(value: Any, where: str = "context") -> Any:
    """Freeze ``value`` into plain, read-only values, or raise ``DataRejected``.

    Mappings become read-only mappings with string keys, sequences become tuples, strings lose
    any "safe" marking (so data is always escaped). Anything else — model instances, querysets,
    settings, callables — is refused, so a template cannot reach the ORM or call methods that
    change state.
    """
    if value is None or isinstance(value, PLAIN_SCALARS):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, str):
        # A new, exact ``str``: drops SafeString and str-based enums.
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
    if isinstance(value, Mapping):
        frozen = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise DataRejected(
                    _("Document data keys must be text (at %(where)s).") % {"where": where}
                )
            frozen[plain(key)] = plain(item, f"{where}.{key}")
        return MappingProxyType(frozen)
    if isinstance(value, list | tuple):
        return tuple(plain(item, f"{where}[{index}]") for index, item in enumerate(value))
    raise DataRejected(
        _(
            "Document data can only hold text, numbers, dates, lists and mappings; "
            "%(where)s holds a %(kind)s."
        )
        % {"where": where, "kind": type(value).__name__}
    )


# --- The restricted template engine --------------------------------------------------------


class _RestrictedEngine(Engine):
    # No defaulttags/loader_tags: the builtins are exactly documents.template_library.
    default_builtins: list[str] = []


@functools.cache
def restricted_engine() -> Engine:
    """A template engine with no loaders, no libraries to load and only harmless tags."""
    return _RestrictedEngine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        libraries={},
        builtins=["documents.template_library"],
        autoescape=True,
        debug=False,
        string_if_invalid="",
    )


@functools.lru_cache(maxsize=64)
def compile_template(source: str):
    """Compile a document template, refusing forbidden tags with a readable reason.

    Compiled templates are kept per source (a compiled template holds no data, and the
    restricted engine has no loaders whose files could change under it).
    """
    for token in Lexer(source).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        bits = token.split_contents()
        if bits and bits[0] in FORBIDDEN_TAGS:
            raise TemplateRejected(
                _("Line %(line)s uses {%% %(tag)s %%}, which document templates may not use.")
                % {"line": token.lineno, "tag": bits[0]}
            )
    try:
        return restricted_engine().from_string(source)
    except TemplateSyntaxError as error:
        raise TemplateRejected(
            _("The template has an error: %(error)s") % {"error": error}
        ) from error


def brand_context(brand: Brand) -> Mapping[str, Any]:
    return plain(
        {
            "primary": brand.primary,
            "secondary": brand.secondary,
            "accent": brand.accent,
            "font": brand.font,
            "tagline": brand.tagline,
            "address_lines": [line for line in brand.address_block.splitlines() if line.strip()],
            "logo_uri": brand.logo_uri(),
        }
    )


def render_html(*, template_source: str, context: Mapping[str, Any], brand: Brand) -> str:
    """Fill the template with the plain context; the brand kit is available as ``brand``."""
    brand.check()
    template = compile_template(template_source)
    data = dict(plain(dict(context)))
    data["brand"] = brand_context(brand)
    try:
        return template.render(Context(data, autoescape=True))
    except (
        TemplateSyntaxError,
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
        IndexError,
        ArithmeticError,
    ) as error:
        raise TemplateRejected(
            _("The template could not be filled in: %(error)s") % {"error": error}
        ) from error


# --- HTML to PDF ---------------------------------------------------------------------------


def _weasyprint():
    import weasyprint

    return weasyprint


def warm_up() -> None:
    """Import WeasyPrint now (a worker process calls this once when it starts)."""
    _fetcher_class()


def _static_dirs() -> list[Path]:
    dirs = []
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        dirs.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return dirs


def allowed_roots() -> list[str]:
    """Folders whose files a document may use: our static files and media files."""
    return list(
        _resolved_roots(
            tuple(str(path) for path in _static_dirs()),
            str(settings.STATIC_ROOT or ""),
            str(settings.MEDIA_ROOT or ""),
        )
    )


@functools.lru_cache(maxsize=64)
def _practice_fetcher(static_roots: tuple[str, ...], media_folder: str):
    # Kept per folder set: the fetcher holds no document's state, and resolving its folders
    # on every document cost a millisecond.
    return strict_url_fetcher(roots=[*static_roots, media_folder])


@functools.lru_cache(maxsize=8)
def _resolved_roots(static_dirs: tuple[str, ...], static_root: str, media_root: str):
    # Keyed on the settings it reads (tests change MEDIA_ROOT): resolving symlinks on every
    # document cost more than the rest of the fetcher.
    roots = [*static_dirs]
    if static_root:
        roots.append(static_root)
    roots.extend(str(Path(config.path) / "static") for config in apps.get_app_configs())
    if media_root:
        roots.append(media_root)
    return tuple(os.path.realpath(root) for root in roots)


def static_base_url() -> str:
    """Relative URLs in a document resolve against our main static folder."""
    dirs = _static_dirs()
    base = dirs[0] if dirs else Path(settings.STATIC_ROOT)
    return Path(os.path.realpath(base)).as_uri() + "/"


def _inside(path: str, roots: Iterable[str]) -> bool:
    return any(os.path.commonpath([path, root]) == root for root in roots)


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StrictURLFetcher(URLFetcher):
        """Fetch ``data:`` URIs and files inside ``roots``; refuse everything else.

        Built on WeasyPrint's ``URLFetcher`` (70+) with no redirects, only the ``data`` and
        ``file`` protocols, and ``fail_on_errors`` so that a refused resource stops the render
        with a reason instead of silently leaving a hole in the document.
        """

        def __init__(self, roots: Iterable[str] | None = None):
            super().__init__(
                timeout=5,
                allowed_protocols={"data", "file"},
                allow_redirects=False,
                fail_on_errors=True,
            )
            self.roots = (
                [os.path.realpath(root) for root in roots] if roots is not None else allowed_roots()
            )

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                return self._fetch_file(url)
            raise ResourceRefused(
                _("Documents cannot use resources from %(url)s.") % {"url": url[:200]}
            )

        def _fetch_file(self, url: str):
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise ResourceRefused(
                    _("Documents cannot use resources from %(url)s.") % {"url": url[:200]}
                )
            # realpath resolves "..", "%2e%2e" (once unquoted) and symlinks before the check.
            path = os.path.realpath(url2pathname(parts.path))
            if not _inside(path, self.roots):
                raise ResourceRefused(
                    _("Documents can only use our own static and media files, not %(url)s.")
                    % {"url": url[:200]}
                )
            if not os.path.isfile(path):
                raise ResourceRefused(_("The file %(url)s does not exist.") % {"url": url[:200]})
            if os.path.getsize(path) > MAX_RESOURCE_BYTES:
                raise ResourceRefused(_("The file %(url)s is too big.") % {"url": url[:200]})
            with open(path, "rb") as handle:
                body = handle.read()
            media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})

    return StrictURLFetcher


@functools.cache
def _shared_fonts_class():
    from weasyprint.text.fonts import FontConfiguration

    class SharedFontConfiguration(FontConfiguration):
        """One font configuration per thread, kept across documents.

        WeasyPrint otherwise builds a Fontconfig and Pango font map for every document (a fifth
        of a one-page layout) and never frees it. Only fonts the product ships (static files,
        the same for every practice) join the shared configuration; a document declaring any
        other ``@font-face`` raises ``_OwnFontsNeeded`` and is laid out with a configuration of
        its own, so no practice's font reaches another's document.
        """

        def add_font_face(self, rule_descriptors, url_fetcher):
            for font_type, url in rule_descriptors.get("src", ()):
                if font_type == "external" and not _bundled(url):
                    raise _OwnFontsNeeded
            return super().add_font_face(rule_descriptors, url_fetcher)

    return SharedFontConfiguration


def _bundled(url: str) -> bool:
    """A ``file:`` URL inside our static folders (not media: those are the practices' files)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return False
    static_roots = _resolved_static_roots(tuple(str(path) for path in _static_dirs()))
    return _inside(os.path.realpath(url2pathname(parts.path)), static_roots)


@functools.lru_cache(maxsize=8)
def _resolved_static_roots(static_dirs: tuple[str, ...]) -> tuple[str, ...]:
    # Keyed on the settings it reads: every document declares the bundled fonts, and resolving
    # every app's static folder for each of their rules cost a third of a one-page layout.
    roots = [*static_dirs, *(str(Path(c.path) / "static") for c in apps.get_app_configs())]
    return tuple(os.path.realpath(root) for root in roots)


_fonts = threading.local()


def shared_font_config():
    """This thread's font configuration (Pango font maps are not shared between threads)."""
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = _shared_fonts_class()()
        atexit.register(_forget_fonts, _fonts)
    return config


def _forget_fonts(kept) -> None:
    # Freed before the interpreter tears modules down (its __del__ removes a temporary folder
    # with modules that are gone by then).
    kept.__dict__.pop("stylesheets", None)
    kept.__dict__.pop("config", None)


def strict_url_fetcher(roots: Iterable[str] | None = None):
    """A fresh strict fetcher (``roots`` defaults to ``allowed_roots()``)."""
    return _fetcher_class()(roots=roots)


def brand_stylesheet(brand: Brand) -> str:
    """Base CSS from the brand kit, applied under the template's own styles.

    It declares the bundled font families first (``@font-face``), so any template may use them
    by name. Page-margin boxes do not inherit the body's font, so every one of them gets it too.
    """
    brand.check()  # colours and font are validated, so they are safe inside CSS
    family = f'"{brand.font}", {generic_family(brand.font)}'
    margin_boxes = "\n".join(f"  @{name} {{ font-family: {family}; }}" for name in MARGIN_BOXES)
    return f"""{font_face_css()}
@page {{
  size: A4;
  margin: 20mm 18mm 22mm 18mm;
{margin_boxes}
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt;
                   color: {brand.secondary}; }}
}}
html {{ font-family: {family}; font-size: 10pt; line-height: 1.45; color: #1a202c; }}
h1, h2, h3 {{ color: {brand.primary}; line-height: 1.2; }}
a {{ color: {brand.accent}; }}
.brand-primary {{ color: {brand.primary}; }}
.brand-secondary {{ color: {brand.secondary}; }}
.brand-accent {{ color: {brand.accent}; }}
.brand-rule {{ border: 0; border-top: 2pt solid {brand.primary}; }}
{BLOCKS_CSS}
.block-quote {{ color: {brand.secondary}; }}
.block-cta a, .block-cta span {{ background: {brand.accent}; color: #ffffff; }}
"""


@contextmanager
def _deadline(seconds: float | None) -> Iterator[Callable[[], None]]:
    """Raise ``_DeadlinePassed`` inside the block once ``seconds`` have passed; the block gets a
    ``check()`` that raises it too when called after the time is up.

    Uses a real-time timer signal, so it works only in a process's main thread (a Celery
    worker's child, a gunicorn worker); elsewhere (a development server's thread) the block
    runs unbounded and the Celery task's own time limit remains the backstop. A timer set by
    someone else is put back afterwards, less the time spent.
    """
    started = time.monotonic()

    def check() -> None:
        # The signal's exception can be lost (a library that catches everything around a C
        # call it interrupted): the time spent is checked again between steps.
        if seconds and time.monotonic() - started > seconds:
            raise _DeadlinePassed

    if (
        not seconds
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
    ):
        yield check
        return

    def expire(signum, frame):
        raise _DeadlinePassed

    previous_handler = signal.signal(signal.SIGALRM, expire)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield check
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            remaining = max(previous_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, remaining, previous_interval)


def _too_many_pages() -> DocumentTooLong:
    return DocumentTooLong(
        _("The document would have more than %(max)s pages. Shorten its text and try again.")
        % {"max": MAX_PAGES}
    )


KEPT_STYLESHEETS = 32


def _brand_css(weasyprint, brand: Brand, fetcher, font_config):
    """The brand kit's parsed stylesheet: kept per thread with the kept font configuration
    (parsing it, with the bundled fonts' rules, cost several milliseconds per document; a
    parsed stylesheet is read-only during layout). It reads only our static files."""
    text = brand_stylesheet(brand)
    if font_config is not getattr(_fonts, "config", None):
        return weasyprint.CSS(string=text, url_fetcher=fetcher, font_config=font_config)
    kept = _fonts.__dict__.setdefault("stylesheets", {})
    stylesheet = kept.pop(text, None)
    if stylesheet is None:
        stylesheet = weasyprint.CSS(string=text, url_fetcher=fetcher, font_config=font_config)
        while len(kept) >= KEPT_STYLESHEETS:
            kept.pop(next(iter(kept)))  # the least recently used
    kept[text] = stylesheet
    return stylesheet


def _layout(weasyprint, html: str, brand: Brand, fetcher, font_config):
    stylesheet = _brand_css(weasyprint, brand, fetcher, font_config)
    return weasyprint.HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=font_config
    )


# --- Layout hooks a template may ask for ------------------------------------------------
#
# Both read only what the template itself declares, so this module knows no kind of document:
#
# * ``data-fit="<label>"`` on an element with a fixed size: after layout, an element whose
#   content reaches below or right of its own border box yields the warning "“<label>”
#   overflows" (the label is the template's, already translated).
# * ``<meta name="pad-pages-to" content="4">``: the document is laid out again with blank pages
#   appended (empty ``<div class="page-padding">`` elements that break before them, which the
#   template may style, e.g. with a named page without footers) until its page count is a
#   multiple of that number; ``counter(pages)`` counts them.

FIT_ATTRIBUTE = "data-fit"
PAD_PAGES_META = "pad-pages-to"
MAX_PAD_PAGES_TO = 16
# A laid-out box may end a rounding error past its container (CSS pixels).
FIT_TOLERANCE = 0.5
PAGE_PADDING = '<div class="page-padding" style="break-before: page"></div>'


def _box_extent(box) -> tuple[float, float] | None:
    """The right and bottom edges of a laid-out box's border box (None if it has none)."""
    try:
        return (
            box.border_box_x() + box.border_width(),
            box.border_box_y() + box.border_height(),
        )
    except (AttributeError, TypeError):  # not laid out (e.g. an empty placeholder)
        return None


def _overflows(box) -> bool:
    """Whether any descendant of ``box`` reaches below or right of its border box.

    A descendant that clips its own content (``overflow`` other than visible) counts with its
    own box only: what it hides cannot spill out of ``box``.
    """
    extent = _box_extent(box)
    if extent is None:
        return False
    right, bottom = extent[0] + FIT_TOLERANCE, extent[1] + FIT_TOLERANCE
    stack = list(getattr(box, "children", ()))
    while stack:
        child = stack.pop()
        child_extent = _box_extent(child)
        if child_extent is not None and (child_extent[0] > right or child_extent[1] > bottom):
            return True
        style = getattr(child, "style", None)
        if style is None or style["overflow"] == "visible":
            stack.extend(getattr(child, "children", ()))
    return False


def fit_warnings(document) -> tuple[str, ...]:
    """One warning per ``data-fit`` label whose element overflows its box, in page order."""
    labels: list[str] = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            element = getattr(box, "element", None)
            label = element.get(FIT_ATTRIBUTE) if element is not None else None
            if label and label not in labels and _overflows(box):
                labels.append(label)
            stack.extend(reversed(getattr(box, "children", ())))
    return tuple(_("“%(label)s” overflows") % {"label": label} for label in labels)


def _root_element(document):
    for box in document.pages[0]._page_box.children if document.pages else ():
        if getattr(box, "element_tag", None) == "html":
            return box.element
    return None


def pad_pages_to(document) -> int:
    """The multiple the template wants its page count padded to (1: no padding)."""
    root = _root_element(document)
    if root is None:
        return 1
    for meta in root.iter():
        if not isinstance(meta.tag, str) or meta.tag.rsplit("}", 1)[-1] != "meta":
            continue
        if meta.get("name") != PAD_PAGES_META:
            continue
        value = (meta.get("content") or "").strip()
        if not value.isdigit() or not 1 <= int(value) <= MAX_PAD_PAGES_TO:
            raise TemplateRejected(
                _("The page padding “%(value)s” must be a whole number from 1 to %(max)s.")
                % {"value": value[:20], "max": MAX_PAD_PAGES_TO}
            )
        return int(value)
    return 1


def with_blank_pages(html: str, count: int) -> str:
    """``html`` with ``count`` blank pages appended at the end of its body."""
    padding = PAGE_PADDING * count
    at = html.lower().rfind("</body>")
    return html + padding if at < 0 else html[:at] + padding + html[at:]


@dataclass(frozen=True)
class LaidOutPdf:
    pdf: bytes = field(repr=False)
    page_count: int
    warnings: tuple[str, ...] = ()
    first_page_mm: tuple[float, float] = (0.0, 0.0)  # width, height


def html_to_pdf(html: str, *, brand: Brand, fetcher=None) -> LaidOutPdf:
    """Lay out ``html`` with the brand's base stylesheet; return the PDF, its page count and
    the layout's warnings (see the layout hooks above).

    Fails with ``DocumentTooLong`` past ``MAX_PAGES`` pages or ``RENDER_SECONDS`` seconds.
    """
    weasyprint = _weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    fetcher = fetcher or strict_url_fetcher()

    def layout(source: str):
        try:
            return _layout(weasyprint, source, brand, fetcher, shared_font_config())
        except _OwnFontsNeeded:
            from weasyprint.text.fonts import FontConfiguration

            return _layout(weasyprint, source, brand, fetcher, FontConfiguration())

    try:
        with _deadline(RENDER_SECONDS) as check_deadline:
            document = layout(html)
            check_deadline()
            if len(document.pages) > MAX_PAGES:
                raise _too_many_pages()
            multiple = pad_pages_to(document)
            missing = -len(document.pages) % multiple
            if missing:
                document = layout(with_blank_pages(html, missing))
                check_deadline()
                if len(document.pages) > MAX_PAGES:
                    raise _too_many_pages()
                if len(document.pages) % multiple:
                    logger.warning(
                        "Padding a document to a multiple of %s pages gave %s pages",
                        multiple,
                        len(document.pages),
                    )
            warnings = fit_warnings(document) if FIT_ATTRIBUTE in html else ()
            pdf = document.write_pdf()
    except _DeadlinePassed as error:
        raise DocumentTooLong(
            _(
                "The document took longer than %(seconds)s seconds to lay out. Shorten its "
                "text and try again."
            )
            % {"seconds": RENDER_SECONDS}
        ) from error
    except FatalURLFetchingError as error:
        reason = error.__cause__
        if isinstance(reason, ResourceRefused):
            raise RenderError(str(reason)) from error
        raise RenderError(_("A resource of the document could not be read.")) from error
    first = document.pages[0]
    return LaidOutPdf(
        pdf=pdf,
        page_count=len(document.pages),
        warnings=warnings,
        first_page_mm=(first.width * MM_PER_PX, first.height * MM_PER_PX),
    )


def preview_png(pdf: bytes, *, width: int = PREVIEW_WIDTH) -> bytes:
    """A PNG of the first page, ``width`` pixels wide.

    Made after the document is ready (its own task, see ``documents.tasks``): a preview is
    for browsing, and nobody waiting for the PDF should wait for it.
    """
    from documents import pdfium

    return pdfium.pages_png(pdf, pages=1, width=width)[0]


def check_paper(paper: Any, first_page_mm: tuple[float, float]) -> None:
    """The output's pages are the paper the document asked for (``{"size", "orientation"}``),
    within a millimetre; a template that lays out another size fails with the reason."""
    if not isinstance(paper, Mapping) or paper.get("size") not in PAPER_MM:
        return
    width, height = PAPER_MM[paper["size"]]
    if paper.get("orientation") == "landscape":
        width, height = height, width
    got_width, got_height = first_page_mm
    if abs(got_width - width) > 1 or abs(got_height - height) > 1:
        raise RenderError(
            _(
                "The document's pages came out %(got_width)s × %(got_height)s mm instead of "
                "%(size)s %(orientation)s (%(width)s × %(height)s mm). Its template sets "
                "another page size."
            )
            % {
                "got_width": round(got_width),
                "got_height": round(got_height),
                "size": paper["size"],
                "orientation": paper.get("orientation") or "portrait",
                "width": round(width),
                "height": round(height),
            }
        )


def fonts_not_embedded(pdf: bytes) -> list[str]:
    """The fonts the PDF's text is set in whose programs it does not carry: a reader would
    substitute its own, and the document would not look the same on every machine."""
    import ctypes

    import pypdfium2.raw as raw

    from documents import pdfium

    missing: set[str] = set()
    with pdfium.opened(pdf) as document:
        for index in range(len(document)):
            page = document[index]
            for text in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=8):
                font = raw.FPDFTextObj_GetFont(text.raw)
                if font and not raw.FPDFFont_GetIsEmbedded(font):
                    size = raw.FPDFFont_GetBaseFontName(font, None, 0)
                    name = ctypes.create_string_buffer(max(size, 1))
                    raw.FPDFFont_GetBaseFontName(font, name, size)
                    missing.add(name.value.decode("utf-8", "replace") or "?")
            page.close()
    return sorted(missing)


def check_fonts(pdf: bytes) -> None:
    """Every font of the output is embedded; otherwise the document fails with the fonts'
    names."""
    missing = fonts_not_embedded(pdf)
    if missing:
        raise RenderError(
            _(
                "The document uses fonts it does not carry (%(fonts)s), so it would not print "
                "the same everywhere. Use one of the bundled fonts or one uploaded with the "
                "practice's files."
            )
            % {"fonts": ", ".join(missing)}
        )


def practice_media_folder(practice_id: int) -> str:
    """The one media folder a practice's documents may read (its logos and images)."""
    return os.path.join(str(settings.MEDIA_ROOT), "documents", str(int(practice_id)))


def render_document(
    *,
    template_source: str,
    context: Mapping[str, Any],
    brand: Brand | None = None,
    media_folder: str | None = None,
) -> RenderedDocument:
    """Template + plain data + brand kit → PDF bytes, page count, SHA-256, size and the
    layout's warnings (content overflowing a ``data-fit`` box). The output is checked: its
    pages are the paper asked for and every font is embedded.

    With ``media_folder`` (a practice's, see ``practice_media_folder``) the document may read
    our static files and that folder only, not another practice's files.

    Raises ``RenderError`` (or a subclass) with a user-readable message when the template, the
    data or a resource is not acceptable.
    """
    brand = brand or Brand()
    html = render_html(template_source=template_source, context=context, brand=brand)
    fetcher = None
    if media_folder is not None:
        media_root = os.path.realpath(str(settings.MEDIA_ROOT)) if settings.MEDIA_ROOT else None
        static_only = tuple(root for root in allowed_roots() if root != media_root)
        fetcher = _practice_fetcher(static_only, media_folder)
    laid_out = html_to_pdf(html, brand=brand, fetcher=fetcher)
    check_paper(context.get("paper"), laid_out.first_page_mm)
    check_fonts(laid_out.pdf)
    return RenderedDocument(
        pdf=laid_out.pdf,
        page_count=laid_out.page_count,
        checksum=hashlib.sha256(laid_out.pdf).hexdigest(),
        size=len(laid_out.pdf),
        warnings=laid_out.warnings,
    )
