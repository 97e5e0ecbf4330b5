"""The bundled font families: their files and licences, their @font-face rules, and documents
laid out in them through the kept font configuration."""

import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdf
import pytest
import tinycss2
from django.conf import settings

from documents import fonts, rendering
from documents.fonts import BUNDLED_FAMILIES, BUNDLED_FONTS, font_face_css
from documents.rendering import SAFE_FONTS, Brand, render_document, strict_url_fetcher

FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_SUFFIXES = {".ttf", ".otf", ".woff", ".woff2"}


def pdf_fonts(pdf: bytes) -> set[str]:
    """The embedded fonts' names without subset prefix or dashes (``ZillaSlabBoldItalic``)."""
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        found = page["/Resources"].get("/Font")
        if found is not None:
            names |= {str(font.get_object()["/BaseFont"]) for font in found.get_object().values()}
    return {name.split("+", 1)[-1].replace("-", "") for name in names}


def font_face_urls(css: str) -> list[str]:
    return re.findall(r'url\("([^"]+)"\)', css)


# --- The files ------------------------------------------------------------------------------


def test_every_bundled_face_is_a_truetype_or_opentype_file_in_its_family_folder():
    for family in BUNDLED_FAMILIES:
        assert len(family.faces) == 4  # regular, bold, italic, bold italic
        for face in family.faces:
            path = Path(settings.BASE_DIR) / "static" / family.static_path(face)
            # TrueType (0x00010000 or "true") or OpenType with CFF outlines ("OTTO")
            assert path.read_bytes()[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO"), path


def test_the_licence_lies_next_to_every_font_file():
    font_files = [path for path in FONTS_DIR.rglob("*") if path.suffix.lower() in FONT_SUFFIXES]
    assert len(font_files) == sum(len(family.faces) for family in BUNDLED_FAMILIES)
    for path in font_files:
        licence = path.parent / fonts.LICENCE_FILE
        assert licence.is_file(), path
        assert "SIL OPEN FONT LICENSE Version 1.1" in licence.read_text(encoding="utf-8")


def test_the_bundled_fonts_stay_small():
    total = sum(path.stat().st_size for path in FONTS_DIR.rglob("*") if path.is_file())
    assert total < 6 * 1024 * 1024


def test_the_safe_fonts_are_the_bundled_families_then_the_system_ones():
    assert SAFE_FONTS[: len(BUNDLED_FONTS)] == BUNDLED_FONTS
    assert rendering.DEFAULT_FONT == "Source Sans"
    assert fonts.generic_family("Zilla Slab") == "serif"
    assert fonts.generic_family("Source Sans") == "sans-serif"
    assert fonts.generic_family("Liberation Serif") == "serif"


# --- The @font-face rules -------------------------------------------------------------------


def test_it_declares_every_face_with_a_file_url_the_strict_fetcher_serves():
    css = font_face_css()

    urls = font_face_urls(css)
    assert len(urls) == sum(len(family.faces) for family in BUNDLED_FAMILIES)
    fetcher = strict_url_fetcher()
    for url in urls:
        assert url.startswith("file:///")
        assert fetcher.fetch(url).read()[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    # Every rule names its family, weight and style
    assert css.count('font-family: "Zilla Slab"; ') == 4
    assert "font-weight: 700; font-style: italic;" in css


def test_the_brand_stylesheet_starts_with_the_bundled_fonts():
    stylesheet = rendering.brand_stylesheet(Brand(font="Zilla Slab"))

    assert stylesheet.startswith(font_face_css())
    assert 'html { font-family: "Zilla Slab", serif;' in stylesheet


def test_a_face_missing_from_the_static_folders_is_left_out(settings, tmp_path):
    # Given static folders without the fonts
    settings.STATICFILES_DIRS = [str(tmp_path)]

    # Then no rule points at a file that is not there
    assert font_face_urls(font_face_css()) == []

    # And a document still renders, in the generic family (a fresh thread: this one's kept
    # configuration may hold the bundled fonts from earlier documents)
    def render():
        return render_document(
            template_source="<p>Text</p>", context={}, brand=Brand(font="Zilla Slab")
        )

    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(render).result()
    assert result.page_count == 1
    assert "ZillaSlab" not in pdf_fonts(result.pdf)


# --- Documents --------------------------------------------------------------------------------


STYLED = "<p>Regular <b>bold</b> <i>italic</i> <b><i>bold italic</i></b></p>"


@pytest.mark.parametrize("family", BUNDLED_FONTS)
def test_a_document_in_a_bundled_family_embeds_its_four_faces(family):
    result = render_document(template_source=STYLED, context={}, brand=Brand(font=family))

    name = family.replace(" ", "")
    assert {name, f"{name}Bold", f"{name}Italic", f"{name}BoldItalic"} <= pdf_fonts(result.pdf)


def test_any_template_may_use_a_bundled_family_by_name():
    # Given a brand kit in a system font, and a template naming a bundled family
    source = "<h1 style='font-family: \"Source Serif\"'>Heading</h1><p>Body</p>"

    result = render_document(template_source=source, context={}, brand=Brand(font="DejaVu Sans"))

    assert {"SourceSerifBold", "DejaVuSans"} <= pdf_fonts(result.pdf)


def test_the_kept_font_configuration_takes_the_bundled_fonts(monkeypatch):
    # Given a worker thread that has not laid out a document yet, and every layout watched
    layouts = []
    real_layout = rendering._layout

    def watched_layout(weasyprint, html, brand, fetcher, font_config):
        layouts.append(font_config)
        return real_layout(weasyprint, html, brand, fetcher, font_config)

    monkeypatch.setattr(rendering, "_layout", watched_layout)

    def render_in_a_fresh_thread():
        first = render_document(template_source=STYLED, context={}, brand=Brand(font="Zilla Slab"))
        second = render_document(
            template_source=STYLED, context={}, brand=Brand(font="Source Sans")
        )
        return first, second, rendering.shared_font_config()

    with ThreadPoolExecutor(max_workers=1) as pool:
        first, second, kept = pool.submit(render_in_a_fresh_thread).result()

    # Then both documents were laid out once, with the thread's kept configuration
    assert layouts == [kept, kept]
    assert "ZillaSlabBoldItalic" in pdf_fonts(first.pdf)
    assert "SourceSansBoldItalic" in pdf_fonts(second.pdf)
    # And that configuration holds every bundled face, each added once
    assert len(list(kept._folder.iterdir())) == sum(len(f.faces) for f in BUNDLED_FAMILIES)


# --- The web pages' copy ----------------------------------------------------------------------


def test_the_web_fonts_stylesheet_declares_the_same_files():
    path = Path(settings.BASE_DIR) / "static" / "css" / "fonts.css"
    rules = tinycss2.parse_stylesheet(
        path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    )

    declared = set()
    for rule in rules:
        assert rule.type == "at-rule" and rule.lower_at_keyword == "font-face"
        values = {
            item.lower_name: tinycss2.serialize(item.value).strip()
            for item in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True)
        }
        url = re.search(r'url\("\.\./([^"]+)"\)', values["src"]).group(1)
        assert (path.parent.parent / url).is_file()
        declared.add(
            (values["font-family"].strip('"'), values["font-weight"], values["font-style"], url)
        )

    assert declared == {
        (family.name, str(face.weight), face.style, family.static_path(face))
        for family in BUNDLED_FAMILIES
        for face in family.faces
    }
