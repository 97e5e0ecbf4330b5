"""The font families the product ships, so that a document looks the same on every machine.

The files live in ``static/fonts/<folder>/`` with their licence (SIL Open Font License 1.1) in
``OFL.txt`` beside them. They are the upstream files, unmodified: the Source families reserve
the name "Source", so a subset or otherwise changed copy would have to be renamed.

* Source Sans 3 3.052 and Source Serif 4 4.005 (Adobe), from their authors' npm packages
  ``source-sans`` and ``source-serif``;
* Zilla Slab 1.1 (Mozilla), from the npm package ``@expo-google-fonts/zilla-slab``: a slab
  with true italics (Roboto Slab has none).

Documents name the first two "Source Sans" and "Source Serif": Pango reads a family name that
ends in a number as a size, and writes such a family into the PDF as "Source-Sans-3,".

``font_face_css()`` declares them for WeasyPrint with ``file://`` URLs found through the static
files finders, that is inside our static folders: the strict URL fetcher serves them and they
join the kept font configuration (``documents.rendering.shared_font_config``). The web pages
that show the fonts (the brand preview) load ``static/css/fonts.css`` instead.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)

LICENCE_FILE = "OFL.txt"


@dataclass(frozen=True)
class FontFace:
    """One file of a family: its weight (400, 700), style (normal, italic) and file name."""

    weight: int
    style: str
    file: str


@dataclass(frozen=True)
class FontFamily:
    """A bundled family: the name documents use, its CSS generic family and its files."""

    name: str
    generic: str
    folder: str
    faces: tuple[FontFace, ...]

    def static_path(self, face: FontFace) -> str:
        """The face's path relative to the static folder (``fonts/<folder>/<file>``)."""
        return f"fonts/{self.folder}/{face.file}"

    @property
    def licence_path(self) -> str:
        return f"fonts/{self.folder}/{LICENCE_FILE}"


def _faces(regular: str, bold: str, italic: str, bold_italic: str) -> tuple[FontFace, ...]:
    return (
        FontFace(400, "normal", regular),
        FontFace(700, "normal", bold),
        FontFace(400, "italic", italic),
        FontFace(700, "italic", bold_italic),
    )


BUNDLED_FAMILIES: tuple[FontFamily, ...] = (
    FontFamily(
        name="Source Sans",
        generic="sans-serif",
        folder="source-sans-3",
        faces=_faces(
            "SourceSans3-Regular.ttf",
            "SourceSans3-Bold.ttf",
            "SourceSans3-It.ttf",
            "SourceSans3-BoldIt.ttf",
        ),
    ),
    FontFamily(
        name="Source Serif",
        generic="serif",
        folder="source-serif-4",
        faces=_faces(
            "SourceSerif4-Regular.ttf",
            "SourceSerif4-Bold.ttf",
            "SourceSerif4-It.ttf",
            "SourceSerif4-BoldIt.ttf",
        ),
    ),
    FontFamily(
        name="Zilla Slab",
        generic="serif",
        folder="zilla-slab",
        faces=_faces(
            "ZillaSlab-Regular.ttf",
            "ZillaSlab-Bold.ttf",
            "ZillaSlab-Italic.ttf",
            "ZillaSlab-BoldItalic.ttf",
        ),
    ),
)
BUNDLED_FONTS: tuple[str, ...] = tuple(family.name for family in BUNDLED_FAMILIES)


def bundled_family(name: str) -> FontFamily | None:
    return next((family for family in BUNDLED_FAMILIES if family.name == name), None)


def generic_family(name: str) -> str:
    """The CSS generic family to fall back on after ``name`` (``serif`` or ``sans-serif``)."""
    family = bundled_family(name)
    if family is not None:
        return family.generic
    return "serif" if "Serif" in name else "sans-serif"


def font_face_css() -> str:
    """``@font-face`` rules for every bundled face, with ``file://`` URLs of the static files.

    A face whose file the static files finders cannot find is left out (logged): the text then
    falls back to the generic family instead of failing every document.
    """
    return _font_face_css(tuple(str(entry) for entry in settings.STATICFILES_DIRS))


@functools.lru_cache(maxsize=8)
def _font_face_css(static_dirs: tuple[str, ...]) -> str:
    # Keyed on the static folders (tests change them); the files are looked up once per set.
    rules = []
    for family in BUNDLED_FAMILIES:
        for face in family.faces:
            found = finders.find(family.static_path(face))
            if not found:
                logger.warning("The bundled font file %s is missing.", family.static_path(face))
                continue
            # as_uri() percent-encodes quotes and backslashes, so the URL is safe in the string.
            url = Path(os.path.realpath(found)).as_uri()
            rules.append(
                f'@font-face {{ font-family: "{family.name}"; src: url("{url}"); '
                f"font-weight: {face.weight}; font-style: {face.style}; }}"
            )
    return "\n".join(rules)
