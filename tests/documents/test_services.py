"""Asking for documents: dedupe by render key, status transitions, failure and retry."""

import io
from pathlib import Path

import pypdf
import pytest
from django.conf import settings

from documents import builtins, services
from documents.builtins import BuiltinTemplate
from documents.models import Document, DocumentKind, DocumentStatus
from documents.rendering import Brand
from secretary.errors import ApplicationError
from secretary.models import ActivityEvent
from tests.documents.conftest import TEST_SUBJECT
from tests.documents.factories import DocumentFactory, png_bytes


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def request_letter(world, letter, **overrides):
    arguments = {
        "practice": world.practice,
        "kind": DocumentKind.LETTER,
        "title": "Welcome letter",
        "subject_type": TEST_SUBJECT,
        "subject_id": world.secretary.pk,
        "context": letter,
        "requested_by": world.secretary.user,
    }
    return services.document_request_render(**{**arguments, **overrides})


@pytest.fixture
def broken_letter_template(monkeypatch):
    """Make the built-in letter template one that the restricted engine refuses."""
    broken = BuiltinTemplate(kind=DocumentKind.LETTER, source="{% include 'secrets.html' %}")
    monkeypatch.setattr("documents.tasks.builtin_template", lambda kind: broken)


def test_it_renders_a_requested_document_after_commit(
    world, letter_context, django_capture_on_commit_callbacks
):
    # When a letter is asked for (the worker runs eagerly, after commit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = request_letter(world, letter_context)
        # Then nothing runs before the transaction commits
        assert Document.objects.for_practice(world.practice).get().status == DocumentStatus.QUEUED

    # And once committed the worker makes the PDF, then (a second job) its preview, and its facts
    assert len(callbacks) == 2
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.attempts == 1
    assert document.page_count == 1
    assert document.rendered_at is not None
    assert document.size == document.file.size
    pdf = document.file.read()
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Northwind Legal" in text and "Your secretary starts on Monday." in text
    assert document.preview.read().startswith(b"\x89PNG")
    assert document.created_by == world.secretary.user
    assert (
        ActivityEvent.objects.for_practice(world.practice).filter(verb="document.requested").count()
        == 1
    )


