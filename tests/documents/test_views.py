"""Staff views of documents: list, live status fragment, downloads, retry."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import STALE_RENDERING_AFTER, DocumentKind, DocumentStatus
from secretary.models import ActivityEvent
from tests.clients.factories import ClientFactory
from tests.conftest import client_for
from tests.documents.conftest import TEST_SUBJECT
from tests.documents.factories import FAKE_PDF, DocumentFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def subject_kwargs(world) -> dict:
    return {"subject_type": TEST_SUBJECT, "subject_id": world.secretary.pk}


def about_subject(world, **fields):
    return DocumentFactory(
        practice=world.practice, subject_type=TEST_SUBJECT, subject_id=world.secretary.pk, **fields
    )


def test_it_checks_ownership(world, outsider_client, contact_client):
    ready = about_subject(world, ready=True)
    failed = about_subject(world, failed=True)
    gets = [
        url("documents", world),
        url("subject_documents", world, **subject_kwargs(world)),
        url("document_download", world, document_id=ready.pk),
        url("document_preview", world, document_id=ready.pk),
    ]
    retry = url("document_retry", world, document_id=failed.pk)

    # a member of another practice and a client contact see nothing of the staff side
    for client in (outsider_client, contact_client):
        for address in gets:
            assert client.get(address).status_code == 404, address
        assert client.post(retry).status_code == 404
    failed.refresh_from_db()
    assert failed.status == DocumentStatus.FAILED

    # every staff role gets in (secretary is the lowest staff role, there is no lower one)
    for membership in (world.secretary, world.admin, world.owner):
        staff = client_for(membership.user)
        for address in gets:
            assert staff.get(address).status_code == 200, address


def test_it_hides_another_practices_document_even_from_its_own_slug(world, outsider_client):
    ready = about_subject(world, ready=True)

    # the outsider names its own practice with practice A's ids
    response = outsider_client.get(
        reverse(
            "document_download",
            kwargs={"practice_slug": world.other_practice.slug, "document_id": ready.pk},
        )
    )
    assert response.status_code == 404
    response = outsider_client.get(
        reverse(
            "subject_documents",
            kwargs={"practice_slug": world.other_practice.slug, **subject_kwargs(world)},
        )
    )
    assert response.status_code == 404


# --- Downloads -----------------------------------------------------------------------------


def test_it_serves_the_pdf_to_staff_as_an_attachment(world, secretary_client):
    document = about_subject(world, ready=True, title="Service agreement \u2013 Northwind v1")

    response = secretary_client.get(url("document_download", world, document_id=document.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="service-agreement-northwind-v1.pdf"'
    )
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_it_serves_the_preview_inline(world, secretary_client):
    document = about_subject(world, ready=True)

    response = secretary_client.get(url("document_preview", world, document_id=document.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("trait", [{}, {"failed": True}, {"status": DocumentStatus.RENDERING}])
def test_it_has_nothing_to_download_until_ready(world, secretary_client, trait):
    document = about_subject(world, **trait)

    for name in ("document_download", "document_preview"):
        assert secretary_client.get(url(name, world, document_id=document.pk)).status_code == 404


def test_it_answers_404_when_the_stored_file_has_gone(world, secretary_client):
    document = about_subject(world, ready=True)
    document.file.delete(save=False)
    document.file.name = "documents/missing.pdf"
    document.save(update_fields=["file"])

    response = secretary_client.get(url("document_download", world, document_id=document.pk))

    assert response.status_code == 404


def test_staff_views_of_a_regulated_clients_document_are_audited(world, secretary_client):
    regulated = ClientFactory(practice=world.practice, is_regulated=True, specialty="medical")
    plain = ClientFactory(practice=world.practice)
    audited = about_subject(world, ready=True, client=regulated)
    not_audited = about_subject(world, ready=True, client=plain)

    secretary_client.get(url("document_download", world, document_id=audited.pk))
    secretary_client.get(url("document_preview", world, document_id=audited.pk))
    secretary_client.get(url("document_download", world, document_id=not_audited.pk))

    events = ActivityEvent.objects.for_practice(world.practice).filter(verb="client.records_viewed")
    assert [(event.target_id, event.actor) for event in events] == [
        (str(regulated.pk), world.secretary.user)
    ] * 2


def test_downloads_answer_only_get(world, secretary_client):
    document = about_subject(world, ready=True)

    response = secretary_client.post(url("document_download", world, document_id=document.pk))

    assert response.status_code == 405


# --- The live status fragment --------------------------------------------------------------


@pytest.mark.parametrize("status", [DocumentStatus.QUEUED, DocumentStatus.RENDERING])
def test_the_fragment_polls_every_two_seconds_while_a_document_is_pending(
    world, secretary_client, status
):
    about_subject(world, ready=True, title="Older version")
    about_subject(world, status=status, title="Newer version")

    response = secretary_client.get(
        url("subject_documents", world, **subject_kwargs(world)), **HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in body
    assert f'hx-get="{url("subject_documents", world, **subject_kwargs(world))}"' in body
    assert "<html" not in body  # a fragment, not a page
    assert body.index("Newer version") < body.index("Older version")


def test_the_fragment_stops_polling_once_nothing_is_pending(world, secretary_client):
    ready = about_subject(world, ready=True, title="Service agreement v1")
    about_subject(world, failed=True, title="Service agreement v2")

    response = secretary_client.get(
        url("subject_documents", world, **subject_kwargs(world)), **HTMX
    )

    body = response.content.decode()
    assert "hx-trigger" not in body
    assert url("document_download", world, document_id=ready.pk) in body
    assert url("document_preview", world, document_id=ready.pk) in body
    assert "Line 1 uses {% include %}" in body  # the failure reason
    assert "Retry" in body


def test_the_fragment_shows_only_this_subjects_documents(world, secretary_client):
    about_subject(world, ready=True, title="About the secretary")
    DocumentFactory(
        practice=world.practice,
        subject_type=TEST_SUBJECT,
        subject_id=world.owner.pk,
        title="About the owner",
    )
    DocumentFactory(
        practice=world.other_practice,
        subject_type=TEST_SUBJECT,
        subject_id=world.secretary.pk,
        title="Other practice's document",
    )

    body = secretary_client.get(
        url("subject_documents", world, **subject_kwargs(world)), **HTMX
    ).content.decode()

    assert "About the secretary" in body
    assert "About the owner" not in body
    assert "Other practice" not in body


def test_the_fragment_runs_the_same_queries_for_one_or_many_documents(
    world, secretary_client, django_assert_num_queries
):
    address = url("subject_documents", world, **subject_kwargs(world))
    about_subject(world, ready=True)
    with CaptureQueriesContext(connection) as one:
        secretary_client.get(address, **HTMX)

    for _ in range(10):
        about_subject(world, ready=True)
        about_subject(world, failed=True)
    with django_assert_num_queries(len(one)):
        response = secretary_client.get(address, **HTMX)

    assert response.content.decode().count("<article") == 21


def test_the_fragment_is_a_page_without_htmx(world, secretary_client):
    about_subject(world, ready=True, title="Plain page")

    response = secretary_client.get(url("subject_documents", world, **subject_kwargs(world)))

    body = response.content.decode()
    assert "<html" in body and "Plain page" in body
    assert "css/documents.css" in body


@pytest.mark.parametrize(
    "kwargs",
    [
        {"subject_type": "tests.unknown", "subject_id": 1},
        {"subject_type": TEST_SUBJECT, "subject_id": 999_999},
    ],
)
def test_the_fragment_answers_404_for_a_subject_that_is_not_there(world, secretary_client, kwargs):
    response = secretary_client.get(url("subject_documents", world, **kwargs), **HTMX)

    assert response.status_code == 404


def test_the_include_loads_the_fragment_from_the_staff_url(world):
    # Given a staff page including the partial as other apps do
    request = RequestFactory().get("/")
    request.practice, request.membership = world.practice, world.secretary

    html = render_to_string(
        "documents/partials/subject_documents.html",
        {"subject_type": TEST_SUBJECT, "subject_id": world.secretary.pk},
        request=request,
    )

    assert f'hx-get="{url("subject_documents", world, **subject_kwargs(world))}"' in html
    assert 'hx-trigger="load"' in html
    assert "css/documents.css" in html


# --- Retry ---------------------------------------------------------------------------------


def test_retry_queues_the_document_and_returns_the_polling_fragment(
    world, secretary_client, django_capture_on_commit_callbacks
):
    failed = about_subject(world, failed=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = secretary_client.post(
            url("document_retry", world, document_id=failed.pk), **HTMX
        )

    failed.refresh_from_db()
    assert failed.status == DocumentStatus.QUEUED
    assert len(callbacks) == 1
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in response.content.decode()


def test_retry_of_a_document_already_queued_just_shows_its_status(
    world, secretary_client, django_capture_on_commit_callbacks
):
    queued = about_subject(world)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = secretary_client.post(
            url("document_retry", world, document_id=queued.pk), **HTMX
        )

    assert response.status_code == 200
    assert callbacks == []
    assert 'hx-trigger="every 2s"' in response.content.decode()


def test_retry_without_htmx_redirects_back_safely(
    world, secretary_client, django_capture_on_commit_callbacks
):
    failed = about_subject(world, failed=True)
    another = about_subject(world, failed=True)
    back = url("documents", world) + "?status=failed"

    with django_capture_on_commit_callbacks(execute=False):
        response = secretary_client.post(
            url("document_retry", world, document_id=failed.pk), {"next": back}
        )
        elsewhere = secretary_client.post(
            url("document_retry", world, document_id=another.pk),
            {"next": "https://evil.example.com/"},
        )

    assert response.status_code == 302 and response["Location"] == back
    assert elsewhere.status_code == 302 and elsewhere["Location"] == url("documents", world)


def test_retry_answers_only_post(world, secretary_client):
    failed = about_subject(world, failed=True)

    response = secretary_client.get(url("document_retry", world, document_id=failed.pk))

    assert response.status_code == 405
    failed.refresh_from_db()
    assert failed.status == DocumentStatus.FAILED


# --- The documents list --------------------------------------------------------------------


def test_the_list_filters_by_kind_and_status(world, secretary_client):
    about_subject(world, ready=True, title="Ready letter")
    about_subject(world, failed=True, title="Failed letter")
    DocumentFactory(
        practice=world.practice, kind=DocumentKind.SERVICE_AGREEMENT, title="Queued agreement"
    )
    DocumentFactory(practice=world.other_practice, title="Other practice letter")

    everything = secretary_client.get(url("documents", world)).content.decode()
    failed = secretary_client.get(url("documents", world), {"status": "failed"}).content.decode()
    agreements = secretary_client.get(
        url("documents", world), {"kind": "service_agreement"}
    ).content.decode()

    assert all(
        title in everything for title in ("Ready letter", "Failed letter", "Queued agreement")
    )
    assert "Other practice letter" not in everything
    assert "Failed letter" in failed and "Ready letter" not in failed
    assert "Queued agreement" in agreements and "Ready letter" not in agreements


def test_the_list_filters_by_client_of_this_practice_only(world, secretary_client):
    northwind = ClientFactory(practice=world.practice, name="Northwind Legal")
    contoso = ClientFactory(practice=world.practice, name="Contoso Dental")
    foreign = ClientFactory(practice=world.other_practice, name="Foreign Client")
    about_subject(world, client=northwind, title="Northwind agreement")
    about_subject(world, client=contoso, title="Contoso agreement")

    northwind_only = secretary_client.get(url("documents", world), {"client": northwind.pk})
    forged = secretary_client.get(url("documents", world), {"client": foreign.pk})

    body = northwind_only.content.decode()
    assert "Northwind agreement" in body and "Contoso agreement" not in body
    assert "Foreign Client" not in body  # not even offered as a choice
    assert "Select a valid choice" in forged.content.decode()
    assert "Northwind agreement" not in forged.content.decode()


def test_the_list_explains_a_bad_filter_instead_of_failing(world, secretary_client):
    about_subject(world, ready=True, title="Ready letter")

    response = secretary_client.get(url("documents", world), {"status": "exploded"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_list_runs_the_same_queries_for_one_or_many_documents(
    world, secretary_client, django_assert_num_queries
):
    about_subject(world, ready=True, created_by=world.secretary.user)
    with CaptureQueriesContext(connection) as one:
        secretary_client.get(url("documents", world))

    for index in range(15):
        client = ClientFactory(practice=world.practice, name=f"Client {index}")
        about_subject(world, ready=True, created_by=world.owner.user, client=client)
        about_subject(world, failed=True)
    with django_assert_num_queries(len(one)):
        response = secretary_client.get(url("documents", world))

    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 1 + 31


def test_the_list_pages_long_lists(world, secretary_client):
    for index in range(55):
        about_subject(world, title=f"Document {index:02d}")

    first = secretary_client.get(url("documents", world)).content.decode()
    second = secretary_client.get(url("documents", world), {"page": 2}).content.decode()

    assert "Document 54" in first and "Document 04" not in first
    assert "Document 04" in second
    assert "Page 2 of 2" in second


def test_a_stalled_render_stops_polling_and_offers_retry(
    world, secretary_client, django_capture_on_commit_callbacks
):
    # Given a document left "rendering" by a worker that died long ago
    stalled = about_subject(
        world,
        status=DocumentStatus.RENDERING,
        rendering_started_at=timezone.now() - STALE_RENDERING_AFTER * 2,
    )
    address = url("subject_documents", world, **subject_kwargs(world))

    # Then the fragment stops polling and offers a retry
    body = secretary_client.get(address, **HTMX).content.decode()
    assert "hx-trigger" not in body
    assert "The rendering stopped without finishing." in body

    # And retrying queues it again
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        secretary_client.post(url("document_retry", world, document_id=stalled.pk), **HTMX)
    stalled.refresh_from_db()
    assert stalled.status == DocumentStatus.QUEUED
    assert len(callbacks) == 1


def test_a_render_in_progress_cannot_be_retried(world, secretary_client):
    rendering = about_subject(
        world, status=DocumentStatus.RENDERING, rendering_started_at=timezone.now()
    )

    body = secretary_client.get(
        url("subject_documents", world, **subject_kwargs(world)), **HTMX
    ).content.decode()
    secretary_client.post(url("document_retry", world, document_id=rendering.pk))

    assert "Retry" not in body
    rendering.refresh_from_db()
    assert rendering.status == DocumentStatus.RENDERING
