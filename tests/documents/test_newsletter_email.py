"""The newsletter's email: the sample newsletter's content laid out for mail clients, its text
part, its pictures inside the message, and the MIME message a mailing list sends."""

import base64
import email
import io
import re
from email import policy

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from documents import compose
from documents.models import DocumentAsset, DocumentKind
from documents.newsletter_email import (
    HTML_WARN_BYTES,
    newsletter_email,
    newsletter_message,
)
from documents.samples.text_kinds import sample_newsletter
from secretary.errors import ApplicationError
from tests.clients.factories import BrandKitFactory, ClientFactory, ContactFactory
from tests.documents.factories import png_bytes

pytestmark = pytest.mark.django_db

IMG_SRC = re.compile(r"<img\b[^>]*\bsrc=\"([^\"]*)\"")
ARTICLE_HEADINGS = (
    "New rules for residential leases in NSW",
    "Meet our new associate, Tom Nguyen",
    "Our office over the holidays",
)


def upload(world, client, data: bytes, name: str) -> DocumentAsset:
    return compose.asset_upload(
        practice=world.practice,
        client=client,
        upload=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
    )


def picture(size=(8, 8), image_format="PNG", colour="#1f3a5f", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=image_format, **save)
    return buffer.getvalue()


@pytest.fixture
def northwind(world):
    return ClientFactory(
        practice=world.practice, name="Northwind Legal", time_zone="Australia/Sydney"
    )


def make_newsletter(world, client, *, blocks, fields=None, title="The Northwind Brief"):
    return compose.composition_create(
        practice=world.practice,
        client=client,
        kind=DocumentKind.NEWSLETTER,
        title=title,
        user=world.secretary.user,
        content={"blocks": blocks, "fields": fields or {}},
    )


@pytest.fixture
def newsletter(world, northwind):
    """The sample newsletter's content, its pictures uploaded as the client's files."""
    sample = sample_newsletter()
    blocks = []
    for number, block in enumerate(sample["blocks"]):
        if block["type"] == "image":
            data = base64.b64decode(block["src"].split(",", 1)[1])
            asset = upload(world, northwind, data, f"picture-{number}.png")
            block = {**{k: v for k, v in block.items() if k != "src"}, "asset": asset.pk}
        blocks.append(block)
    return make_newsletter(
        world, northwind, blocks=blocks, fields=sample["fields"], title=sample["title"]
    )


def build(world, composition, **kwargs):
    return newsletter_email(practice=world.practice, composition=composition, **kwargs)


def test_it_lays_out_the_sample_newsletter_for_mail_clients(world, newsletter):
    # When the sample newsletter's email is built
    result = build(world, newsletter)
    html = result.html

    # Then it has the masthead, the issue, every article, the pull quote, the table and the button
    assert result.subject == "The Northwind Brief — Issue 14, December 2026"
    assert "The Northwind Brief" in html and "Issue 14 · December 2026" in html
    for heading in ARTICLE_HEADINGS:
        assert f">{heading}</h2>" in html
    assert "Landlords who plan ahead will find the new rules workable." in html
    assert "— Amelia Hart, Principal" in html
    assert "<th align" in html and ">25 Dec to 3 Jan<" in html and ">Open from 8:30<" in html
    assert 'href="https://northwindlegal.com.au/book"' in html
    assert ">Book a lease review</a>" in html
    assert "Welcome to our last issue for 2026." in html
    assert "This newsletter is general information, not legal advice." in html
    # And the introduction is the inbox's preview line
    assert result.preheader.startswith("Welcome to our last issue for 2026.")
    assert result.version == 1 and result.warnings == []


def test_it_needs_nothing_from_the_network_and_runs_no_script(world, newsletter):
    html = build(world, newsletter).html

    assert "<script" not in html.lower()
    assert "<link" not in html.lower() and "@import" not in html and "url(" not in html
    sources = IMG_SRC.findall(html)
    assert len(sources) == 2 and all(source.startswith("cid:") for source in sources)
    assert not re.search(r"\son[a-z]+=", html)


