"""The render task: idempotent, one file per document, transient errors retried."""

from datetime import timedelta
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from documents import rendering, services
from documents.models import Document, DocumentKind, DocumentStatus
from documents.tasks import MAX_RETRIES, render_document
from tests.documents.conftest import LETTER


def stored_pdfs() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(root.rglob("*.pdf")) if root.exists() else []


@pytest.fixture
def queued(world, django_capture_on_commit_callbacks) -> Document:
    """A letter asked for, its task not run yet."""
    with django_capture_on_commit_callbacks(execute=False):
        return services.document_request_render(
            practice=world.practice,
            kind=DocumentKind.LETTER,
            title="Welcome letter",
            context=LETTER,
            requested_by=world.secretary.user,
        )


def run(document: Document) -> str:
    return render_document.apply(
        kwargs={"practice_id": document.practice_id, "document_id": document.pk}
    ).get()


def test_it_renders_a_queued_document(queued):
    assert run(queued) == "ready"

    queued.refresh_from_db()
    assert queued.status == DocumentStatus.READY
    assert queued.file.name.startswith(f"documents/{queued.practice_id}/")
    assert queued.file.name.endswith(".pdf")
    assert queued.checksum and queued.size and queued.page_count == 1


def test_it_does_not_render_a_ready_document_again(queued):
    # Given a rendered document
    run(queued)
    queued.refresh_from_db()
    file_name = queued.file.name

    # When the task runs again (a duplicate message)
    assert run(queued) == "skipped"

    # Then nothing changed and there is still one file
    queued.refresh_from_db()
    assert queued.file.name == file_name
    assert queued.attempts == 1
    assert len(stored_pdfs()) == 1


def test_a_concurrent_second_run_finds_the_document_taken(queued):
    # Given one run has moved the document to rendering
    claimed = services.document_claim(practice_id=queued.practice_id, document_id=queued.pk)
    assert claimed.status == DocumentStatus.RENDERING

    # When a second run starts meanwhile, it does nothing
    assert run(queued) == "skipped"
    assert stored_pdfs() == []

    # And the first run completes with the only file
    result = rendering.render_document(template_source="<p>x</p>", context={})
    assert services.document_store_result(document=claimed, result=result)
    assert len(stored_pdfs()) == 1


def test_it_claims_again_a_document_left_rendering_by_a_dead_worker(queued):
    services.document_claim(practice_id=queued.practice_id, document_id=queued.pk)
    Document.objects.for_practice(queued.practice_id).filter(pk=queued.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )

    assert run(queued) == "ready"

    queued.refresh_from_db()
    assert queued.status == DocumentStatus.READY
    assert queued.attempts == 2


