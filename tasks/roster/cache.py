"""The practice's gaps, kept per week in the cache under a version the roster's writes change;
under the same version, a client's cover (the portal) and a member's planned duties from an
hour on (the dashboard), which the same rows decide.

A week's gaps (every active engagement, Monday 00:00 to Monday 00:00 UTC) depend only on rows
of the database: engagements and their coverage windows, shifts and their exceptions,
rotations and their members, availability, time off, clients' names and members' zones. Each
save or delete of one of those rows (the receivers in ``tasks.apps``) and each bulk write of
the roster's services calls ``bump``, which gives the practice a new version once the
transaction commits; the cached weeks of the old version are never read again (they expire).

How versions are renewed, and read around while a transaction or Redis cannot be trusted:
``secretary.versions``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from secretary.versions import PracticeVersions

WEEK_TIMEOUT = 30 * 60  # a bound on the life of a week nobody asks for, not on staleness

# Members' zones are users' (one user, many practices): a change of zone renews every
# practice's version through this one, without reading other practices' memberships.
_USERS = "users"
_versions = PracticeVersions("roster:gaps", shared=(_USERS,))
_PENDING = _versions.pending_attribute

version = _versions.version
usable = _versions.usable
bump = _versions.bump
pending = _versions.pending


def week_key(practice_id: int, token: str, monday) -> str:
    return f"roster:gaps:{practice_id}:{token}:{monday:%Y%m%d}"


def kept(practice_id: int, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s value for the practice's current version, from the cache when it holds
    it (``name`` says what, besides the version: "cover:<client>:<range>")."""
    return _versions.kept(practice_id, name, compute, WEEK_TIMEOUT)


def changed(sender, instance, **kwargs) -> None:
    """Receiver of ``post_save`` and ``post_delete`` for the rows a week's gaps read."""
    bump(getattr(instance, "practice_id", None))


def user_changed(sender, instance, update_fields=None, **kwargs) -> None:
    """A member's zone places their time off when they declared no availability."""
    if update_fields is not None and "time_zone" not in update_fields:
        return
    bump(_USERS)
