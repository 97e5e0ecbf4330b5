"""The CSS guard for practices' own document templates: what their styles may use and load."""

from pathlib import Path

import pytest
from django.conf import settings

from documents.content.css import template_css_check
from documents.rendering import TemplateRejected

MEDIA = Path("/srv/secretary/media")
OWN_FOLDER = (MEDIA / "documents" / "7").as_uri() + "/"
OTHER_FOLDER = (MEDIA / "documents" / "8").as_uri() + "/"
BUILTIN_TEMPLATES = Path(settings.BASE_DIR) / "documents" / "builtin_templates"


def check(source: str) -> None:
    template_css_check(source, allowed_url_prefixes=[OWN_FOLDER])


def refusal(source: str) -> str:
    with pytest.raises(TemplateRejected) as caught:
        check(source)
    return caught.value.message


ALLOWED_STYLESHEET = """<!DOCTYPE html>
<html><head>
<style>
  @page {
    size: A5 landscape;
    margin: 18mm 15mm 20mm;
    bleed: 3mm;
    marks: crop cross;
    @top-center { content: string(chapter); font-size: 8pt; color: {{ brand.secondary }}; }
    @bottom-right { content: counter(page) " / " counter(pages); }
  }
  @page :first { @top-center { content: none; } }
  @page cover { margin: 0; background: url("OWN/assets/cover.jpg") center / cover no-repeat; }
  @media print { .screen-only { display: none; } }
  html { font-family: "{{ brand.font }}", "Zilla Slab", serif; font-size: 10pt; }
  h1 { string-set: chapter content(); color: {{ brand.primary }}; break-before: page; }
  .cover { page: cover; }
  .columns { columns: 2; column-gap: 6mm; column-rule: 0.5pt solid #cbd5e0; }
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; }
  .row { display: flex; justify-content: space-between; align-items: baseline; }
  .letterhead { background-image: url(OWN/assets/paper.png); background-size: 100% auto; }
  .logo { background: url({{ brand.logo_uri }}) no-repeat; width: 30mm; height: 12mm; }
  ol.toc a::after { content: leader('.') target-counter(attr(href), page); }
  ul.ticks { list-style-image: url("OWN/assets/tick.png"); }
  .badge { transform: rotate(-4deg); position: absolute; top: 5mm; right: 5mm; }
  p { orphans: 3; widows: 3; hyphens: auto; }
  h2 { bookmark-level: 2; bookmark-label: content(); }
  .stamp { background: url(data:image/png;base64,iVBORw0KGgo=) no-repeat; }
  .chapter { counter-increment: chapter; }
  .chapter::before { content: "Chapter " counter(chapter) ". "; }
</style></head>
<body>
  <h1 class="cover" style="color: {{ brand.accent }}; margin-top: 40mm">{{ title }}</h1>
  {% for item in items %}<td{% if forloop.last %} class="last"{% endif %}>{{ item }}</td>{% endfor %}
  <p {% if note %}class="note"{% endif %} style="border-left: 2pt solid {{ brand.primary }}">
    {% translate "On the client's clock" %}
  </p>
</body></html>
""".replace("OWN/", OWN_FOLDER)


def test_it_passes_a_realistic_print_stylesheet():
    check(ALLOWED_STYLESHEET)


@pytest.mark.parametrize("template", sorted(BUILTIN_TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_it_passes_the_built_in_templates(template):
    check(template.read_text(encoding="utf-8"))


# --- Addresses ------------------------------------------------------------------------------


URL_MESSAGE = "styles can only use the practice's own files and embedded PNG, JPEG, GIF or WebP"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/track.png",
        "https://example.com/track.png",
        OTHER_FOLDER + "assets/paper.png",
        OWN_FOLDER + "../8/assets/paper.png",
        OWN_FOLDER + "%2e%2e/8/assets/paper.png",
        OWN_FOLDER.rstrip("/") + "0/assets/paper.png",  # documents/70 is not documents/7
        OWN_FOLDER.replace("file:///", "file://elsewhere/") + "paper.png",
        "//example.com/track.png",
        "assets/paper.png",
        "/static/img/x.png",
        "data:image/svg+xml;base64,PHN2Zz4=",
        "data:text/css,p{color:red}",
        "",
    ],
)
def test_it_refuses_an_address_outside_the_practices_files(url):
    message = refusal(f"<style>\n.letterhead {{ background: url('{url}'); }}\n</style>")

    assert message.startswith("Line 2: url(")
    assert URL_MESSAGE in message


