"""Brand kits: validated logo, colours and fonts, with a live preview."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from clients.models import BrandKit
from clients.selectors import brand_for


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def png(size=(40, 20)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#224488").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")


KIT = {
    "primary_color": "#123456",
    "secondary_color": "#abcdef",
    "accent_color": "#ff8800",
    "font": "DejaVu Serif",
    "tagline": "Legal, on time",
    "address_block": "1 Main St",
}


def test_it_checks_ownership(world, northwind, outsider_client, contact_client, secretary_client):
    page = url("client_brand", world, client_id=northwind.pk)
    assert outsider_client.get(page).status_code == 404
    assert contact_client.get(page).status_code == 404
    assert secretary_client.get(url("practice_brand", world)).status_code == 403


def test_a_secretary_edits_a_client_brand_kit(world, northwind, secretary_client):
    response = secretary_client.post(
        url("client_brand", world, client_id=northwind.pk), {**KIT, "logo": png()}
    )
    assert response.status_code == 302
    kit = brand_for(practice=world.practice, client=northwind)
    assert kit.client == northwind and kit.font == "DejaVu Serif" and kit.logo
    logo = secretary_client.get(url("brand_logo", world, kit_id=kit.pk))
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")
    # And the form links the current logo through the practice, never a public media URL
    page = secretary_client.get(url("client_brand", world, client_id=northwind.pk))
    html = page.content.decode()
    assert f'src="{url("brand_logo", world, kit_id=kit.pk)}"' in html
    assert "/media/" not in html
    # The logo is shown as it looks, with a way to remove it (not "Currently: … Clear")
    assert 'class="logo-preview"' in html and "Remove the logo" in html
    assert "Currently" not in html
    secretary_client.post(
        url("client_brand", world, client_id=northwind.pk), {**KIT, "logo-clear": "on"}
    )
    kit.refresh_from_db()
    assert not kit.logo


def test_the_practice_kit_is_the_fallback(world, northwind, admin_client_):
    admin_client_.post(url("practice_brand", world), KIT)
    kit = brand_for(practice=world.practice, client=northwind)
    assert kit.client is None and kit.primary_color == "#123456"


def test_it_refuses_a_logo_that_is_not_an_image(world, northwind, secretary_client):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", "image/png")
    response = secretary_client.post(
        url("client_brand", world, client_id=northwind.pk), {**KIT, "logo": fake}
    )
    assert response.status_code == 400
    assert "logo" in response.context["form"].errors
    assert not BrandKit.objects.for_practice(world.practice).exists()


def test_it_refuses_a_logo_that_is_too_big(world, northwind, secretary_client, settings):
    big = SimpleUploadedFile("logo.png", png().read() + b"\0" * (2 * 1024 * 1024), "image/png")
    response = secretary_client.post(
        url("client_brand", world, client_id=northwind.pk), {**KIT, "logo": big}
    )
    assert response.status_code == 400
    assert "2 MB" in str(response.context["form"].errors["logo"])
    assert not BrandKit.objects.for_practice(world.practice).exists()


def test_it_refuses_bad_colours_and_unsafe_fonts(world, northwind, secretary_client):
    response = secretary_client.post(
        url("client_brand", world, client_id=northwind.pk),
        {**KIT, "primary_color": "red;background:url(x)", "font": "Comic Sans MS"},
    )
    assert response.status_code == 400
    assert {"primary_color", "font"} <= set(response.context["form"].errors)
    assert not BrandKit.objects.for_practice(world.practice).exists()


def test_it_previews_unsaved_values(world, northwind, secretary_client):
    response = secretary_client.post(
        url("client_brand", world, client_id=northwind.pk),
        {**KIT, "preview": "1", "accent_color": "#00ff00"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "#00ff00" in body and 'id="brand-preview"' in body
    assert not BrandKit.objects.for_practice(world.practice).exists()
