"""Staff pages of composed documents: list, new, the editor with its live preview, the client's
images."""

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import compose, rendering
from documents.models import (
    Approval,
    ApprovalDecision,
    Composition,
    CompositionStatus,
    CompositionVersion,
    DocumentAsset,
    DocumentKind,
)
from tests.clients.factories import ClientFactory, ContactFactory
from tests.conftest import client_for
from tests.documents.editor_inputs import editor_post
from tests.documents.factories import png_bytes
from tests.tasks.factories import TaskFactory, TimeEntryFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
PNG_DATA = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def northwind(world):
    return ClientFactory(
        practice=world.practice, name="Northwind Legal", time_zone="Australia/Sydney"
    )


@pytest.fixture
def letter(world, northwind):
    return compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.LETTER,
        title="Office hours letter",
        user=world.secretary.user,
        content={"blocks": [{"type": "heading", "text": "Hello", "level": 2}], "fields": {}},
    )


def test_it_checks_ownership(world, letter, outsider_client, contact_client):
    ContactFactory(practice=world.practice, client=letter.client, membership=world.client_contact)
    asset = compose.asset_upload(
        practice=world.practice,
        client=letter.client,
        upload=SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
    )
    gets = [
        url("composition_list", world),
        url("composition_new", world),
        url("composition_editor", world, composition_id=letter.pk),
        url("document_asset", world, asset_id=asset.pk),
    ]
    posts = [
        url(name, world, composition_id=letter.pk)
        for name in (
            "composition_editor",
            "composition_preview",
            "composition_send",
            "composition_pdf",
            "composition_asset_upload",
        )
    ]

    # a member of another practice and a client contact of this client see nothing
    for client in (outsider_client, contact_client):
        for address in gets:
            assert client.get(address).status_code == 404, address
        for address in posts:
            assert client.post(address, editor_post()).status_code == 404, address
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1

    # every staff role gets in (secretary is the lowest staff role)
    for membership in (world.secretary, world.admin, world.owner):
        staff = client_for(membership.user)
        for address in gets:
            assert staff.get(address).status_code == 200, address


def test_it_creates_a_composition_and_opens_its_editor(world, secretary_client, northwind):
    task = TaskFactory(practice=world.practice, client=northwind, title="Welcome pack")
    form = secretary_client.get(url("composition_new", world) + f"?task={task.pk}")
    token = re.search(r'name="idempotency_token" value="([^"]+)"', form.content.decode()).group(1)

    response = secretary_client.post(
        url("composition_new", world),
        {
            "client": northwind.pk,
            "kind": DocumentKind.LETTER,
            "title": "Welcome letter",
            "task": task.pk,
            "paper": "",
            "idempotency_token": token,
        },
    )

    composition = Composition.objects.for_practice(world.practice).get()
    assert response.status_code == 302
    assert response["Location"] == url("composition_editor", world, composition_id=composition.pk)
    assert composition.paper == compose.paper_for(northwind)  # A4 in Sydney
    assert composition.task == task
    assert compose.version_latest(composition).number == 1


def test_it_refuses_a_task_of_another_client(world, secretary_client, northwind):
    other_task = TaskFactory(practice=world.practice, client=ClientFactory(practice=world.practice))

    response = secretary_client.post(
        url("composition_new", world),
        {
            "client": northwind.pk,
            "kind": DocumentKind.LETTER,
            "title": "Welcome letter",
            "task": other_task.pk,
        },
    )

    assert response.status_code == 400
    assert "The task belongs to another client." in response.content.decode()
    assert not Composition.objects.for_practice(world.practice).exists()


def test_it_saves_a_version_and_says_so(world, secretary_client, letter):
    response = secretary_client.post(
        url("composition_editor", world, composition_id=letter.pk),
        editor_post(
            blocks=[
                {"type": "heading", "text": "Office hours", "level": "1"},
                {"type": "table", "rows": "Day | Hours\nMonday | 8–5", "header": "on"},
            ],
            fields={"salutation": "Dear Ms Reyes,"},
            action="save",
        ),
    )

    assert response.status_code == 200
    assert "Version 2 saved." in response.content.decode()
    latest = compose.version_latest(letter)
    assert latest.content["blocks"][1] == {
        "type": "table",
        "header": True,
        "rows": [["Day", "Hours"], ["Monday", "8–5"]],
    }
    assert latest.content["fields"]["salutation"] == "Dear Ms Reyes,"
    assert latest.content["fields"]["letterhead"] == "practice"