def test_a_run_that_lost_its_claim_leaves_no_file(queued):
    # Given a run whose claim was taken over by another one
    stale = services.document_claim(practice_id=queued.practice_id, document_id=queued.pk)
    Document.objects.for_practice(queued.practice_id).filter(pk=queued.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    fresh = services.document_claim(practice_id=queued.practice_id, document_id=queued.pk)
    assert fresh is not None

    # When the old run finishes, its result is dropped with its files
    result = rendering.render_document(template_source="<p>x</p>", context={})
    assert not services.document_store_result(document=stale, result=result)
    assert stored_pdfs() == []


def test_it_ignores_a_document_of_another_practice(world, queued):
    result = render_document.apply(
        kwargs={"practice_id": world.other_practice.pk, "document_id": queued.pk}
    ).get()

    assert result == "skipped"
    queued.refresh_from_db()
    assert queued.status == DocumentStatus.QUEUED


@pytest.fixture
def worker_like_retries():
    """Eager mode re-raises ``Retry`` when errors propagate; a worker schedules the retry."""
    from secretary.celery import app

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates


def test_it_retries_a_transient_storage_error(queued, monkeypatch, worker_like_retries):
    # Given storage fails twice, then works
    failures = iter([OSError("disk busy"), OSError("disk busy")])
    real_store = services.document_store_result

    def flaky_store(**kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real_store(**kwargs)

    monkeypatch.setattr(services, "document_store_result", flaky_store)

    # When the task runs (eager: retries run at once)
    assert run(queued) == "ready"

    # Then the document is ready after three attempts
    queued.refresh_from_db()
    assert queued.status == DocumentStatus.READY
    assert queued.attempts == 3


def test_it_gives_up_on_a_lasting_storage_error_with_a_reason(
    queued, monkeypatch, worker_like_retries
):
    def broken_store(**kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(services, "document_store_result", broken_store)

    assert run(queued) == "failed"

    queued.refresh_from_db()
    assert queued.status == DocumentStatus.FAILED
    assert queued.attempts == MAX_RETRIES + 1
    assert queued.failure_reason == "A temporary problem stopped the rendering. Try again."


def test_it_fails_a_render_that_takes_too_long(queued, monkeypatch):
    def slow(**kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(rendering, "render_document", slow)

    assert run(queued) == "failed"

    queued.refresh_from_db()
    assert queued.status == DocumentStatus.FAILED
    assert "took too long" in queued.failure_reason


def test_an_unexpected_error_fails_with_a_readable_reason_not_a_trace(queued, monkeypatch):
    def crash(**kwargs):
        raise ZeroDivisionError("internal detail")

    monkeypatch.setattr(rendering, "render_document", crash)

    assert run(queued) == "failed"

    queued.refresh_from_db()
    assert queued.status == DocumentStatus.FAILED
    assert "unexpected error" in queued.failure_reason
    assert "internal detail" not in queued.failure_reason
    assert "ZeroDivisionError" not in queued.failure_reason


def test_it_fails_when_the_logo_has_gone_missing(world, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from tests.documents.factories import png_bytes

    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request_render(
            practice=world.practice,
            kind=DocumentKind.LETTER,
            title="Letter",
            context=LETTER,
            brand=rendering.Brand(logo=png_bytes()),
        )
    default_storage.delete(document.brand["logo_name"])

    assert run(document) == "failed"

    document.refresh_from_db()
    assert document.failure_reason == "The logo of this document's brand kit is missing."


def test_it_goes_to_the_documents_queue():
    from secretary.celery import app

    route = app.amqp.router.route({}, render_document.name)
    assert route["queue"].name == "documents"
    assert render_document.acks_late is True
    assert render_document.time_limit and render_document.soft_time_limit


# --- Leases: a worker that dies mid-render ------------------------------------------------------


class RetryLater(Exception):
    def __init__(self, countdown):
        self.countdown = countdown


def run_as_worker(document: Document, monkeypatch):
    """Run the task as a worker does (not in-process), catching the retry it schedules."""

    def retry(*args, countdown=None, **kwargs):
        raise RetryLater(countdown)

    monkeypatch.setattr(render_document, "retry", retry)
    render_document.push_request(id="redelivered", is_eager=False, called_directly=False)
    try:
        return render_document.run(practice_id=document.practice_id, document_id=document.pk)
    finally:
        render_document.pop_request()


def test_a_claim_is_a_lease_of_the_configured_length(queued, settings):
    settings.DOCUMENT_RENDER_LEASE_SECONDS = 90
    before = timezone.now()
    claimed = services.document_claim(practice_id=queued.practice_id, document_id=queued.pk)
    assert before + timedelta(seconds=89) < claimed.claimed_until
    assert claimed.claimed_until < timezone.now() + timedelta(seconds=91)


def test_a_redelivered_message_comes_back_when_the_lease_expires(queued, monkeypatch):
    # Given a document claimed by a worker that has since died (its lease still runs)
    services.document_claim(practice_id=queued.practice_id, document_id=queued.pk)

    # When the message is delivered again to another worker
    with pytest.raises(RetryLater) as retried:
        run_as_worker(queued, monkeypatch)

    # Then it is retried once the lease has expired, instead of being dropped
    lease_left = services.STALE_RENDERING_AFTER.total_seconds()
    assert lease_left - 5 < retried.value.countdown <= lease_left + 1
    queued.refresh_from_db()
    assert queued.status == DocumentStatus.RENDERING


def test_a_redelivered_message_of_a_ready_document_does_nothing(queued, monkeypatch):
    run(queued)
    assert run_as_worker(queued, monkeypatch) == "skipped"
    assert len(stored_pdfs()) == 1


def test_the_sweep_queues_again_a_document_whose_lease_expired(
    world, queued, django_capture_on_commit_callbacks
):
    from documents.tasks import requeue_stalled_documents

    # Given a document whose worker died (lease expired), and one being rendered (lease live)
    services.document_claim(practice_id=queued.practice_id, document_id=queued.pk)
    Document.objects.for_practice(queued.practice_id).filter(pk=queued.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    busy = services.document_request_render(
        practice=world.practice,
        kind=DocumentKind.LETTER,
        title="Busy letter",
        context={**LETTER, "subject": "Busy"},
    )
    services.document_claim(practice_id=busy.practice_id, document_id=busy.pk)

    # When the sweep runs (beat), then only the stalled one is queued again, and rendered
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stalled_documents() == 1
    queued.refresh_from_db()
    assert queued.status == DocumentStatus.READY
    assert queued.attempts == 2
    busy.refresh_from_db()
    assert busy.status == DocumentStatus.RENDERING


def test_the_sweep_is_on_the_beat_schedule():
    from secretary.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"documents.tasks.requeue_stalled_documents", "secretary.tasks.relay_outbox"} <= tasks


def test_the_worker_imports_weasyprint_before_it_forks():
    from celery.signals import worker_init, worker_process_init

    from documents.tasks import _import_weasyprint

    assert _import_weasyprint in worker_init._live_receivers(None)
    assert _import_weasyprint not in worker_process_init._live_receivers(None)