def test_every_picture_it_shows_travels_in_the_message_and_no_other(world, newsletter):
    result = build(world, newsletter)

    shown = {source.removeprefix("cid:") for source in IMG_SRC.findall(result.html)}
    assert shown == {image.content_id for image in result.images}
    assert len(result.images) == 2
    assert {image.content_type for image in result.images} == {"image/png"}


def test_it_styles_every_element_inline_in_a_600_pixel_column(world, newsletter):
    html = build(world, newsletter).html

    assert 'width="600"' in html and "max-width:600px" in html
    body = html.split("<body", 1)[1]
    for tag in ("p", "h1", "h2", "h3", "h4", "ul", "li", "th", "td", "a"):
        unstyled = re.findall(rf"<{tag}(?:\s(?![^>]*\bstyle=)[^>]*)?>", body)
        # Spacer rows and layout cells set their own height or nothing at all; text never
        # goes unstyled.
        assert all("height" in cell or tag == "td" for cell in unstyled), (tag, unstyled[:3])
    # The one <style> only adds dark mode and narrow screens
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert set(re.findall(r"@media[^{]+", style)) == {
        "@media only screen and (max-width: 620px) ",
        "@media (prefers-color-scheme: dark) ",
    }


def test_it_names_the_brand_font_first_then_web_safe_fonts(world, northwind, newsletter):
    # Given the client's brand kit: a serif font, a wine primary colour and a logo
    BrandKitFactory(
        practice=world.practice,
        client=northwind,
        font="Source Serif",
        primary_color="#7a1f3d",
        tagline="Plain advice, on time",
        logo=ContentFile(picture((400, 100), colour="#7a1f3d"), name="logo.png"),
    )

    # When the email is built
    result = build(world, newsletter)

    # Then text is set in the brand's font with web-safe fallbacks, in its colours
    assert "font-family:'Source Serif', Georgia, 'Times New Roman', Times, serif;" in result.html
    assert "color:#7a1f3d;" in result.html and "Plain advice, on time" in result.html
    # And the logo is one more picture inside the message, shown at most 160 px wide
    assert len(result.images) == 3
    logo = re.search(
        r'<img src="(cid:[^"]+)" width="(\d+)" height="(\d+)" alt="Northwind', result.html
    )
    assert logo and (int(logo[2]), int(logo[3])) == (160, 40)


def test_it_writes_white_or_dark_text_on_the_brand_colour_whichever_reads_better(
    world, northwind, newsletter
):
    BrandKitFactory(practice=world.practice, client=northwind, primary_color="#f6d365")

    html = build(world, newsletter).html

    # The issue bar and the button are in the light primary colour: their text is dark
    assert "background-color:#f6d365;" in html
    assert re.search(
        r"text-decoration:none;font-family:[^;]+;font-size:16px;line-height:1.2;color:#1a202c;",
        html,
    )


def test_it_cleans_rich_text_as_the_printed_document_does(world, northwind):
    # Given text typed with a script, a javascript: link and an image with an event handler
    hostile = (
        "<script>alert(1)</script> [click](javascript:alert(1)) "
        '<img src="https://evil.example/x.png" onerror="alert(2)"> <b onclick="x()">b</b>'
    )
    composition = make_newsletter(
        world,
        northwind,
        blocks=[
            {"type": "text", "markdown": hostile},
            {"type": "columns", "left": hostile, "right": "[ok](https://example.com)"},
            {"type": "heading", "text": "<script>alert(3)</script>", "level": 1},
            {"type": "table", "rows": [["<img src=x onerror=alert(4)>"]]},
            {"type": "quote", "text": "<script>alert(5)</script>"},
        ],
        fields={"intro": hostile, "contact": hostile, "masthead_title": "<script>x</script>"},
    )

    result = build(world, composition)

    # Then no tag, handler or link of the text survives: only its words, escaped
    assert "<script" not in result.html and "<b " not in result.html
    assert 'href="javascript' not in result.html
    assert not re.search(r"<[^>]*\son[a-z]+=", result.html)
    assert all(source.startswith("cid:") for source in IMG_SRC.findall(result.html))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.html
    assert 'href="https://example.com"' in result.html
    # And the text part keeps the words as typed, with no link made of them
    assert "[click](javascript:alert(1))" in result.text
    assert "click (javascript:" not in result.text