def test_it_returns_the_ready_document_for_the_same_data_without_a_second_file(
    world, letter_context, django_capture_on_commit_callbacks
):
    # Given a rendered letter
    with django_capture_on_commit_callbacks(execute=True):
        first = request_letter(world, letter_context)
    files = stored_files()

    # When the same letter is asked for again
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = request_letter(world, dict(letter_context))

    # Then it is the same document, nothing is enqueued and no file is added
    assert second.pk == first.pk
    assert second.status == DocumentStatus.READY
    assert callbacks == []
    assert stored_files() == files
    assert Document.objects.for_practice(world.practice).count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"context": {"signature": "Grace Hopper"}},
        {"title": "Another title"},
        {"brand": Brand(primary="#aa0000")},
        {"subject_id": "other"},
    ],
)
def test_it_makes_a_new_document_when_anything_rendered_changes(
    world, letter_context, django_capture_on_commit_callbacks, change
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request_letter(world, letter_context)

    overrides = dict(change)
    if "context" in overrides:
        overrides["context"] = {**letter_context, **overrides["context"]}
    if overrides.get("subject_id") == "other":
        overrides["subject_id"] = world.owner.pk
    with django_capture_on_commit_callbacks(execute=True):
        second = request_letter(world, letter_context, **overrides)

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.pk != first.pk
    assert second.render_key != first.render_key
    assert second.status == DocumentStatus.READY
    assert second.file.name != first.file.name


def test_it_makes_a_new_document_when_the_template_changes(
    world, letter_context, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request_letter(world, letter_context)
    changed = BuiltinTemplate(kind=DocumentKind.LETTER, source="<p>{{ recipient_name }}</p>")
    monkeypatch.setattr(services, "builtin_template", lambda kind: changed)

    with django_capture_on_commit_callbacks(execute=False):
        second = request_letter(world, letter_context)

    assert second.pk != first.pk
    assert second.template_version == changed.version != first.template_version


def test_it_reuses_a_queued_document_and_enqueues_it_again(
    world, letter_context, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = request_letter(world, letter_context)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = request_letter(world, letter_context)

    assert second.pk == first.pk
    assert second.status == DocumentStatus.QUEUED
    assert len(callbacks) == 1  # a lost message is recovered; the task tolerates doubles


def test_it_does_not_enqueue_a_document_a_worker_is_rendering(
    world, letter_context, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = request_letter(world, letter_context)
    services.document_claim(practice_id=world.practice.pk, document_id=first.pk)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = request_letter(world, letter_context)

    assert second.pk == first.pk
    assert second.status == DocumentStatus.RENDERING
    assert callbacks == []


def test_a_failed_render_shows_a_readable_reason_and_can_be_retried(
    world, letter_context, django_capture_on_commit_callbacks, monkeypatch, broken_letter_template
):
    # Given a render that fails on its template
    with django_capture_on_commit_callbacks(execute=True):
        document = request_letter(world, letter_context)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.failure_reason == (
        "Line 1 uses {% include %}, which document templates may not use."
    )
    assert "Traceback" not in document.failure_reason
    assert not document.file

    # When the template is fixed and a secretary retries
    monkeypatch.setattr("documents.tasks.builtin_template", builtins.builtin_template)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_retry(
            practice=world.practice, document=document, user=world.secretary.user
        )

    # Then the same document is rendered
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.failure_reason == ""
    assert document.attempts == 2
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="document.retried", target_id=str(document.pk))
        .exists()
    )


def test_retrying_queues_the_failed_document_after_commit(
    world, django_capture_on_commit_callbacks
):
    document = DocumentFactory(practice=world.practice, failed=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.document_retry(
            practice=world.practice, document=document, user=world.secretary.user
        )

    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED
    assert document.failure_reason == ""
    assert len(callbacks) == 1


@pytest.mark.parametrize("trait", ["ready", None])
def test_it_retries_only_failed_documents(world, trait):
    document = DocumentFactory(practice=world.practice, **({trait: True} if trait else {}))

    with pytest.raises(ApplicationError, match="Only a document that failed"):
        services.document_retry(
            practice=world.practice, document=document, user=world.secretary.user
        )


def test_it_does_not_retry_another_practices_document(world):
    document = DocumentFactory(practice=world.other_practice, failed=True)

    with pytest.raises(ApplicationError):
        services.document_retry(
            practice=world.practice, document=document, user=world.secretary.user
        )

    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED


def test_asking_again_for_a_failed_document_queues_it_again(
    world, letter_context, django_capture_on_commit_callbacks, broken_letter_template
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request_letter(world, letter_context)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = request_letter(world, letter_context)

    assert second.pk == first.pk
    assert second.status == DocumentStatus.QUEUED
    assert second.failure_reason == ""
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"kind": "postcard"}, "no template for this kind"),  # a kind with no template file
        ({"brand": Brand(primary="not-a-colour")}, "is not a colour"),
        ({"brand": Brand(logo=b"GIF89a but not really")}, "not an image"),
        ({"context": {"recipient": object()}}, "can only hold text"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(
    world, letter_context, django_capture_on_commit_callbacks, change, message
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ApplicationError, match=message):
            request_letter(world, letter_context, **change)

    assert Document.objects.for_practice(world.practice).count() == 0
    assert callbacks == []


def test_it_keeps_the_logo_once_for_the_worker(
    world, letter_context, django_capture_on_commit_callbacks
):
    logo = png_bytes((30, 10))
    with django_capture_on_commit_callbacks(execute=True):
        first = request_letter(world, letter_context, brand=Brand(logo=logo))
        second = request_letter(world, letter_context, title="Second", brand=Brand(logo=logo))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == DocumentStatus.READY
    assert first.brand["logo_name"] == second.brand["logo_name"]
    assert len([path for path in stored_files() if "assets" in path.parts]) == 1
    pages = pypdf.PdfReader(io.BytesIO(first.file.read())).pages
    assert len(pages[0].images) == 1


def test_asking_again_for_a_stalled_document_queues_it_again(
    world, letter_context, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        first = request_letter(world, letter_context)
    Document.objects.for_practice(world.practice).filter(pk=first.pk).update(
        status=DocumentStatus.RENDERING,
        rendering_started_at=timezone.now() - services.STALE_RENDERING_AFTER * 2,
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = request_letter(world, letter_context)

    assert second.pk == first.pk
    assert second.status == DocumentStatus.QUEUED
    assert len(callbacks) == 1


def test_a_ready_document_gets_its_preview_once(
    world, letter_context, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = request_letter(world, letter_context)
    document.refresh_from_db()
    first = document.preview.name

    # Made again (a redelivered job), the preview stays the one already kept
    again = services.document_make_preview(practice_id=world.practice.pk, document_id=document.pk)

    assert again.preview.name == first
    assert len([path for path in stored_files() if path.suffix == ".png"]) == 1


def test_the_preview_view_makes_a_preview_its_job_never_made(
    world, letter_context, django_capture_on_commit_callbacks, secretary_client
):
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        document = request_letter(world, letter_context)
    # The preview job was lost: ready, with no preview
    Document.objects.for_practice(world.practice).filter(pk=document.pk).update(preview="")

    response = secretary_client.get(
        reverse(
            "document_preview",
            kwargs={"practice_slug": world.practice.slug, "document_id": document.pk},
        )
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    document.refresh_from_db()
    assert document.preview.name.endswith(".png")


def test_no_preview_is_made_for_a_document_that_is_not_ready(world):
    document = DocumentFactory(practice=world.practice, status=DocumentStatus.QUEUED)

    assert (
        services.document_make_preview(practice_id=world.practice.pk, document_id=document.pk)
        is None
    )
