"""The rendering service: restricted templates, plain data, the strict URL fetcher, the PDF."""

import hashlib
import io
import socket
from decimal import Decimal
from pathlib import Path
from urllib.request import HTTPRedirectHandler

import pypdf
import pytest
from django.conf import settings
from django.utils.safestring import mark_safe
from PIL import Image

from documents import rendering
from documents.rendering import (
    SAFE_FONTS,
    Brand,
    DataRejected,
    RenderError,
    ResourceRefused,
    TemplateRejected,
    render_document,
    render_html,
    strict_url_fetcher,
)
from tests.documents.factories import png_bytes

STATIC_FILE = Path(settings.BASE_DIR) / "static" / "css" / "app.css"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get("/Font")
        if fonts is not None:
            names |= {str(font.get_object()["/BaseFont"]) for font in fonts.get_object().values()}
    return {name.split("+", 1)[-1].replace("-", "") for name in names}


def html(source: str, **context) -> str:
    return render_html(template_source=source, context=context, brand=Brand())


# --- The PDF -------------------------------------------------------------------------------


def test_it_renders_the_data_into_a_pdf_with_its_facts():
    # Given a template and plain data
    source = "<h1>Agreement for {{ client }}</h1><p>Fee: {{ fee }} {{ currency }}</p>"

    # When it is rendered
    result = render_document(
        template_source=source,
        context={"client": "Northwind Legal", "fee": Decimal("1200.00"), "currency": "AUD"},
    )

    # Then the PDF holds the data and the facts describe the file
    assert result.pdf.startswith(b"%PDF-")
    text = pdf_text(result.pdf)
    assert "Agreement for Northwind Legal" in text
    assert "Fee: 1200.00 AUD" in text
    assert result.page_count == 1
    assert result.size == len(result.pdf)
    assert result.checksum == hashlib.sha256(result.pdf).hexdigest()


def test_it_counts_the_pages():
    source = "{% for section in sections %}<section style='break-before: page'>{{ section }}</section>{% endfor %}"

    result = render_document(template_source=source, context={"sections": ["one", "two", "three"]})

    assert result.page_count == 3
    assert len(pypdf.PdfReader(io.BytesIO(result.pdf)).pages) == 3
    # the default footer numbers the pages
    assert "3 / 3" in pdf_text(result.pdf)


def test_it_previews_the_first_page_as_a_png():
    result = render_document(template_source="<h1>Preview</h1>", context={})

    image = Image.open(io.BytesIO(rendering.preview_png(result.pdf)))
    assert image.format == "PNG"
    assert image.width == rendering.PREVIEW_WIDTH
    assert image.height > image.width  # A4 portrait


@pytest.mark.parametrize("font", SAFE_FONTS)
def test_it_renders_with_every_safe_font(font):
    result = render_document(template_source="<p>Typeface</p>", context={}, brand=Brand(font=font))

    assert font.replace(" ", "") in pdf_fonts(result.pdf)


def test_it_sets_the_brand_font_in_page_margin_boxes_too():
    # Given a body set in another font, so only the margin box can bring the brand font in
    source = "<p style='font-family: \"DejaVu Sans\"'>Body text</p>"

    result = render_document(
        template_source=source, context={}, brand=Brand(font="Liberation Serif")
    )

    fonts = pdf_fonts(result.pdf)
    assert "DejaVuSans" in fonts  # the body
    assert "LiberationSerif" in fonts  # the page number in @bottom-right


def test_it_embeds_the_logo_as_a_data_uri():
    source = (
        "{% if brand.logo_uri %}<img src='{{ brand.logo_uri }}' style='width: 20mm'>{% endif %}"
    )

    result = render_document(
        template_source=source, context={}, brand=Brand(logo=png_bytes((40, 20)))
    )

    page = pypdf.PdfReader(io.BytesIO(result.pdf)).pages[0]
    assert len(page.images) == 1