def test_it_fills_in_merge_fields(world, northwind):
    ContactFactory(practice=world.practice, client=northwind, name="Amelia Hart")
    composition = make_newsletter(
        world,
        northwind,
        blocks=[
            {"type": "heading", "text": "News for {{ client.name }}", "level": 1},
            {
                "type": "text",
                "markdown": "Dear {{ contact.first_name }}, from {{ practice.name }}.",
            },
        ],
        fields={"email_subject": "{{ client.name }}: December", "intro": "Hi {{ contact.name }}"},
    )

    result = build(world, composition)

    assert result.subject == "Northwind Legal: December"
    for part in (result.html, result.text):
        assert "News for Northwind Legal" in part
        assert "Dear Amelia, from Harbour Desk." in part
        assert "Hi Amelia Hart" in part
        assert "{{" not in part


def test_its_text_part_reads_well_without_html(world, newsletter):
    text = build(world, newsletter).text

    assert text.startswith("THE NORTHWIND BRIEF\nNorthwind Legal · Issue 14 · December 2026\n===")
    assert (
        "New rules for residential leases in NSW\n=======================================" in text
    )
    assert "\nWhat landlords should do now\n\n- Review any periodic leases" in text
    assert "“Landlords who plan ahead will find the new rules workable." in text
    assert "\n— Amelia Hart, Principal" in text
    assert "[Sydney harbour at dusk]\nOur Martin Place office looks out over the harbour." in text
    assert "Date              Office\n---------------   " in text
    assert "Book a lease review (https://northwindlegal.com.au/book)" in text
    assert "northwindlegal.com.au (https://northwindlegal.com.au)" in text
    assert "CONTACT US\n\n**" not in text and "CONTACT US\n\nNorthwind Legal" in text
    assert not re.search(r"</?[a-z]+[ >]", text) and "**" not in text and "&amp;" not in text
    assert max(len(line) for line in text.splitlines()) <= 76


def test_it_builds_the_mime_message_of_alternatives_with_related_pictures(world, newsletter):
    result = build(world, newsletter)

    message = newsletter_message(
        result,
        to="reader@example.com",
        from_email="Northwind Legal <news@harbour.test>",
        reply_to="amelia@northwind.test",
    )
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)

    # Then: alternative[text/plain, related[text/html, image/png, image/png]]
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Subject"] == result.subject
    assert parsed["To"] == "reader@example.com" and parsed["Reply-To"] == "amelia@northwind.test"
    assert parsed["List-Unsubscribe"] is None
    text, related = parsed.get_payload()
    assert text.get_content_type() == "text/plain" and text.get_content() == result.text
    assert related.get_content_type() == "multipart/related"
    html, *images = related.get_payload()
    assert html.get_content_type() == "text/html" and html.get_content() == result.html
    sent = {part["Content-ID"].strip("<>"): part for part in images}
    assert set(sent) == {image.content_id for image in result.images}
    for image in result.images:
        part = sent[image.content_id]
        assert part.get_content_type() == image.content_type
        assert part.get_content_disposition() == "inline"
        assert part.get_content() == image.data
    # And nothing is attached beside it
    assert not any(part.get_content_disposition() == "attachment" for part in parsed.walk())


def test_it_carries_one_subscribers_unsubscribe_link_in_headers_and_footer(world, newsletter):
    address = "https://harbour.test/lists/unsubscribe/abc123/"

    result = build(world, newsletter, unsubscribe_url=address)
    message = newsletter_message(result, to=["reader@example.com"], from_email="news@harbour.test")
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)

    assert parsed["List-Unsubscribe"] == f"<{address}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{address}"' in result.html and ">Unsubscribe</a>" in result.html
    assert f"Unsubscribe: {address}" in result.text
    with pytest.raises(ValueError):
        build(world, newsletter, unsubscribe_url="javascript:alert(1)")


