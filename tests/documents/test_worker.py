"""A real Celery worker renders the service agreement of a proposed engagement.

Runs where Redis and PostgreSQL are up (CI runs it): the ``celery_worker_live`` fixture starts
a worker on the ``default`` and ``documents`` queues against the test database.
"""

import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest

from clients import services as client_services
from documents.models import Document, DocumentKind, DocumentStatus
from tests.clients.factories import ClientFactory, EngagementFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_proposal_email(monkeypatch):
    """The clients app emails the proposal too; that is not under test here."""
    from clients.tasks import notify_engagement_proposed

    monkeypatch.setattr(notify_engagement_proposed, "apply_async", lambda *args, **kwargs: None)


def test_a_real_worker_renders_the_agreement_of_a_proposed_engagement(world, celery_worker_live):
    # Given a US client buying Australian business hours
    client = ClientFactory(
        practice=world.practice,
        name="Northwind Legal",
        time_zone="America/Los_Angeles",
        currency="AUD",
    )
    engagement = EngagementFactory(
        practice=world.practice,
        client=client,
        version=1,
        currency="AUD",
        monthly_fee=Decimal("1200.00"),
        included_hours=Decimal("20.00"),
        coverage_time_zone="Australia/Sydney",
        start_date=date(2026, 12, 1),
        weekdays=range(5),
    )

    # When a secretary proposes it (the render is sent to the worker once this commits)
    client_services.engagement_propose(
        practice=world.practice, actor=world.secretary, engagement=engagement
    )
    document = Document.objects.for_practice(world.practice).get(
        kind=DocumentKind.SERVICE_AGREEMENT, subject_id=engagement.pk
    )

    def finished():
        document.refresh_from_db()
        return document.status in (DocumentStatus.READY, DocumentStatus.FAILED)

    celery_worker_live.wait_for(finished, timeout=90, what="the service agreement PDF")

    # Then the worker produced the PDF, and it holds the client, the fee and the hours
    assert document.status == DocumentStatus.READY, document.failure_reason
    assert document.attempts == 1
    with document.file.open("rb") as handle:
        pdf = handle.read()
    assert len(pdf) == document.size
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Northwind Legal" in text
    assert "AUD 1,200.00" in text
    assert "Mon\u2013Fri 09:00\u201317:00 Australia/Sydney" in text

    # And its preview follows, as a job of its own after the document is ready
    def previewed():
        document.refresh_from_db()
        return bool(document.preview)

    celery_worker_live.wait_for(previewed, timeout=60, what="the agreement's preview")
    with document.preview.open("rb") as handle:
        assert handle.read().startswith(b"\x89PNG")