def test_it_names_the_address_and_the_line():
    message = refusal(
        "<p>Hello</p>\n<style>\np { color: red }\n.x { background: url(file:///etc/passwd) }</style>"
    )

    assert message == (
        "Line 4: url(file:///etc/passwd) is not allowed: styles can only use the practice's own "
        "files and embedded PNG, JPEG, GIF or WebP images."
    )


@pytest.mark.parametrize(
    "declaration",
    [
        "content: url(http://example.com/x.png)",
        "list-style: square url(http://example.com/x.png)",
        "list-style-image: url('http://example.com/x.png')",
        "background-image: linear-gradient(red, blue), url(http://example.com/x.png)",
    ],
)
def test_it_refuses_an_address_in_any_property(declaration):
    assert URL_MESSAGE in refusal(f"<style>p::before {{ {declaration} }}</style>")


def test_it_refuses_an_address_in_a_style_attribute_on_its_line():
    source = "<div>\n<p class='a'\n   style='color: red;\n     background: url(http://example.com/x.png)'>x</p></div>"

    assert refusal(source).startswith("Line 4: url(http://example.com/x.png)")


def test_it_reads_an_escaped_url_as_a_url():
    # \75 is "u": the tokenizer reads url( either way, quoted or not
    for value in (r"\75 rl(http://example.com/x.png)", r"\75 rl('http://example.com/x.png')"):
        assert URL_MESSAGE in refusal(f"<style>p {{ background: {value} }}</style>")


def test_it_reads_character_references_in_a_style_attribute():
    source = '<p style="background: u&#114;l(http://example.com/x.png)">x</p>'

    assert URL_MESSAGE in refusal(source)


def test_it_refuses_an_address_made_from_an_attribute():
    source = "<style>p::before { content: attr(data-picture url) }</style>"

    assert "attr() cannot make an address" in refusal(source)


# --- At-rules -------------------------------------------------------------------------------


def test_it_refuses_import():
    assert refusal("<style>@import url(theme.css);</style>") == (
        "Line 1: @import is not allowed in document styles (only @page and @media)."
    )


def test_it_refuses_an_import_written_with_escapes():
    # \69 is "i": the tokenizer reads the at-rule @import
    assert "@import is not allowed" in refusal(r"<style>@\69mport 'theme.css';</style>")
    # An escaped "@" makes an identifier that only looks like an at-rule
    assert "is an at-rule written with escapes" in refusal(
        r"<style>\@import 'theme.css'; p { color: red }</style>"
    )


def test_it_refuses_font_face_and_names_the_document_fonts():
    message = refusal(
        "<style>@font-face { font-family: Hand; src: url(" + OWN_FOLDER + "hand.ttf) }</style>"
    )

    assert message.startswith("Line 1: @font-face is not allowed in document styles")
    assert "Source Sans, Source Serif, Zilla Slab" in message


@pytest.mark.parametrize(
    "rule",
    [
        "@namespace svg url(http://www.w3.org/2000/svg);",
        "@supports (display: grid) { p { color: red } }",
        "@keyframes spin { to { color: red } }",
        "@counter-style x { system: cyclic; }",
    ],
)
def test_it_refuses_other_at_rules(rule):
    assert "is not allowed in document styles (only @page and @media)" in refusal(
        f"<style>{rule}</style>"
    )


def test_it_checks_inside_page_and_media_rules():
    assert "@import is not allowed" in refusal("<style>@media print { @import 'x.css'; }</style>")
    assert "@left-nowhere is not a page-margin box" in refusal(
        "<style>@page { @left-nowhere { content: 'x' } }</style>"
    )
    assert URL_MESSAGE in refusal(
        "<style>@page { @top-left { background: url(http://example.com/x.png) } }</style>"
    )


# --- Properties and functions -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["behavior", "-moz-binding", "--brand-background", "cursor", "-weasy-link"]
)
def test_it_refuses_a_property_outside_the_allow_list_by_name(name):
    assert refusal(f"<p style='{name}: x'>x</p>") == (
        f"Line 1: the property “{name}” is not allowed in document styles."
    )


@pytest.mark.parametrize(
    "value",
    ["expression(alert(1))", "var(--brand-background)", "image-set('x.png' 1x)", "src('x.png')"],
)
def test_it_refuses_a_function_outside_the_allow_list(value):
    name = value.split("(")[0]

    assert refusal(f"<style>p {{ width: {value} }}</style>") == (
        f"Line 1: {name}() is not allowed in document styles."
    )


