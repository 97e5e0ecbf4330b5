"""The renderer's page and time limits: a document past either fails with a readable reason
(the one the document list shows), and never ties up a worker without end."""

import signal

import pytest

from documents import rendering, services
from documents.models import DocumentKind, DocumentStatus
from documents.rendering import DocumentTooLong, RenderError, render_document
from documents.tasks import render_document as render_task
from tests.documents.conftest import LETTER

PAGES = "{% for page in pages %}<p style='page-break-after: always'>Page {{ page }}</p>{% endfor %}"


def test_it_refuses_a_document_longer_than_the_page_limit(monkeypatch):
    # Given a page limit of 3
    monkeypatch.setattr(rendering, "MAX_PAGES", 3)
    # When a four-page document is rendered
    with pytest.raises(DocumentTooLong) as error:
        render_document(template_source=PAGES, context={"pages": [1, 2, 3, 4]})
    # Then it fails with a reason naming the limit
    assert "more than 3 pages" in error.value.message
    assert isinstance(error.value, RenderError)


def test_it_renders_a_document_at_the_page_limit(monkeypatch):
    # Given a page limit of 3, when a three-page document is rendered, then it is made
    monkeypatch.setattr(rendering, "MAX_PAGES", 3)
    result = render_document(template_source=PAGES, context={"pages": [1, 2, 3]})
    assert result.page_count == 3


def test_it_holds_the_default_limits_to_two_hundred_pages_and_a_minute():
    assert rendering.MAX_PAGES == 200
    assert rendering.RENDER_SECONDS == 60


def test_it_stops_a_layout_that_takes_longer_than_the_time_limit(monkeypatch):
    # Given a layout that takes longer than the time limit (a moment)
    monkeypatch.setattr(rendering, "RENDER_SECONDS", 0.05)
    many = list(range(400))
    # When it is rendered
    with pytest.raises(DocumentTooLong) as error:
        render_document(template_source=PAGES, context={"pages": many})
    # Then it fails with a reason naming the limit, and no timer is left behind
    assert "took longer than" in error.value.message
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)


@pytest.mark.django_db
def test_it_fails_a_document_past_the_page_limit_with_the_reason(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a letter asked for, and a page limit below its length
    with django_capture_on_commit_callbacks(execute=False):
        queued = services.document_request_render(
            practice=world.practice,
            kind=DocumentKind.LETTER,
            title="Welcome letter",
            context=LETTER,
            requested_by=world.secretary.user,
        )
    monkeypatch.setattr(rendering, "MAX_PAGES", 0)
    # When its render task runs
    outcome = render_task.apply(
        kwargs={"practice_id": queued.practice_id, "document_id": queued.pk}
    ).get()
    assert outcome == "failed"
    # Then the document failed with the readable reason
    queued.refresh_from_db()
    assert queued.status == DocumentStatus.FAILED
    assert "more than 0 pages" in queued.failure_reason
