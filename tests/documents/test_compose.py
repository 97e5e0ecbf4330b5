"""Composed documents: versions, locking, rendering, approval and the client's files."""

from datetime import UTC

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import compose
from documents.models import (
    Approval,
    CompositionStatus,
    Document,
    DocumentKind,
    DocumentStatus,
    PaperSize,
    ProofComment,
)
from secretary.errors import ApplicationError
from secretary.models import ActivityEvent
from tests.clients.factories import ClientFactory, ContactFactory
from tests.documents.factories import png_bytes

LETTER_BLOCKS = [
    {"type": "heading", "text": "Your new office hours"},
    {"type": "text", "markdown": "From **Monday** we answer your phones from 8 am."},
]


@pytest.fixture
def northwind(world):
    client = ClientFactory(
        practice=world.practice, name="Northwind Legal", time_zone="Australia/Sydney"
    )
    ContactFactory(
        practice=world.practice,
        client=client,
        membership=world.client_contact,
        portal_documents=True,
        email="contact@client.test",
    )
    return client


def create(world, client, **overrides):
    arguments = {
        "practice": world.practice,
        "client": client,
        "kind": DocumentKind.LETTER,
        "title": "Office hours letter",
        "user": world.secretary.user,
        "content": {"blocks": LETTER_BLOCKS, "fields": {"salutation": "Dear Ms Reyes,"}},
    }
    return compose.composition_create(**{**arguments, **overrides})


def test_paper_follows_the_clients_country(world):
    sydney = ClientFactory(practice=world.practice, time_zone="Australia/Sydney")
    chicago = ClientFactory(practice=world.practice, time_zone="America/Chicago")
    toronto = ClientFactory(practice=world.practice, time_zone="America/Toronto")
    berlin = ClientFactory(practice=world.practice, time_zone="Europe/Berlin")

    assert compose.paper_for(sydney) == PaperSize.A4
    assert compose.paper_for(chicago) == PaperSize.LETTER
    assert compose.paper_for(toronto) == PaperSize.LETTER
    assert compose.paper_for(berlin) == PaperSize.A4


def test_every_save_that_changes_content_is_a_version(world, northwind):
    composition = create(world, northwind)
    first = compose.version_latest(composition)

    same = compose.composition_save(
        practice=world.practice,
        composition=composition,
        content={"blocks": LETTER_BLOCKS, "fields": {"salutation": "Dear Ms Reyes,"}},
    )
    changed = compose.composition_save(
        practice=world.practice,
        composition=composition,
        content={"blocks": LETTER_BLOCKS[:1], "fields": {}},
    )

    assert first.number == 1 and same.pk == first.pk
    assert changed.number == 2 and changed.content_hash != first.content_hash


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (
            {"blocks": [{"type": "text", "markdown": "<script>x</script>"}] * 2 + [{"type": "x"}]},
            "blocks",
        ),
        ({"blocks": [{"type": "spacer"}] * 10_000}, "blocks"),
        ({"blocks": [], "fields": ["not", "an", "object"]}, "fields"),
        ("just text", "content"),
    ],
)
def test_bad_content_saves_nothing(world, northwind, content, field):
    composition = create(world, northwind)

    with pytest.raises(ApplicationError) as caught:
        compose.composition_save(practice=world.practice, composition=composition, content=content)

    assert field in caught.value.errors
    assert composition.versions.count() == 1


def test_an_image_of_another_clients_files_is_refused(world, northwind):
    other = ClientFactory(practice=world.practice, name="Contoso Dental")
    theirs = compose.asset_upload(
        practice=world.practice,
        client=other,
        upload=SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
    )
    composition = create(world, northwind)

    with pytest.raises(ApplicationError) as caught:
        compose.composition_save(
            practice=world.practice,
            composition=composition,
            content={"blocks": [{"type": "image", "asset": theirs.pk}]},
        )

    assert "not among this client's files" in caught.value.errors["blocks"][0]


def test_uploads_are_typed_by_their_bytes(world, northwind):
    html_as_png = SimpleUploadedFile("photo.png", b"<html><script>x</script></html>")
    with pytest.raises(ApplicationError, match="not a PNG, JPEG, GIF or WebP"):
        compose.asset_upload(practice=world.practice, client=northwind, upload=html_as_png)

    huge = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (50 * 1024 * 1024))
    with pytest.raises(ApplicationError, match="up to 10 MB"):
        compose.asset_upload(practice=world.practice, client=northwind, upload=huge)

    real = compose.asset_upload(
        practice=world.practice,
        client=northwind,
        upload=SimpleUploadedFile("photo.gif", png_bytes()),
    )
    assert real.content_type == "image/png" and real.file.name.endswith(".png")


def test_images_reach_the_rendered_document(world, northwind, django_capture_on_commit_callbacks):
    asset = compose.asset_upload(
        practice=world.practice,
        client=northwind,
        upload=SimpleUploadedFile("team.png", png_bytes(), content_type="image/png"),
    )
    composition = create(
        world,
        northwind,
        content={"blocks": [*LETTER_BLOCKS, {"type": "image", "asset": asset.pk, "alt": "Team"}]},
    )
    version = compose.version_latest(composition)

    context = compose.composition_context(composition, version)
    with django_capture_on_commit_callbacks(execute=True):
        document = compose.version_render(
            practice=world.practice, composition=composition, version=version
        )

    assert context["blocks"][2]["src"].startswith("file://")
    assert context["paper"] == {"size": "A4", "orientation": "portrait"}
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.failure_reason
    assert document.subject_type == compose.VERSION_SUBJECT and document.subject_id == version.pk


