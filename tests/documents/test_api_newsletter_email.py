"""The API of a newsletter's email: GET compositions/<id>/email/."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import compose
from documents.models import DocumentKind
from tests.clients.factories import ClientFactory, ContactFactory
from tests.documents.factories import png_bytes

pytestmark = pytest.mark.django_db

BLOCKS = [
    {"type": "heading", "text": "Winter hours", "level": 1},
    {"type": "cta", "text": "Book a call", "url": "https://northwind.test/book"},
]


def url(world, composition, practice=None) -> str:
    return reverse(
        "api_composition_email",
        kwargs={
            "practice_slug": (practice or world.practice).slug,
            "composition_id": composition.pk,
        },
    )


@pytest.fixture
def northwind(world):
    client = ClientFactory(practice=world.practice, name="Northwind Legal", time_zone="UTC")
    ContactFactory(
        practice=world.practice,
        client=client,
        membership=world.client_contact,
        portal_documents=True,
    )
    return client


def make(world, client, kind=DocumentKind.NEWSLETTER):
    return compose.composition_create(
        practice=world.practice,
        client=client,
        kind=kind,
        title="December issue",
        content={"blocks": BLOCKS, "fields": {"masthead_title": "The Northwind Brief"}},
    )


def test_it_checks_ownership(world, northwind, outsider_client, contact_client):
    newsletter = make(world, northwind)

    # Another practice's member, by this practice or their own, finds nothing
    assert outsider_client.get(url(world, newsletter)).status_code == 404
    assert outsider_client.get(url(world, newsletter, world.other_practice)).status_code == 404
    # Nor does the client's contact, even one who may see documents (a staff route)
    assert contact_client.get(url(world, newsletter)).status_code == 404


def test_it_answers_the_email_with_cid_pictures(world, northwind, secretary_client):
    newsletter = make(world, northwind)

    response = secretary_client.get(url(world, newsletter))

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["subject"] == "The Northwind Brief"
    assert ">Winter hours</h2>" in body["html"]
    assert 'href="https://northwind.test/book"' in body["html"]
    assert "Book a call (https://northwind.test/book)" in body["text"]
    assert body["images"] == [] and body["warnings"] == []
    assert not re.search(r'<img\b[^>]*src="(?!cid:)', body["html"])


def test_it_lists_the_pictures_the_html_names(world, northwind, secretary_client):
    asset = compose.asset_upload(
        practice=world.practice,
        client=northwind,
        upload=SimpleUploadedFile("team.png", png_bytes((30, 10)), content_type="image/png"),
    )
    newsletter = make(world, northwind)
    compose.composition_save(
        practice=world.practice,
        composition=newsletter,
        content={"blocks": [{"type": "image", "asset": asset.pk, "alt": "Team"}], "fields": {}},
    )

    body = secretary_client.get(url(world, newsletter)).json()

    (image,) = body["images"]
    assert body["version"] == 2
    assert f'src="cid:{image["content_id"]}"' in body["html"]
    assert (image["content_type"], image["width"], image["height"]) == ("image/png", 30, 10)
    assert image["size"] > 0


def test_another_kind_answers_400(world, northwind, secretary_client):
    letter = make(world, northwind, kind=DocumentKind.LETTER)

    response = secretary_client.get(url(world, letter))

    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith("Only newsletters have an email version")
    assert set(body["errors"]) == {"kind"}
