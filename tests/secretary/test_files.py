"""Stored files are typed by their bytes: a script dressed as a logo, an attachment or a signed
agreement is never served as something a browser would run."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from clients.models import BrandKit
from secretary.files import named_for, sniff
from tests.clients.factories import ClientFactory

SCRIPT = b"<script>fetch('/api/v1/me/').then(r=>r.text()).then(alert)</script>"


def gif_with_script() -> bytes:
    """A valid GIF whose comment block holds a script: an image to Pillow, HTML to a sniffer."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#224488").save(buffer, "GIF", comment=SCRIPT)
    data = buffer.getvalue()
    assert SCRIPT in data
    return data


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#224488").save(buffer, "PNG")
    return buffer.getvalue()


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "data, name, mime, extension",
    [
        (b"%PDF-1.7\n...", "scan.png", "application/pdf", "pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "photo.pdf", "image/png", "png"),
        (b"date,amount\n2026-11-01,12.50\n", "export.csv", "text/csv", "csv"),
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "trip.ics", "text/calendar", "ics"),
        (b"plain words", "notes.exe", "text/plain", "txt"),
    ],
)
def test_it_types_a_file_by_its_bytes(data, name, mime, extension):
    kind = sniff(io.BytesIO(data), name=name)
    assert (kind.mime, kind.extension) == (mime, extension)


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows program
        b"\x00\x01\x02binary",
    ],
)
def test_it_accepts_no_markup_program_or_unknown_bytes(data):
    assert sniff(io.BytesIO(data), name="harmless.txt") is None


def test_it_names_a_file_after_its_real_type():
    gif = sniff(io.BytesIO(gif_with_script()))
    assert named_for("logo.html", gif) == "logo.gif"
    assert named_for("../../etc/logo.svg", gif) == "logo.gif"
    jpeg = sniff(io.BytesIO(_jpeg()))
    assert named_for("photo.jpeg", jpeg) == "photo.jpeg"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    return buffer.getvalue()


# --- Brand-kit logos: the stored-script finding --------------------------------------------

KIT = {
    "primary_color": "#123456",
    "secondary_color": "#abcdef",
    "accent_color": "#ff8800",
    "font": "DejaVu Serif",
}


@pytest.mark.parametrize("name", ["logo.html", "logo.svg", "logo.htm"])
def test_it_serves_a_gif_named_html_as_an_inline_gif(world, admin_client_, name):
    # Given an admin uploads a valid GIF carrying a script, named like a web page
    response = admin_client_.post(
        url("practice_brand", world),
        {**KIT, "logo": SimpleUploadedFile(name, gif_with_script(), "text/html")},
    )
    assert response.status_code == 302
    kit = BrandKit.objects.for_practice(world.practice).get(client=None)
    # Then it is stored under the extension of its bytes
    assert kit.logo.name.endswith(".gif")
    # And served as a GIF, never as HTML or SVG, with nothing allowed to run
    served = admin_client_.get(url("brand_logo", world, kit_id=kit.pk))
    assert served["Content-Type"] == "image/gif"
    assert served["Content-Disposition"].startswith("inline")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert "default-src 'none'" in served["Content-Security-Policy"]
    # And the form names the current logo by its safe name
    page = admin_client_.get(url("practice_brand", world)).content.decode()
    assert name not in page


def test_it_serves_a_logo_stored_under_an_old_html_name_by_its_bytes(world, admin_client_):
    # Given a logo saved before these rules, still named logo.html
    kit = BrandKit(practice=world.practice, client=None)
    kit.logo.save("logo.html", ContentFile(gif_with_script()), save=False)
    kit.save()
    assert kit.logo.name.endswith(".html")
    # When it is opened
    served = admin_client_.get(url("brand_logo", world, kit_id=kit.pk))
    # Then its bytes decide: a GIF, inline, under a GIF's name
    assert served["Content-Type"] == "image/gif"
    assert served["Content-Disposition"] == 'inline; filename="logo.gif"'


def test_it_downloads_a_stored_file_that_is_no_image_instead_of_showing_it(world, admin_client_):
    kit = BrandKit(practice=world.practice, client=None)
    kit.logo.save("logo.png", ContentFile(b"<html>" + SCRIPT + b"</html>"), save=False)
    kit.save()
    served = admin_client_.get(url("brand_logo", world, kit_id=kit.pk))
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")


def test_it_refuses_an_svg_logo(world, admin_client_):
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    response = admin_client_.post(
        url("practice_brand", world),
        {**KIT, "logo": SimpleUploadedFile("logo.png", svg, "image/png")},
    )
    assert response.status_code == 400
    assert "must be a PNG, JPEG, GIF or WebP image" in response.content.decode()
    assert not BrandKit.objects.for_practice(world.practice).exists()


# --- Signed agreements ---------------------------------------------------


def test_it_refuses_a_signed_agreement_that_is_not_a_pdf_or_image(world, admin_client_):
    client = ClientFactory(practice=world.practice)
    response = admin_client_.post(
        url("agreement_create", world, client_id=client.pk),
        {
            "membership": world.secretary.pk,
            "kind": "nda",
            "signed_on": "2025-01-02",
            "file": SimpleUploadedFile("nda.pdf", b"<html>" + SCRIPT, "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "Upload the signed agreement as a PDF, PNG or JPEG file." in response.content.decode()
    assert not client.agreements.exists()


# --- A separate origin for user files ---------------------------------------------------------


@pytest.fixture
def logo_kit(world):
    kit = BrandKit(practice=world.practice, client=None)
    kit.logo.save("logo.png", ContentFile(png()), save=False)
    kit.save()
    return kit


def test_it_sends_files_to_the_media_origin_with_a_signed_link(
    world, admin_client_, logo_kit, settings
):
    # Given user files live on an origin of their own
    settings.MEDIA_DOMAIN = "files.harbour.test"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "files.harbour.test"]
    # When an admin opens the logo on the application's origin
    response = admin_client_.get(url("brand_logo", world, kit_id=logo_kit.pk))
    # Then they are sent to a signed link on the media origin, which serves the image
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith("https://files.harbour.test/files/")
    path = link.removeprefix("https://files.harbour.test")
    anonymous = Client()
    served = anonymous.get(path, HTTP_HOST="files.harbour.test", secure=True)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert body(served) == png()
    # And the link does not work on the application's origin
    assert anonymous.get(path).status_code == 404
    # And the media origin answers nothing but file links: no page, no login
    assert anonymous.get("/accounts/login/", HTTP_HOST="files.harbour.test").status_code == 404
    # And a forged link is not found
    forged = path.replace("/files/", "/files/x")
    assert anonymous.get(forged, HTTP_HOST="files.harbour.test").status_code == 404


def test_it_refuses_an_expired_media_link(world, admin_client_, logo_kit, settings, monkeypatch):
    settings.MEDIA_DOMAIN = "files.harbour.test"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "files.harbour.test"]
    link = admin_client_.get(url("brand_logo", world, kit_id=logo_kit.pk))["Location"]
    monkeypatch.setattr("secretary.files.MEDIA_LINK_SECONDS", -1)
    path = link.removeprefix("https://files.harbour.test")
    assert admin_client_.get(path, HTTP_HOST="files.harbour.test").status_code == 404