@pytest.mark.parametrize(
    "brand, message",
    [
        (Brand(primary="red; background: url(http://example.com/x)"), "is not a colour"),
        (Brand(accent="#12345"), "is not a colour"),
        (Brand(font="Comic Sans MS"), "is not available"),
        (Brand(logo=b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "not an image"),
    ],
)
def test_it_refuses_a_brand_kit_it_cannot_use_safely(brand, message):
    with pytest.raises(DataRejected, match=message):
        render_document(template_source="<p>x</p>", context={}, brand=brand)


# --- The restricted template engine --------------------------------------------------------


@pytest.mark.parametrize(
    "source, tag",
    [
        ("{% include 'base.html' %}", "include"),
        ("{% extends 'base.html' %}", "extends"),
        ("{% load static %}", "load"),
        ("{% ssi '/etc/passwd' %}", "ssi"),
        ("{% debug %}", "debug"),
        ("{% url 'home' %}", "url"),
        ("{% csrf_token %}", "csrf_token"),
        ("{% block content %}{% endblock %}", "block"),
        ("<p>ok</p>\n{%include 'x.html'%}", "include"),
    ],
)
def test_it_refuses_forbidden_tags_with_a_clear_reason(source, tag):
    with pytest.raises(TemplateRejected) as error:
        html(source)

    assert f"{{% {tag} %}}" in error.value.message
    assert "may not use" in error.value.message


def test_it_says_which_line_holds_the_forbidden_tag():
    with pytest.raises(TemplateRejected, match="Line 3 uses"):
        html("<p>one</p>\n<p>two</p>\n{% load i18n %}")


def test_it_refuses_attributes_that_start_with_an_underscore():
    with pytest.raises(TemplateRejected, match="may not begin with underscores"):
        html("{{ name.__class__.__mro__ }}", name="x")


def test_it_refuses_an_unknown_tag_with_the_template_error():
    with pytest.raises(TemplateRejected, match="The template has an error"):
        html("{% now_and_then %}")


@pytest.mark.django_db
def test_it_refuses_model_instances_in_the_data(world):
    with pytest.raises(DataRejected, match=r"context\.owner holds a Membership"):
        html("{{ owner.user.password }}", owner=world.owner)


@pytest.mark.parametrize("value", [settings, print, object(), {1: "not a text key"}])
def test_it_refuses_data_that_is_not_plain(value):
    with pytest.raises(DataRejected):
        html("{{ value }}", value=value)


def test_it_refuses_non_plain_values_nested_in_lists_and_mappings():
    with pytest.raises(DataRejected, match=r"context\.client\.contacts\[1\]"):
        html("{{ client }}", client={"contacts": ["ok", settings]})


def test_it_cannot_change_the_data_it_is_given():
    data = {"items": ["a", "b"], "terms": {"fee": "10"}}

    output = html(
        "{{ items.clear }}{{ terms.clear }}{{ terms.popitem }}{{ items|length }}{{ terms.fee }}",
        **data,
    )

    assert output == "210"
    assert data == {"items": ["a", "b"], "terms": {"fee": "10"}}


def test_it_escapes_data_even_when_marked_safe():
    output = html("{{ name }}", name=mark_safe("<img src='http://example.com/x'>"))

    assert "<img" not in output
    assert "&lt;img" in output


def test_it_allows_the_harmless_tags_and_filters():
    source = (
        "{% for x in items %}{% if forloop.first %}[{% endif %}{{ x|upper }}"
        "{% endfor %}] {% translate 'Plan' %} {% with n=items|length %}{{ n }}{% endwith %}"
        " {% verbatim %}{% include 'x' %}{% endverbatim %}"
    )

    assert html(source, items=["a", "b"]) == "[AB] Plan 2 {% include 'x' %}"


# --- The strict URL fetcher ----------------------------------------------------------------


@pytest.fixture
def fetcher():
    return strict_url_fetcher()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/logo.png",
        "http://127.0.0.1:6379/",
        "ftp://example.com/file",
        "file://evil.example.com/etc/passwd",
        "gopher://example.com/",
    ],
)
def test_the_fetcher_refuses_urls_outside_our_files(fetcher, url):
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)


