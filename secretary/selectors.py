"""Reads of the tenancy core. Every read of tenant rows names its practice (or membership)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from secretary import rls
from secretary.models import (
    ROLE_RANK,
    ActivityEvent,
    ApiToken,
    Invitation,
    Membership,
    Practice,
    Role,
    User,
)


def user_memberships(*, user: User) -> list[Membership]:
    """The practices a user belongs to, by practice name (no practice in scope yet)."""
    if not user.is_authenticated:
        return []
    with rls.cross_practice("a user's practices"):
        return list(
            Membership.objects.unscoped()
            .filter(user=user)
            .select_related("practice")
            .order_by("practice__name", "practice_id")
        )


def practice_members(*, practice: Practice) -> QuerySet[Membership]:
    """Members with their users, owners first, then by name."""
    rank = Case(
        *[When(role=role, then=Value(-value)) for role, value in ROLE_RANK.items()],
        output_field=IntegerField(),
    )
    return (
        Membership.objects.for_practice(practice)
        .select_related("user")
        .annotate(role_rank=rank)
        .order_by("role_rank", "user__full_name", "user__email")
    )


def membership_get(*, practice: Practice, membership_id: int) -> Membership:
    """A member of this practice by id; 404 when absent or in another practice."""
    return get_object_or_404(
        Membership.objects.for_practice(practice).select_related("user"), pk=membership_id
    )


def owner_count(*, practice: Practice) -> int:
    return Membership.objects.for_practice(practice).filter(role=Role.OWNER).count()


def pending_invitations(*, practice: Practice) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_practice(practice)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitation_get(*, practice: Practice, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation.objects.for_practice(practice), pk=invitation_id)


def activity_events(
    *, practice: Practice, verb: str | None = None, actor: User | None = None
) -> QuerySet[ActivityEvent]:
    """The practice's audit log, newest first, optionally for one verb and/or one person."""
    events = ActivityEvent.objects.for_practice(practice).select_related("actor")
    if verb:
        events = events.filter(verb=verb)
    if actor is not None:
        events = events.filter(actor=actor)
    return events.order_by("-created_at", "-pk")


def practice_people(*, practice: Practice) -> QuerySet[User]:
    """Users who are members of the practice (for pickers such as the activity filter)."""
    return (
        User.objects.filter(memberships__practice=practice)
        .order_by("full_name", "email")
        .distinct()
    )


def membership_tokens(*, membership: Membership) -> QuerySet[ApiToken]:
    """A membership's own API tokens, newest first."""
    return (
        ApiToken.objects.for_practice(membership.practice_id)
        .filter(membership=membership)
        .order_by("-created_at", "-pk")
    )


def membership_token_get(*, membership: Membership, token_id: int) -> ApiToken:
    """One of the membership's own tokens; another member's token is as absent as a missing one."""
    return get_object_or_404(membership_tokens(membership=membership), pk=token_id)
