"""Helpers of the PostgreSQL concurrency tests: threads stand in for simultaneous requests, and
the test waits (with a deadline, never a sleep of fixed length) until one blocks on another."""

from __future__ import annotations

import time

from django.db import connection

from secretary import rls

DEADLINE = 20.0


def backend_is_waiting_for_a_lock(pid: int) -> bool:
    # As the connecting role: the app's role sees no other session's wait state.
    with rls.owner_role(), connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def wait_for(predicate, what: str, deadline: float = DEADLINE) -> None:
    ends = time.monotonic() + deadline
    while not predicate():
        if time.monotonic() > ends:
            raise AssertionError(f"Timed out waiting for {what}.")
        time.sleep(0.02)