def test_the_fetcher_refuses_a_path_that_climbs_out_of_the_static_folder(fetcher):
    # Given a real file of the project, outside any static or media folder
    outside = Path(settings.BASE_DIR) / "secretary" / "settings.py"
    assert outside.is_file()

    for url in (
        rendering.static_base_url() + "../secretary/settings.py",
        rendering.static_base_url() + "%2e%2e/secretary/settings.py",
        rendering.static_base_url() + "css/../../secretary/settings.py",
    ):
        with pytest.raises(ResourceRefused):
            fetcher.fetch(url)


def test_the_fetcher_refuses_a_symlink_pointing_outside(tmp_path):
    # Given a static folder holding a link to a file elsewhere
    static = tmp_path / "static"
    static.mkdir()
    (static / "passwd.css").symlink_to("/etc/passwd")
    fetcher = strict_url_fetcher(roots=[str(static)])

    with pytest.raises(ResourceRefused):
        fetcher.fetch((static / "passwd.css").as_uri())


def test_the_fetcher_allows_a_static_file(fetcher):
    response = fetcher.fetch(STATIC_FILE.as_uri())

    assert response.read() == STATIC_FILE.read_bytes()
    assert response.content_type == "text/css"


def test_the_fetcher_allows_a_media_file(fetcher, settings):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    (media / "logo.png").write_bytes(png_bytes())

    response = strict_url_fetcher().fetch((media / "logo.png").as_uri())

    assert response.read() == png_bytes()


def test_the_fetcher_allows_data_uris(fetcher):
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")

    assert response.read() == b"hello"


def test_the_fetcher_follows_no_redirects(fetcher):
    assert not any(isinstance(handler, HTTPRedirectHandler) for handler in fetcher.handlers)


@pytest.mark.parametrize(
    "source",
    [
        "<img src='http://example.com/tracker.png'>",
        "<link rel='stylesheet' href='https://example.com/x.css'>",
        "<style>@import url(http://example.com/x.css);</style><p>x</p>",
        "<style>@font-face { font-family: X; src: url(http://example.com/x.woff); }</style>"
        "<p style='font-family: X'>x</p>",
        "<img src='file:///etc/passwd'>",
        "<a rel='attachment' href='file:///etc/passwd'>secrets</a>",
        "<img src='../secretary/settings.py'>",
    ],
)
def test_a_document_reaching_outside_fails_with_a_reason_and_opens_no_connection(
    source, monkeypatch
):
    # Given no socket may be opened
    attempts = []
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: attempts.append(args))
    monkeypatch.setattr(socket.socket, "connect", lambda *args, **kwargs: attempts.append(args))

    # When a document asks for a resource outside our files, then rendering stops with why
    with pytest.raises(RenderError, match="Documents c"):
        render_document(template_source=source, context={})
    assert attempts == []


def test_a_document_may_use_a_static_file_by_relative_url():
    result = render_document(
        template_source="<link rel='stylesheet' href='css/documents.css'><p>Styled</p>",
        context={},
    )

    assert "Styled" in pdf_text(result.pdf)


def test_it_imports_weasyprint_only_when_a_document_is_rendered():
    # Given a fresh process that loads the app, its views and its tasks
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); "
        "import documents.rendering, documents.tasks, documents.views, documents.agreements; "
        "print('weasyprint' in sys.modules)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "secretary.settings",
        "SECRETARY_TESTING": "1",
        "PATH": "/usr/bin:/bin",
    }

    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    ).stdout

    # Then WeasyPrint (half a second to import) is not loaded until the first render
    assert output.strip() == "False"


SERIF_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def font_face_template(url: str) -> str:
    return (
        "<style>@font-face { font-family: 'House Hand'; src: url('" + url + "'); }"
        "p { font-family: 'House Hand'; }</style><p>Signed</p>"
    )


def test_a_font_of_a_practices_own_files_stays_in_its_own_document(settings, tmp_path):
    # Given a document declaring a font from the practice's files (media)
    settings.MEDIA_ROOT = str(tmp_path)
    font = tmp_path / "documents" / "1" / "assets" / "hand.ttf"
    font.parent.mkdir(parents=True)
    font.write_bytes(SERIF_FILE.read_bytes())

    declared = render_document(template_source=font_face_template(font.as_uri()), context={})
    # Then it is laid out in that font (embedded under the declared family name)
    assert "HouseHand" in pdf_fonts(declared.pdf)

    # And a later document naming the family without declaring it does not get it
    later = render_document(
        template_source="<style>p { font-family: 'House Hand'; }</style><p>Signed</p>",
        context={},
    )
    assert "HouseHand" not in pdf_fonts(later.pdf)


