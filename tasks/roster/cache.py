"""The practice's gaps, kept per week in the cache under a version the roster's writes change;
under the same version, a client's cover (the portal) and a member's planned duties from an
hour on (the dashboard), which the same rows decide.

A week's gaps (every active engagement, Monday 00:00 to Monday 00:00 UTC) depend only on rows
of the database: engagements and their coverage windows, shifts and their exceptions,
rotations and their members, availability, time off, clients' names and members' zones. Each
save or delete of one of those rows (the receivers in ``tasks.apps``) and each bulk write of
the roster's services calls ``bump``, which gives the practice a new version once the
transaction commits; the cached weeks of the old version are never read again (they expire).

Until it commits, the writing transaction reads around the cache (``pending``): it must see
its own writes, and nothing it computes is stored, so a rollback leaves no trace. A version
missing from the cache (evicted, first use) is a new one: nothing stale can be read. While
Redis is down (the cache falls back to each process's memory) nothing is read from the cache,
and a version a process could not renew is renewed when Redis answers again (a process that
ends before that leaves the old weeks readable until they expire: ``WEEK_TIMEOUT``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

WEEK_TIMEOUT = 30 * 60  # a bound on the life of a week nobody asks for, not on staleness
_PENDING = "_roster_gaps_pending"


# Members' zones are users' (one user, many practices): a change of zone renews every
# practice's version through this one, without reading other practices' memberships.
_USERS = "users"


def _version_key(practice_id: int | str) -> str:
    return f"roster:gaps:version:{practice_id}"


def version(practice_id: int) -> str:
    """The practice's current version (a new one when the cache has none)."""
    keys = [_version_key(practice_id), _version_key(_USERS)]
    found = cache.get_many(keys)
    parts = []
    for key in keys:
        token = found.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            token = cache.get(key) or uuid.uuid4().hex
        parts.append(token)
    return ".".join(parts)


def week_key(practice_id: int, token: str, monday) -> str:
    return f"roster:gaps:{practice_id}:{token}:{monday:%Y%m%d}"


def kept(practice_id: int, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s value for the practice's current version, from the cache when it holds
    it (``name`` says what, besides the version: "cover:<client>:<range>"). Computed afresh,
    and not stored, while this transaction changed the roster or Redis does not answer."""
    if pending(practice_id) or not usable():
        return compute()
    key = f"roster:{practice_id}:{version(practice_id)}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=WEEK_TIMEOUT)
    return value


# Versions this process could not renew while Redis was down, renewed once it answers.
_owed: set[int | str] = set()


def _redis_down() -> bool:
    check = getattr(cache, "_redis_is_down", None)  # ``secretary.cache.FallbackRedisCache``
    return bool(check and check())


def usable() -> bool:
    """Whether the shared cache answers. While Redis is down the cache is this process's
    memory, which other processes' writes do not renew: then gaps are computed afresh."""
    if _redis_down():
        return False
    for key in list(_owed):
        _owed.discard(key)
        _bump_now(key)
    return not _redis_down()


def _bump_now(practice_id: int | str) -> None:
    cache.set(_version_key(practice_id), uuid.uuid4().hex, timeout=None)
    if _redis_down():
        _owed.add(practice_id)


def bump(practice_id: int | str | None) -> None:
    """The practice's roster inputs changed: a new version after the commit (at once outside
    a transaction); until then this transaction reads around the cache."""
    if practice_id is None:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump_now(practice_id)
        return
    if _pending(practice_id):  # this transaction renews it already
        return
    waiting = _waiting(connection)

    def committed() -> None:
        _waiting(connection).pop(practice_id, None)
        _bump_now(practice_id)

    waiting[practice_id] = committed
    transaction.on_commit(committed)


def _waiting(connection) -> dict:
    found = getattr(connection, _PENDING, None)
    if found is None:
        found = {}
        setattr(connection, _PENDING, found)
    return found


def pending(practice_id: int) -> bool:
    """Whether this transaction changed the practice's roster, or a member's zone (not yet
    committed)."""
    return _pending(practice_id) or _pending(_USERS)


def _pending(key: int | str) -> bool:
    connection = transaction.get_connection()
    waiting = getattr(connection, _PENDING, None)
    if not waiting or key not in waiting:
        return False
    callback = waiting[key]
    # A rolled-back transaction (or savepoint) drops its callbacks: then nothing is pending.
    if connection.in_atomic_block and any(c is callback for _s, c, *_r in connection.run_on_commit):
        return True
    waiting.pop(key, None)
    return False


def changed(sender, instance, **kwargs) -> None:
    """Receiver of ``post_save`` and ``post_delete`` for the rows a week's gaps read."""
    bump(getattr(instance, "practice_id", None))


def user_changed(sender, instance, update_fields=None, **kwargs) -> None:
    """A member's zone places their time off when they declared no availability."""
    if update_fields is not None and "time_zone" not in update_fields:
        return
    bump(_USERS)