def test_approval_locks_the_version_and_is_recorded(
    world, northwind, django_capture_on_commit_callbacks, mailoutbox
):
    from tasks.models import ChecklistItem
    from tests.tasks.factories import TaskFactory

    task = TaskFactory(practice=world.practice, client=northwind)
    ChecklistItem.objects.create(practice=world.practice, task=task, text="Client approved")
    composition = create(world, northwind, task=task)
    with django_capture_on_commit_callbacks(execute=True):
        version = compose.composition_send_for_approval(
            practice=world.practice, composition=composition, user=world.secretary.user
        )
    composition.refresh_from_db()
    assert composition.status == CompositionStatus.AWAITING_APPROVAL
    assert [message.to for message in mailoutbox] == [["contact@client.test"]]

    approval = compose.composition_decide(
        practice=world.practice,
        composition=composition,
        version_id=version.pk,
        user=world.client_contact.user,
        decision="approved",
        name="Ana Reyes",
        ip_address="203.0.113.9",
    )

    composition.refresh_from_db()
    assert composition.status == CompositionStatus.APPROVED
    assert composition.approved_version_id == version.pk
    assert approval.content_hash == version.content_hash and approval.ip_address == "203.0.113.9"
    assert ChecklistItem.objects.for_practice(world.practice).get(task=task).done_at is not None
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="composition.approved")
        .exists()
    )
    # And the approved version is locked
    with pytest.raises(ApplicationError, match="approved"):
        compose.composition_save(
            practice=world.practice, composition=composition, content={"blocks": []}
        )


def test_changes_requested_pin_a_comment_and_a_new_version_goes_back_to_draft(
    world, northwind, django_capture_on_commit_callbacks
):
    composition = create(world, northwind)
    with django_capture_on_commit_callbacks(execute=True):
        version = compose.composition_send_for_approval(
            practice=world.practice, composition=composition
        )

    with pytest.raises(ApplicationError):  # a request for changes says what
        compose.composition_decide(
            practice=world.practice,
            composition=composition,
            version_id=version.pk,
            user=world.client_contact.user,
            decision="changes_requested",
        )
    compose.composition_decide(
        practice=world.practice,
        composition=composition,
        version_id=version.pk,
        user=world.client_contact.user,
        decision="changes_requested",
        comment="Our hours start at 8:30.",
        page=1,
    )
    composition.refresh_from_db()
    assert composition.status == CompositionStatus.CHANGES_REQUESTED
    assert ProofComment.objects.for_practice(world.practice).get().page == 1

    compose.composition_save(
        practice=world.practice,
        composition=composition,
        content={"blocks": LETTER_BLOCKS[:1], "fields": {}},
    )
    composition.refresh_from_db()
    assert composition.status == CompositionStatus.DRAFT
    # The old version can no longer be approved
    with pytest.raises(ApplicationError, match="no longer"):
        compose.composition_decide(
            practice=world.practice,
            composition=composition,
            version_id=version.pk,
            user=world.client_contact.user,
            decision="approved",
        )
    assert Approval.objects.for_practice(world.practice).count() == 1


def test_a_card_sheet_with_nobody_on_it_is_kept_as_a_draft_but_not_rendered(world, northwind):
    composition = create(
        world,
        northwind,
        kind=DocumentKind.BUSINESS_CARDS,
        content={"blocks": [], "fields": {"card_size": "85x55", "people": []}},
    )

    with pytest.raises(ApplicationError) as caught:
        compose.version_render(practice=world.practice, composition=composition)

    assert "people" in caught.value.errors
    assert not Document.objects.for_practice(world.practice).exists()


def test_a_brochure_on_a5_is_refused(world, northwind):
    with pytest.raises(ApplicationError) as caught:
        create(world, northwind, kind=DocumentKind.BROCHURE, paper="A5")

    assert "A4 or US Letter" in caught.value.errors["paper"][0]


def test_merge_fields_are_filled_from_the_client_contact_and_task(world, northwind):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.tasks.factories import TaskFactory

    task = TaskFactory(
        practice=world.practice,
        client=northwind,
        title="Board pack",
        due_at=datetime(2026, 12, 4, 17, 0, tzinfo=ZoneInfo("Australia/Sydney")),
    )
    composition = create(
        world,
        northwind,
        task=task,
        content={
            "blocks": [
                {
                    "type": "text",
                    "markdown": "Dear {{ contact.first_name }}, the {{task.title}} for "
                    "{{ client.name }} is due {{ task.due }}. {{ unknown.field }} <b>{{ x }}</b>",
                }
            ],
            "fields": {"salutation": "Dear {{ contact.name }},"},
        },
    )
    Contact = northwind.contacts.model
    Contact.objects.for_practice(world.practice).filter(client=northwind).update(name="Ana Reyes")

    context = compose.composition_context(composition, compose.version_latest(composition))

    text = context["blocks"][0]["markdown"]
    assert text.startswith("Dear Ana, the Board pack for Northwind Legal is due 4 December 2026.")
    assert "{{ unknown.field }}" in text
    assert context["fields"]["salutation"] == "Dear Ana Reyes,"


def test_the_date_is_the_clients_day_the_version_was_written(world, northwind):
    from datetime import datetime

    composition = create(world, northwind)
    version = compose.version_latest(composition)
    # 20:30 UTC on 3 December is already 4 December in Sydney
    version.created_at = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)

    assert compose.composition_context(composition, version)["date"] == "4 December 2026"
