"""Resolving the practice from the URL, once per request, for HTML views.

``request.practice`` and ``request.membership`` come only from a membership of the signed-in
user in the practice named by the slug. Anyone else gets 404 (never 403), so a practice's
existence is not revealed. Inside a practice, a staff page answers 403 to a staff member with
too low a role, and 404 to a client contact (staff pages do not exist for them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from secretary import rls, scope
from secretary.audit import security_event
from secretary.models import Membership, Role


def membership_for(user, practice_slug: str) -> Membership | None:
    """The user's membership in the practice of the slug. Under row-level security it runs
    inside ``rls.practice_transaction_for_slug(practice_slug)`` (or finds nothing)."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.unscoped()
        .select_related("practice", "user")
        .filter(practice__slug=practice_slug, user=user, user__is_active=True)
        .first()
    )


# Values every page reads about the member, read with the memberships (one query for all):
# name → a function giving the expression (``OuterRef("pk")`` is the membership). Apps
# register them (``register_membership_extra``); the core imports none.
MEMBERSHIP_EXTRAS: dict[str, Callable[[], Any]] = {}


def register_membership_extra(name: str, expression: Callable[[], Any]) -> None:
    MEMBERSHIP_EXTRAS[name] = expression


def memberships_of(user) -> list[Membership]:
    """Every membership of the signed-in user, practices joined, by practice name: read across
    practices (``rls.practice_transaction_after``), the request's own and the switcher's list,
    with the registered extras (``MEMBERSHIP_EXTRAS``)."""
    if not user.is_authenticated:
        return []
    extras = {name: expression() for name, expression in MEMBERSHIP_EXTRAS.items()}
    return list(
        Membership.objects.unscoped()
        .select_related("practice", "user")
        .filter(user=user, user__is_active=True)
        .annotate(**extras)
        .order_by("practice__name", "practice_id")
    )


def _membership_in(request: HttpRequest, practice_slug: str) -> Membership | None:
    memberships = memberships_of(request.user)
    request.user_memberships = memberships  # the practice switcher lists them
    return next((m for m in memberships if m.practice.slug == practice_slug), None)


def _practice_view(check: Callable[[HttpRequest, Membership], None]):
    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, practice_slug: str, *args, **kwargs):
            # One transaction for the request: the user's memberships read once, then only the
            # rows of the practice of the slug are visible (rls), or none without a membership.
            with rls.practice_transaction_after(
                lambda: _membership_in(request, practice_slug)
            ) as membership:
                if membership is None:
                    security_event("practice.denied", request=request, practice=practice_slug)
                    raise Http404
                request.practice = membership.practice
                request.membership = membership
                check(request, membership)
                with scope.practice_scope(membership.practice):
                    return view(request, *args, **kwargs)

        return wrapper

    return decorator


def role_view(min_role: str):
    """Decorate a staff view under ``/app/<practice_slug>/`` needing at least ``min_role``.

    The wrapped view does not receive the slug; it reads ``request.practice``.
    """

    def check(request: HttpRequest, membership: Membership) -> None:
        if membership.is_client:
            security_event(
                "practice.staff_page_denied", request=request, practice=membership.practice
            )
            raise Http404
        if not membership.has_role_at_least(min_role):
            raise PermissionDenied

    return _practice_view(check)


staff_view = role_view(Role.SECRETARY)
admin_view = role_view(Role.ADMIN)


def portal_view(view):
    """Decorate a view under ``/portal/<practice_slug>/``: client contacts only."""

    def check(request: HttpRequest, membership: Membership) -> None:
        if not membership.is_client:
            raise Http404

    return _practice_view(check)(view)
