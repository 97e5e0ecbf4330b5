"""The brand kit offers the bundled fonts, and its preview shows them."""

from django.urls import reverse

from clients.forms import BrandKitForm
from clients.models import BrandKit
from documents.fonts import BUNDLED_FONTS


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


KIT = {
    "primary_color": "#123456",
    "secondary_color": "#abcdef",
    "accent_color": "#ff8800",
    "font": "Zilla Slab",
    "tagline": "Legal, on time",
    "address_block": "1 Main St",
}


def test_it_checks_ownership(world, northwind, outsider_client, contact_client, secretary_client):
    page = url("client_brand", world, client_id=northwind.pk)
    assert outsider_client.get(page).status_code == 404
    assert contact_client.get(page).status_code == 404
    assert secretary_client.get(url("practice_brand", world)).status_code == 403


def test_the_form_offers_the_bundled_fonts_first(world):
    form = BrandKitForm(instance=BrandKit(practice=world.practice), practice=world.practice)

    offered = [value for value, _label in form.fields["font"].choices]
    assert offered[: len(BUNDLED_FONTS)] == list(BUNDLED_FONTS)
    assert BrandKit(practice=world.practice).font == "Source Sans"


def test_the_brand_page_loads_the_web_fonts_and_previews_the_kit_font(
    world, northwind, secretary_client
):
    page = secretary_client.get(url("client_brand", world, client_id=northwind.pk))

    html = page.content.decode()
    assert 'href="/static/css/fonts.css"' in html
    assert "font-family: 'Source Sans', sans-serif" in html


def test_it_saves_a_bundled_font_and_previews_it_with_its_generic_family(
    world, northwind, secretary_client
):
    page = url("client_brand", world, client_id=northwind.pk)

    preview = secretary_client.post(page, {**KIT, "preview": "1"}, HTTP_HX_REQUEST="true")
    assert "font-family: 'Zilla Slab', serif" in preview.content.decode()

    assert secretary_client.post(page, KIT).status_code == 302
    kit = BrandKit.objects.for_practice(world.practice).get(client=northwind)
    assert kit.font == "Zilla Slab"


def test_it_refuses_a_font_documents_cannot_use(world, northwind, secretary_client):
    response = secretary_client.post(
        url("client_brand", world, client_id=northwind.pk), {**KIT, "font": "Comic Sans MS"}
    )

    assert response.status_code == 400
    assert "font" in response.context["form"].errors
    assert not BrandKit.objects.for_practice(world.practice).exists()
