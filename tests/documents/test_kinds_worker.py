"""Every composable kind, written with its sample content for a branded client, rendered by a
real Celery worker; then a newsletter approved through the portal and locked.

Runs where Redis is up (CI runs it on PostgreSQL): the ``celery_worker_live`` fixture starts a
worker on the ``default`` and ``documents`` queues against the test database.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import compose
from documents.models import (
    Approval,
    ApprovalDecision,
    Composition,
    CompositionStatus,
    DocumentKind,
    DocumentStatus,
)
from documents.samples import sample_context
from secretary.errors import ApplicationError
from tests.clients.factories import BrandKitFactory, ClientFactory, ContactFactory
from tests.documents.pdf_facts import assert_page_size, fill_colours, rgb
from tests.documents.pdf_inspect import flat, fonts, pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PRIMARY = "#7b2d8e"
BRAND_FONT = "Source Serif"


def branded_client(practice, *, name: str, time_zone: str):
    client = ClientFactory(practice=practice, name=name, time_zone=time_zone)
    BrandKitFactory(
        practice=practice,
        client=client,
        primary_color=PRIMARY,
        secondary_color="#3c4a5c",
        accent_color="#d4572a",
        font=BRAND_FONT,
        tagline="Clear advice. Lasting plans.",
    )
    return client


class Assets:
    """The sample's ``data:`` pictures as the client's uploaded files (each picture once)."""

    def __init__(self, world, client):
        self.world, self.client, self.ids = world, client, {}

    def asset_for(self, data_uri: str) -> int:
        if data_uri not in self.ids:
            data = base64.b64decode(data_uri.split(",", 1)[1])
            name = f"{hashlib.sha256(data).hexdigest()[:12]}.png"
            asset = compose.asset_upload(
                practice=self.world.practice,
                client=self.client,
                upload=SimpleUploadedFile(name, data, content_type="image/png"),
                user=self.world.secretary.user,
            )
            self.ids[data_uri] = asset.pk
        return self.ids[data_uri]

    def convert(self, value):
        """``value`` with every ``{"src": "data:…"}`` turned into ``{"asset": id}``."""
        if isinstance(value, dict):
            converted = {key: self.convert(item) for key, item in value.items() if key != "src"}
            source = value.get("src")
            if isinstance(source, str) and source.startswith("data:"):
                converted["asset"] = self.asset_for(source)
            elif "src" in value:
                converted["src"] = value["src"]
            return converted
        if isinstance(value, list):
            return [self.convert(item) for item in value]
        return value


def sample_content(kind: str, paper: str, assets: Assets) -> dict:
    context = sample_context(kind, paper=paper)
    content = assets.convert({"blocks": context["blocks"], "fields": context["fields"]})
    assert "data:" not in json.dumps(content), kind  # every picture is the client's file
    return content


def ready_pdf(celery_worker_live, composition) -> tuple[bytes, object]:
    version = compose.version_latest(composition)
    document = version.document

    def finished():
        document.refresh_from_db()
        return document.status in (DocumentStatus.READY, DocumentStatus.FAILED)

    celery_worker_live.wait_for(finished, timeout=240, what=f"the {composition.kind} PDF")
    assert document.status == DocumentStatus.READY, (composition.kind, document.failure_reason)
    with document.file.open("rb") as handle:
        return handle.read(), document


def assert_branded_piece(pdf: bytes, *, client_name: str, paper: str, orientation: str) -> None:
    assert_page_size(pdf, paper, orientation)
    assert client_name in flat(pdf_text(pdf))
    assert rgb(PRIMARY) in fill_colours(pdf), "the brand's primary colour is not drawn"
    used = fonts(pdf)
    assert used, "the document draws no text"
    missing = [name for name, embedded in used.items() if not embedded]
    assert not missing, f"fonts not embedded: {missing}"
    assert any("SourceSerif" in name.replace("-", "") for name in used), used


def test_every_kind_renders_on_the_worker_and_an_approval_locks(
    world, celery_worker_live, contact_client, secretary_client
):
    # Given an Australian client and a US client with the same brand kit
    practice = world.practice
    sydney = branded_client(practice, name="Northwind Legal", time_zone="Australia/Sydney")
    ContactFactory(
        practice=practice,
        client=sydney,
        membership=world.client_contact,
        name="Jordan Avery",
        portal_documents=True,
    )
    boston = branded_client(practice, name="Beacon Hill Advisors", time_zone="America/New_York")
    sydney_files = Assets(world, sydney)

    # When a composition of every composable kind is written with its sample content
    compositions = {}
    for kind in compose.COMPOSABLE_KINDS:
        compositions[kind] = compose.composition_create(
            practice=practice,
            client=sydney,
            kind=kind,
            title=f"Sample {kind}",
            user=world.secretary.user,
            content=sample_content(kind, "A4", sydney_files),
        )
    us_letter = compose.composition_create(
        practice=practice,
        client=boston,
        kind=DocumentKind.LETTER,
        title="Sample letter on US Letter",
        user=world.secretary.user,
        content=sample_content(DocumentKind.LETTER, "letter", Assets(world, boston)),
    )
    assert sydney_files.ids, "the samples' pictures became the client's files"
    # ... and each is rendered on the worker
    for composition in [*compositions.values(), us_letter]:
        compose.version_render(
            practice=practice, composition=composition, user=world.secretary.user
        )

    # Then every PDF is on the client's paper, with its name, the brand's colour and font, and
    # every font embedded
    page_counts = {}
    for kind, composition in compositions.items():
        assert composition.paper == "A4"
        pdf, document = ready_pdf(celery_worker_live, composition)
        orientation = "landscape" if kind in compose.LANDSCAPE_KINDS else "portrait"
        assert_branded_piece(
            pdf, client_name="Northwind Legal", paper="A4", orientation=orientation
        )
        page_counts[kind] = document.page_count
    assert page_counts[DocumentKind.BOOKLET] % 4 == 0
    assert page_counts[DocumentKind.BROCHURE] == 2
    assert page_counts[DocumentKind.FLIER] == 1
    assert all(count >= 1 for count in page_counts.values()), page_counts
    assert us_letter.paper == "letter"
    pdf, _document = ready_pdf(celery_worker_live, us_letter)
    assert_branded_piece(
        pdf, client_name="Beacon Hill Advisors", paper="letter", orientation="portrait"
    )

    # When the newsletter is sent for approval and the contact approves it in the portal
    newsletter = compositions[DocumentKind.NEWSLETTER]
    version = compose.composition_send_for_approval(
        practice=practice, composition=newsletter, user=world.secretary.user
    )
    page = reverse(
        "portal_composition",
        kwargs={"practice_slug": practice.slug, "composition_id": newsletter.pk},
    )
    assert contact_client.get(page).status_code == 200
    answer = contact_client.post(
        page,
        {
            "decision": ApprovalDecision.APPROVED,
            "version": version.pk,
            "read_confirmed": "on",
            "name": "Jordan Avery",
        },
        HTTP_USER_AGENT="Portal test",
    )

    # Then the approval is on record, for the hash of the version sent
    assert answer.status_code == 302, answer.content.decode()[:2000]
    approval = Approval.objects.for_practice(practice).get(
        subject_type=compose.VERSION_SUBJECT, subject_id=version.pk
    )
    assert (approval.decision, approval.name, approval.user) == (
        ApprovalDecision.APPROVED,
        "Jordan Avery",
        world.client_contact.user,
    )
    assert approval.content_hash == version.content_hash
    newsletter = Composition.objects.for_practice(practice).get(pk=newsletter.pk)
    assert newsletter.status == CompositionStatus.APPROVED
    assert newsletter.approved_version_id == version.pk

    # And the newsletter is locked: a save raises, the API answers 400, no version is added
    changed = {**version.content, "fields": {**version.content["fields"], "intro": "Changed."}}
    with pytest.raises(ApplicationError):
        compose.composition_save(practice=practice, composition=newsletter, content=changed)
    patched = secretary_client.patch(
        reverse(
            "api_composition_detail",
            kwargs={"practice_slug": practice.slug, "composition_id": newsletter.pk},
        ),
        {"content": changed},
        content_type="application/json",
    )
    assert patched.status_code == 400, patched.content
    assert "content" in patched.json()["errors"]
    assert compose.version_latest(newsletter).pk == version.pk