def test_it_refuses_styles_it_cannot_read():
    assert "cannot be read" in refusal("<style>p { background: url(a b) }</style>")


# --- Template code --------------------------------------------------------------------------


def test_it_refuses_template_code_in_styles_other_than_the_brand_kits_values():
    message = refusal("<style>\np { color: {{ client.colour }} }\n</style>")

    assert message.startswith("Line 2: styles can only use the brand kit's values")
    assert "not “{{ client.colour }}”" in message
    assert "{% if wide %}" in refusal("<style>{% if wide %}p { width: 100% }{% endif %}</style>")
    assert "{{ width }}" in refusal("<p style='width: {{ width }}mm'>x</p>")


@pytest.mark.parametrize(
    "source, code",
    [
        (
            "<p style{% if x %}='background: url(http://example.com/x.png)'{% endif %}>x</p>",
            "{% if x %}",
        ),
        (
            "<p st{% if x %}yle{% endif %}='background: url(http://example.com/x.png)'>x</p>",
            "{% if x %}",
        ),
        ("<p {{ attributes }}>x</p>", "{{ attributes }}"),
        ("<p class={{ kind }}>x</p>", "{{ kind }}"),
        ("<{{ element }}>x</{{ element }}>", "{{ element }}"),
        ("<p {% firstof 'class=x' %}>x</p>", "{% firstof 'class=x' %}"),
        (
            '<p title="{{ name|default:\'x" style="color: red\' }}">x</p>',
            "{{ name|default:'x\" style=\"color: red' }}",
        ),
    ],
)
def test_it_refuses_template_code_that_could_write_a_style_attribute(source, code):
    message = refusal(source)

    assert message.startswith(f"Line 1: “{code}” cannot stand there")


def test_it_checks_a_style_attribute_written_under_a_condition():
    source = "<p {% if x %}style='background: url(http://example.com/x.png)'{% endif %}>x</p>"

    assert URL_MESSAGE in refusal(source)


def test_it_refuses_markup_written_from_a_text_in_the_template():
    message = refusal("<p>x</p>{{ '<style>@import url(x.css);</style>' }}")

    assert message.startswith("Line 1: “{{ '<style>@import url(x.css);</style>' }}” writes markup")


# --- Markup that hides or loads styles --------------------------------------------------------


def test_it_reads_styles_inside_comments_and_cdata_too():
    # HTML parsers disagree on where "<!-->" and "<![CDATA[" end
    assert "@import" in refusal("<!--> <style>@import 'x.css';</style> -->")
    assert "@import" in refusal("<![CDATA[ > <style>@import 'x.css';</style> ]]>")


def test_it_reads_an_unclosed_style_element_to_the_end():
    assert refusal("<p>x</p>\n<style>\n@import 'x.css';").startswith("Line 3: @import")


def test_it_reads_styles_inside_svg():
    assert "@import" in refusal("<svg><style>@import 'x.css';</style></svg>")


def test_it_refuses_linked_style_sheets_and_a_self_closed_style():
    assert "cannot link style sheets" in refusal(
        f"<link rel='stylesheet' href='{OTHER_FOLDER}theme.css'>"
    )
    assert "not <style/>" in refusal("<style/>@import 'x.css';")


def test_it_refuses_nothing_for_a_template_without_styles():
    check("<h1>{{ title }}</h1>{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}")


def test_every_branch_of_a_condition_between_rules_is_checked():
    check(
        "<style>{% if paper.size == 'letter' %} .row { height: 62mm; } {% else %}"
        " .row { height: 68mm; } {% endif %}</style>"
    )
    with pytest.raises(TemplateRejected, match="behavior"):
        check(
            "<style>{% if paper.size == 'letter' %} .row { height: 62mm; } {% else %}"
            " .row { behavior: url(x.htc); } {% endif %}</style>"
        )


def test_a_condition_glued_inside_a_word_is_refused():
    # Either branch joined to its neighbours could spell what was never checked ("url(").
    with pytest.raises(TemplateRejected):
        check("<style>.a { background: u{% if x %}{% endif %}rl('file:///etc/passwd'); }</style>")
    with pytest.raises(TemplateRejected):
        check("<style>.a { height: {% if x %}62mm{% else %}68mm{% endif %}; }</style>")