def test_a_font_the_product_ships_joins_the_kept_font_configuration(settings, tmp_path):
    # Given a font file among the static files
    static = tmp_path / "static"
    (static / "fonts").mkdir(parents=True)
    shipped = static / "fonts" / "house.ttf"
    shipped.write_bytes(SERIF_FILE.read_bytes())
    settings.STATICFILES_DIRS = [str(static)]

    result = render_document(template_source=font_face_template(shipped.as_uri()), context={})

    assert "HouseHand" in pdf_fonts(result.pdf)
    # It was added once to this thread's kept configuration (no configuration of its own)
    kept = rendering.shared_font_config()
    assert kept._folder is not None and any(kept._folder.iterdir())


def test_a_practices_document_reads_its_own_media_folder_only(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    for practice_id in (1, 2):
        folder = tmp_path / "documents" / str(practice_id) / "assets"
        folder.mkdir(parents=True)
        (folder / "photo.png").write_bytes(png_bytes())
    own = (tmp_path / "documents" / "1" / "assets" / "photo.png").as_uri()
    theirs = (tmp_path / "documents" / "2" / "assets" / "photo.png").as_uri()
    folder = rendering.practice_media_folder(1)

    rendered = render_document(
        template_source=f'<img src="{own}">', context={}, media_folder=folder
    )
    assert rendered.page_count == 1
    with pytest.raises(RenderError, match="only use our own static and media files"):
        render_document(template_source=f'<img src="{theirs}">', context={}, media_folder=folder)


# --- Layout hooks: fit warnings and page padding -----------------------------------------

FIT_BOXES = (
    "<div data-fit='{{ first }}' style='height: 20mm; width: 60mm; overflow: hidden'>"
    "{% for _ in paragraphs %}<p>Some words that fill the box line after line.</p>{% endfor %}"
    "</div>"
    "<div data-fit='Second box' style='height: 40mm; width: 60mm; overflow: hidden'>"
    "<p style='margin-bottom: 60mm'>Fits, margin or not.</p></div>"
)


def test_it_warns_about_a_data_fit_box_whose_content_overflows_below():
    # Given a box of a fixed height holding more text than it can show
    result = render_document(
        template_source=FIT_BOXES, context={"first": "Panel 3", "paragraphs": [1] * 12}
    )

    # Then the document is made, with a warning naming the box (the other one fits)
    assert result.page_count == 1
    assert result.warnings == ("“Panel 3” overflows",)


def test_it_warns_about_a_data_fit_box_whose_content_overflows_to_the_right():
    source = (
        "<div data-fit='Logo strip' style='width: 40mm; height: 30mm; overflow: hidden'>"
        "<div style='width: 70mm; height: 10mm'></div></div>"
    )

    assert render_document(template_source=source, context={}).warnings == (
        "“Logo strip” overflows",
    )


def test_it_does_not_warn_when_the_content_fits():
    result = render_document(
        template_source=FIT_BOXES, context={"first": "Panel 3", "paragraphs": [1]}
    )

    assert result.warnings == ()


def test_it_warns_about_the_brochure_panel_that_holds_too_much():
    # Given the sample brochure, and the same with far too much text in panel 3
    from documents.builtins import builtin_template
    from documents.samples import sample_context

    source = builtin_template("brochure").source
    normal = sample_context("brochure")
    crowded = sample_context("brochure")
    crowded["fields"]["panels"][2]["blocks"].append(
        {"type": "text", "markdown": "Far too much to say about wills. " * 150}
    )

    # When both are rendered, then only the crowded one warns, about panel 3 alone
    assert render_document(template_source=source, context=normal).warnings == ()
    crowded_result = render_document(template_source=source, context=crowded)
    assert crowded_result.warnings == ("“Panel 3” overflows",)
    assert crowded_result.page_count == 2


PADDED = (
    "<html><head><meta name='pad-pages-to' content='{{ multiple }}'></head><body>"
    "{% for page in pages %}<p style='break-after: page'>Page {{ page }}</p>{% endfor %}"
    "<p>Last page</p></body></html>"
)


def test_it_pads_the_page_count_to_the_multiple_the_template_asks_for():
    # Given a template asking for a multiple of 4, with five pages of content
    result = render_document(template_source=PADDED, context={"multiple": 4, "pages": [1] * 4})

    # Then three blank pages are added, and the footers count them
    assert result.page_count == 8
    texts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(result.pdf)).pages]
    assert len(texts) == 8
    assert "Last page" in texts[4] and "5 / 8" in texts[4]
    assert texts[7].strip() == "8 / 8"