def test_it_refuses_bad_blocks_keeps_what_was_typed_and_saves_nothing(
    world, secretary_client, letter
):
    response = secretary_client.post(
        url("composition_editor", world, composition_id=letter.pk),
        editor_post(
            blocks=[
                {"type": "heading", "text": "Kept heading typed", "level": "2"},
                {"type": "cta", "text": "Book a call", "url": "javascript:alert(1)"},
            ],
            fields={"closing": "Kind regards,"},
            action="save",
        ),
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Block 2" in body and "The link must start with https://" in body
    assert 'value="Kept heading typed"' in body
    assert "Kind regards," in body
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_it_refuses_fields_that_are_not_json(world, secretary_client, letter):
    response = secretary_client.post(
        url("composition_editor", world, composition_id=letter.pk),
        editor_post(blocks=[{"type": "heading", "text": "Hi", "level": "2"}], other="{salut"),
    )

    assert response.status_code == 400
    assert "The other fields are not valid JSON" in response.content.decode()
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_it_adds_moves_and_removes_blocks_without_saving(world, secretary_client, letter):
    typed = [
        {"type": "heading", "text": "First", "level": "2"},
        {"type": "text", "markdown": "Second"},
    ]
    editor = url("composition_editor", world, composition_id=letter.pk)

    added = secretary_client.post(editor, editor_post(blocks=typed, action="add:quote"), **HTMX)
    moved = secretary_client.post(editor, editor_post(blocks=typed, action="up:1"), **HTMX)
    removed = secretary_client.post(editor, editor_post(blocks=typed, action="remove:0"), **HTMX)

    assert added.status_code == 200 and 'hx-trigger="load"' in added.content.decode()
    assert 'name="b2-type" value="quote"' in added.content.decode()
    assert re.search(r'name="b0-markdown"[^>]*>Second<', moved.content.decode())
    assert 'value="First"' not in removed.content.decode()
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_it_previews_unsaved_content_as_page_images(world, secretary_client, letter):
    response = secretary_client.post(
        url("composition_preview", world, composition_id=letter.pk),
        editor_post(
            blocks=[
                {"type": "heading", "text": "Office hours", "level": "1"},
                {"type": "text", "markdown": "From **Monday** we answer from 8 am."},
            ]
        ),
        **HTMX,
    )

    images = PNG_DATA.findall(response.content.decode())
    assert response.status_code == 200
    assert 1 <= len(images) <= 4
    assert base64.b64decode(images[0]).startswith(b"\x89PNG\r\n\x1a\n")
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_it_keeps_a_script_in_markdown_out_of_the_preview(
    world, secretary_client, letter, monkeypatch
):
    laid_out = []
    original = rendering.html_to_pdf

    def capture(html, **kwargs):
        laid_out.append(html)
        return original(html, **kwargs)

    monkeypatch.setattr(rendering, "html_to_pdf", capture)

    response = secretary_client.post(
        url("composition_preview", world, composition_id=letter.pk),
        editor_post(
            blocks=[
                {
                    "type": "text",
                    "markdown": "Hello <script>alert('owned')</script> "
                    "[click](javascript:alert(1)) <img src=x onerror=alert(2)>",
                }
            ]
        ),
        **HTMX,
    )

    assert response.status_code == 200 and PNG_DATA.search(response.content.decode())
    (html,) = laid_out
    assert "Hello" in html
    assert "<script" not in html
    assert 'href="javascript:' not in html
    assert "<img src=x" not in html
    assert "<script>alert" not in response.content.decode()


def test_it_shows_block_errors_in_the_preview(world, secretary_client, letter):
    response = secretary_client.post(
        url("composition_preview", world, composition_id=letter.pk),
        editor_post(blocks=[{"type": "heading", "text": "", "level": "2"}]),
        **HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Block 1" in body and "is empty" in body
    assert not PNG_DATA.search(body)


def test_it_shows_a_render_error_in_the_preview(world, secretary_client, letter, monkeypatch):
    def refuse(**kwargs):
        raise rendering.RenderError("The document took too long.")

    monkeypatch.setattr("documents.compose_preview.render_document", refuse)

    response = secretary_client.post(
        url("composition_preview", world, composition_id=letter.pk),
        editor_post(blocks=[{"type": "heading", "text": "Hi", "level": "2"}]),
        **HTMX,
    )

    assert "The document took too long." in response.content.decode()


def test_it_uploads_an_image_and_serves_it_to_staff(world, secretary_client, letter):
    response = secretary_client.post(
        url("composition_asset_upload", world, composition_id=letter.pk),
        {"file": SimpleUploadedFile("team.png", png_bytes(), content_type="image/png")},
    )

    asset = DocumentAsset.objects.for_practice(world.practice).get()
    assert response.status_code == 302
    assert asset.client == letter.client
    served = secretary_client.get(url("document_asset", world, asset_id=asset.pk))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"].startswith("inline")
    editor = secretary_client.get(url("composition_editor", world, composition_id=letter.pk))
    assert url("document_asset", world, asset_id=asset.pk) in editor.content.decode()


def test_it_refuses_a_file_that_is_not_an_image(world, secretary_client, letter):
    response = secretary_client.post(
        url("composition_asset_upload", world, composition_id=letter.pk),
        {"file": SimpleUploadedFile("photo.png", b"<html><script>x</script></html>")},
    )

    assert response.status_code == 400
    assert "This file is not a PNG, JPEG, GIF or WebP image." in response.content.decode()
    assert not DocumentAsset.objects.for_practice(world.practice).exists()


def test_it_refuses_an_image_that_is_too_big(world, secretary_client, letter, monkeypatch):
    monkeypatch.setattr(compose, "MAX_ASSET_BYTES", 50)

    response = secretary_client.post(
        url("composition_asset_upload", world, composition_id=letter.pk),
        {"file": SimpleUploadedFile("big.png", png_bytes((64, 64)), content_type="image/png")},
    )

    assert response.status_code == 400
    assert "documents take images of up to 10 MB" in response.content.decode()
    assert not DocumentAsset.objects.for_practice(world.practice).exists()


def test_it_refuses_an_upload_without_a_file(world, secretary_client, letter):
    response = secretary_client.post(
        url("composition_asset_upload", world, composition_id=letter.pk), {}
    )

    assert response.status_code == 400
    assert not DocumentAsset.objects.for_practice(world.practice).exists()


def test_it_shows_an_approved_document_read_only(world, secretary_client, letter):
    version = compose.version_latest(letter)
    Approval.objects.create(
        practice=world.practice,
        subject_type=compose.VERSION_SUBJECT,
        subject_id=version.pk,
        content_hash=version.content_hash,
        decision=ApprovalDecision.APPROVED,
        name="Maria Reyes",
    )
    Composition.objects.for_practice(world.practice).filter(pk=letter.pk).update(
        status=CompositionStatus.APPROVED, approved_version=version
    )
    editor = url("composition_editor", world, composition_id=letter.pk)

    page = secretary_client.get(editor).content.decode()
    refused = secretary_client.post(
        editor, editor_post(blocks=[{"type": "heading", "text": "Changed", "level": "2"}])
    )

    assert "Approved by Maria Reyes" in page
    assert f"version 1 (hash {version.content_hash[:12]}" in page
    assert '<fieldset class="compose-all" disabled>' in page
    assert 'value="save"' not in page
    assert refused.status_code == 400
    assert CompositionVersion.objects.for_practice(world.practice).count() == 1


def test_it_shows_the_time_logged_on_the_linked_task(world, secretary_client, northwind):
    task = TaskFactory(practice=world.practice, client=northwind)
    TimeEntryFactory(practice=world.practice, task=task, minutes=90)
    TimeEntryFactory(practice=world.practice, task=task, minutes=45)
    composition = compose.composition_create(
        practice=world.practice, client=northwind, kind="letter", title="Letter", task=task
    )

    page = secretary_client.get(url("composition_editor", world, composition_id=composition.pk))

    assert "2 h 15 min logged" in page.content.decode()


def test_it_sends_for_approval(world, secretary_client, letter):
    response = secretary_client.post(url("composition_send", world, composition_id=letter.pk))

    letter.refresh_from_db()
    assert response.status_code == 302
    assert letter.status == CompositionStatus.AWAITING_APPROVAL


def test_it_lists_compositions_filtered_in_a_constant_number_of_queries(
    world, secretary_client, northwind, django_assert_max_num_queries
):
    other = ClientFactory(practice=world.practice, name="Contoso")

    def make(count, client):
        for n in range(count):
            compose.composition_create(
                practice=world.practice, client=client, kind="letter", title=f"Letter {n}"
            )

    make(2, northwind)
    with django_assert_max_num_queries(12) as few:
        secretary_client.get(url("composition_list", world))
    make(20, other)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_client.get(url("composition_list", world))
    filtered = secretary_client.get(url("composition_list", world) + f"?client={northwind.pk}")

    assert response.content.decode().count("Letter ") == 22
    assert filtered.content.decode().count("Letter ") == 2
    assert "Northwind Legal" in filtered.content.decode()


def test_the_preview_warns_of_an_overflowing_panel_and_an_empty_card_sheet(
    world, secretary_client, northwind
):
    brochure = compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.BROCHURE,
        title="Services brochure",
    )
    panels = [{"blocks": [{"type": "text", "markdown": "Short."}]} for _ in range(6)]
    panels[2] = {"blocks": [{"type": "text", "markdown": "A long paragraph of text. " * 400}]}

    response = secretary_client.post(
        url("composition_preview", world, composition_id=brochure.pk),
        editor_post(fields={"panels": panels}),
        **HTMX,
    )

    assert response.status_code == 200
    assert "“Panel 3” overflows" in response.content.decode()

    cards = compose.composition_create(
        practice=world.practice,
        client=northwind,
        kind=DocumentKind.BUSINESS_CARDS,
        title="Cards",
    )
    response = secretary_client.post(
        url("composition_preview", world, composition_id=cards.pk),
        editor_post(fields={"card_size": "85x55", "people": []}),
        **HTMX,
    )
    assert response.status_code == 200
    assert "nobody" in response.content.decode().lower()


def test_the_editor_lists_the_merge_fields(world, secretary_client, letter):
    response = secretary_client.get(url("composition_editor", world, composition_id=letter.pk))

    assert "{{ client.name }}" in response.content.decode()
