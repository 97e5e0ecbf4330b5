"""Two workers racing for one document: only one moves it to rendering (on PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from documents import services
from documents.models import DocumentStatus
from secretary import rls
from secretary.tenancy import practice_scope
from tests.documents.factories import DocumentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def wait_until(condition, timeout: float = 10.0) -> None:
    """Wait for a database condition with a deadline (a condition, not a fixed pause)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        threading.Event().wait(0.01)


def test_a_second_claim_waits_for_the_first_and_then_finds_nothing_to_do(world):
    document = DocumentFactory(practice=world.practice)
    first_claimed, release_first = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first_worker():
        try:
            # Hold the claimed row's lock until told to commit; each worker runs in the practice.
            with transaction.atomic(), practice_scope(world.practice):
                results["first"] = services.document_claim(
                    practice_id=world.practice.pk, document_id=document.pk
                )
                first_claimed.set()
                release_first.wait(10)
        finally:
            connections.close_all()

    def second_worker():
        try:
            with practice_scope(world.practice):
                results["second"] = services.document_claim(
                    practice_id=world.practice.pk, document_id=document.pk
                )
        finally:
            connections.close_all()

    # Given a worker that has claimed the document and not committed yet
    first = threading.Thread(target=first_worker)
    first.start()
    assert first_claimed.wait(10)

    # When a second worker tries to claim it, it blocks on the row
    second = threading.Thread(target=second_worker)
    second.start()

    def second_is_blocked() -> bool:
        # As the connecting role: the app's role sees no other session's wait state.
        with rls.owner_role(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            return cursor.fetchone()[0] > 0

    wait_until(second_is_blocked)
    release_first.set()
    first.join(10)
    second.join(10)

    # Then only the first owns the render
    assert results["first"] is not None
    assert results["second"] is None
    document.refresh_from_db()
    assert document.status == DocumentStatus.RENDERING
    assert document.attempts == 1