def test_it_adds_no_page_to_a_document_already_a_multiple():
    result = render_document(template_source=PADDED, context={"multiple": 4, "pages": [1] * 3})

    assert result.page_count == 4


@pytest.mark.parametrize("value", ["0", "four", "17", ""])
def test_it_refuses_a_page_padding_it_cannot_use(value):
    with pytest.raises(TemplateRejected) as error:
        render_document(template_source=PADDED, context={"multiple": value, "pages": [1]})

    assert "page padding" in error.value.message


def test_it_pads_a_booklet_of_five_pages_to_eight():
    # Given a booklet of five pages: cover, contents, chapter 1, a blank left-hand page and
    # chapter 2 (chapters open on right-hand pages)
    from documents.builtins import builtin_template
    from documents.samples import sample_context

    context = sample_context("booklet")
    context["fields"]["chapters"] = [
        {"title": "One", "blocks": [{"type": "text", "markdown": "First."}]},
        {"title": "Two", "blocks": [{"type": "text", "markdown": "Second."}]},
    ]

    # When it is rendered
    result = render_document(template_source=builtin_template("booklet").source, context=context)

    # Then it has eight pages, the last three blank
    assert result.page_count == 8
    texts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(result.pdf)).pages]
    assert "Second." in texts[4]
    assert [text.strip() for text in texts[5:]] == ["", "", ""]


@pytest.mark.parametrize(
    ("css", "paper", "fails"),
    [
        ("A4", {"size": "A4", "orientation": "portrait"}, False),
        ("letter landscape", {"size": "letter", "orientation": "landscape"}, False),
        ("A4", {"size": "letter", "orientation": "portrait"}, True),
        ("A4 landscape", {"size": "A4", "orientation": "portrait"}, True),
    ],
)
def test_the_output_is_the_paper_the_document_asked_for(css, paper, fails):
    source = "<style>@page { size: " + css + "; }</style><p>{{ paper.size }}</p>"

    if fails:
        with pytest.raises(RenderError, match="instead of"):
            render_document(template_source=source, context={"paper": paper})
    else:
        assert render_document(template_source=source, context={"paper": paper}).page_count == 1


TEXT = b"BT /F1 24 Tf 72 720 Td (Hello) Tj ET"


def pdf_with_a_base14_font() -> bytes:
    """A one-page PDF whose text is set in Helvetica without the font's program (the kind
    of file a template could never make through WeasyPrint, built by hand)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(TEXT), TEXT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_it_finds_the_fonts_an_output_does_not_carry():
    embedded = rendering.render_document(
        template_source="<html><body><p>Hello <b>bold</b> <code>mono</code></p></body></html>",
        context={},
    )

    assert rendering.fonts_not_embedded(embedded.pdf) == []
    assert rendering.fonts_not_embedded(pdf_with_a_base14_font()) == ["Helvetica"]


def test_an_output_with_a_font_it_does_not_carry_fails_with_the_fonts_name(monkeypatch):
    monkeypatch.setattr(
        rendering,
        "html_to_pdf",
        lambda html, **kwargs: rendering.LaidOutPdf(
            pdf=pdf_with_a_base14_font(), page_count=1, first_page_mm=(210.0, 297.0)
        ),
    )

    with pytest.raises(RenderError, match=r"fonts it does not carry \(Helvetica\)"):
        rendering.render_document(template_source="<p>Hello</p>", context={})