def test_only_a_newsletter_has_an_email(world, northwind):
    letter = compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.LETTER,
        title="Hello",
        content={"blocks": [{"type": "text", "markdown": "Hi"}], "fields": {}},
    )

    with pytest.raises(ApplicationError) as raised:
        build(world, letter)

    assert "Only newsletters have an email version" in raised.value.message
    assert "Letter" in raised.value.message and set(raised.value.errors) == {"kind"}


def test_it_warns_when_gmail_would_clip_the_message(world, northwind):
    paragraph = "Each word of this article counts, and so does each byte of its email. " * 25
    composition = make_newsletter(
        world, northwind, blocks=[{"type": "text", "markdown": paragraph}] * 70
    )

    result = build(world, composition)

    assert result.html_size > HTML_WARN_BYTES
    assert any("Gmail shows only the first 102 KB" in warning for warning in result.warnings)


def test_it_leaves_out_a_lost_picture_and_says_so(world, northwind):
    asset = upload(world, northwind, png_bytes(), "gone.png")
    composition = make_newsletter(
        world,
        northwind,
        blocks=[
            {"type": "image", "asset": asset.pk, "alt": "Our team"},
            {"type": "cta", "text": "Call us"},
        ],
    )
    DocumentAsset.objects.for_practice(world.practice).filter(pk=asset.pk).delete()

    result = build(world, composition)

    assert IMG_SRC.findall(result.html) == [] and result.images == []
    assert any("Our team" in warning for warning in result.warnings)
    # And a button without a link is plain text, with a warning
    assert ">Call us</p>" in result.html
    assert any("“Call us” has no link" in warning for warning in result.warnings)


def test_it_sends_pictures_at_most_twice_their_width_in_formats_mail_clients_show(world, northwind):
    wide = upload(world, northwind, picture((3000, 1500), "JPEG"), "wide.jpg")
    webp = upload(world, northwind, picture((300, 200), "WEBP"), "photo.webp")
    composition = make_newsletter(
        world,
        northwind,
        blocks=[
            {"type": "image", "asset": wide.pk, "alt": "Wide"},
            {"type": "image", "asset": webp.pk, "alt": "WebP", "width": "half"},
            {"type": "image", "asset": wide.pk, "alt": "Wide again"},
        ],
    )

    result = build(world, composition)

    # The wide photo is sent once, 1200 px wide, shown 552 px wide (twice)
    first, second = result.images
    assert (first.content_type, first.width, first.height) == ("image/jpeg", 1200, 600)
    assert result.html.count(f'src="cid:{first.content_id}" width="552" height="276"') == 2
    # The WebP picture becomes a JPEG, shown at its own width in a half column
    assert (second.content_type, second.width) == ("image/jpeg", 300)
    assert f'src="cid:{second.content_id}" width="264" height="176"' in result.html


def test_its_preview_shows_the_pictures_inline_for_a_web_page(world, newsletter):
    result = build(world, newsletter)

    preview = result.preview_html(style_nonce="n0nce")

    assert "cid:" not in preview
    assert len(re.findall(r'src="data:image/png;base64,', preview)) == 2
    assert '<style nonce="n0nce">' in preview


def test_it_turns_a_phone_photo_upright(world, northwind):
    # Given a photo stored on its side, with EXIF saying "turn it a quarter"
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = upload(world, northwind, picture((60, 20), "JPEG", exif=exif.tobytes()), "phone.jpg")
    composition = make_newsletter(
        world, northwind, blocks=[{"type": "image", "asset": photo.pk, "alt": "Phone"}]
    )

    (image,) = build(world, composition).images

    # Then the email sends it upright, as every reader then shows it
    assert (image.content_type, image.width, image.height) == ("image/jpeg", 20, 60)
    with Image.open(io.BytesIO(image.data)) as sent:
        assert sent.size == (20, 60) and sent.getexif().get(0x0112, 1) == 1
