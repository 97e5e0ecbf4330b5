"""Values kept in the shared cache under a version of what they depend on, one per practice.

A write to the rows a kept value depends on calls ``bump``: the practice gets a new version
once the transaction commits, and the values kept under the old one are never read again
(they expire). Until it commits, the writing transaction reads around the cache (``pending``):
it must see its own writes, and nothing it computes is stored, so a rollback leaves no trace.
A version missing from the cache (evicted, first use) is a new one: nothing stale can be read.
While Redis is down (the cache falls back to each process's memory) nothing is read from the
cache, and a version a process could not renew is renewed when Redis answers again (a process
that ends before that leaves the old values readable until they expire).

``shared`` names versions every practice's version includes: a change that is no single
practice's (a user's time zone) renews them all through one key.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from django.core.cache import cache
from django.db import transaction


class PracticeVersions:
    """The versions of one kind of kept value (``name``, the prefix of its keys)."""

    def __init__(self, name: str, *, shared: tuple[str, ...] = ()):
        self.name = name
        self.shared = shared
        # Where a connection lists the renewals its transaction owes (at commit).
        self.pending_attribute = f"_pending_versions_{name}"
        # Versions this process could not renew while Redis was down.
        self._owed: set[Hashable] = set()
        self._afresh = contextvars.ContextVar(f"{name}:afresh", default=False)

    @contextlib.contextmanager
    def afresh(self) -> Iterator[None]:
        """Within it, values are computed and not stored, as for a transaction that changed
        what they read (the bench measures a page so, as its first visit after a write)."""
        token = self._afresh.set(True)
        try:
            yield
        finally:
            self._afresh.reset(token)

    def _version_key(self, part: Hashable) -> str:
        return f"{self.name}:version:{part}"

    def version(self, practice_id: int) -> str:
        """The practice's current version (a new one when the cache has none)."""
        keys = [self._version_key(part) for part in (practice_id, *self.shared)]
        found = cache.get_many(keys)
        parts = []
        for key in keys:
            token = found.get(key)
            if token is None:
                cache.add(key, uuid.uuid4().hex, timeout=None)
                token = cache.get(key) or uuid.uuid4().hex
            parts.append(token)
        return ".".join(parts)

    def kept(self, practice_id: int, name: str, compute: Callable[[], Any], timeout: int) -> Any:
        """``compute()``'s value for the practice's current version, from the cache when it
        holds it (``name`` says what, besides the version), for at most ``timeout`` seconds.
        Computed afresh, and not stored, while this transaction changed what it depends on or
        Redis does not answer."""
        if self._afresh.get() or self.pending(practice_id) or not self.usable():
            return compute()
        key = f"{self.name}:{practice_id}:{self.version(practice_id)}:{name}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, timeout=timeout)
        return value

    def usable(self) -> bool:
        """Whether the shared cache answers. While Redis is down the cache is this process's
        memory, which other processes' writes do not renew: then values are computed afresh."""
        if _redis_down():
            return False
        for part in list(self._owed):
            self._owed.discard(part)
            self._bump_now(part)
        return not _redis_down()

    def _bump_now(self, part: Hashable) -> None:
        cache.set(self._version_key(part), uuid.uuid4().hex, timeout=None)
        if _redis_down():
            self._owed.add(part)

    def bump(self, part: Hashable | None) -> None:
        """What the practice's values depend on changed (``part``: its id, or one of
        ``shared``): a new version after the commit (at once outside a transaction); until then
        this transaction reads around the cache."""
        if part is None:
            return
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            self._bump_now(part)
            return
        if self._pending(part):  # this transaction renews it already
            return
        waiting = self._waiting(connection)

        def committed() -> None:
            self._waiting(connection).pop(part, None)
            self._bump_now(part)

        waiting[part] = committed
        transaction.on_commit(committed)

    def _waiting(self, connection) -> dict:
        found = getattr(connection, self.pending_attribute, None)
        if found is None:
            found = {}
            setattr(connection, self.pending_attribute, found)
        return found

    def pending(self, practice_id: int) -> bool:
        """Whether this transaction changed what the practice's values depend on (not yet
        committed)."""
        return any(self._pending(part) for part in (practice_id, *self.shared))

    def _pending(self, part: Hashable) -> bool:
        connection = transaction.get_connection()
        waiting = getattr(connection, self.pending_attribute, None)
        if not waiting or part not in waiting:
            return False
        callback = waiting[part]
        # A rolled-back transaction (or savepoint) drops its callbacks: then nothing is pending.
        if connection.in_atomic_block and any(
            c is callback for _s, c, *_r in connection.run_on_commit
        ):
            return True
        waiting.pop(part, None)
        return False


def _redis_down() -> bool:
    check = getattr(cache, "_redis_is_down", None)  # ``secretary.cache.FallbackRedisCache``
    return bool(check and check())
