"""Writes of the tenancy core: practices, invitations, memberships, API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from secretary import rls
from secretary.audit import activity_record, security_event
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.models import (
    ADMIN_ROLES,
    ApiToken,
    Invitation,
    Membership,
    Practice,
    Role,
    User,
    hash_secret,
)
from secretary.tenancy import practice_scope

# Sent inside the accepting transaction with ``invitation`` and ``membership``; feature apps
# apply the invitation's ``grants`` (e.g. link a client contact to its client).
invitation_accepted = Signal()
# Sent inside the removing transaction, before the row goes, with ``membership``, ``actor`` and
# ``request``; feature apps stop what the membership made or held (calendar links...).
membership_removed = Signal()


def unique_practice_slug(name: str) -> str:
    base = slugify(name)[:50] or "practice"
    slug, n = base, 2
    while Practice.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def practice_create(
    *,
    name: str,
    owner: User,
    time_zone: str = "UTC",
    currency: str = "USD",
    slug: str | None = None,
    request=None,
) -> Practice:
    practice = Practice(
        name=name.strip(),
        slug=slug or unique_practice_slug(name),
        time_zone=time_zone,
        currency=currency,
    )
    practice.full_clean()
    practice.save()
    with practice_scope(practice):
        Membership.objects.create(practice=practice, user=owner, role=Role.OWNER)
        activity_record(
            practice=practice,
            actor=owner,
            verb="practice.created",
            target=practice,
            request=request,
        )
    return practice


PRACTICE_SETTINGS = ("name", "time_zone", "currency", "date_style")


def practice_update(*, practice: Practice, actor: Membership, data: dict, request=None) -> Practice:
    """Change the practice's own settings (owners and admins); the audit log keeps what
    changed, from and to."""
    if not actor.is_admin:
        raise ApplicationError(_("Only owners and admins change the practice's settings."))
    changed = {}
    for name in PRACTICE_SETTINGS:
        if name in data and data[name] != getattr(practice, name):
            changed[name] = [getattr(practice, name), data[name]]
            setattr(practice, name, data[name])
    if not changed:
        return practice
    if "name" in changed:
        practice.name = practice.name.strip()
    practice.full_clean()
    practice.save(update_fields=list(changed))
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="practice.settings_changed",
        target=practice,
        data=changed,
        request=request,
    )
    return practice


def _owner_count(practice: Practice) -> int:
    return Membership.objects.for_practice(practice).filter(role=Role.OWNER).count()


def _check_can_grant(actor_membership: Membership, role: str) -> None:
    if role == Role.CLIENT and actor_membership.is_staff:
        # Secretaries bring their clients' contacts into the portal; staff roles are for admins.
        return
    if not actor_membership.is_admin:
        raise ApplicationError(_("Only owners and admins can manage members."))
    if role == Role.OWNER and actor_membership.role != Role.OWNER:
        raise ApplicationError(
            _("Only an owner can make someone an owner."),
            errors={"role": _("Only an owner can grant the owner role.")},
        )


@transaction.atomic
def invitation_create(
    *,
    practice: Practice,
    invited_by: Membership,
    email: str,
    role: str,
    grants: dict | None = None,
    request=None,
) -> tuple[Invitation, str]:
    """Create an invitation and send it by email after commit. Returns it and the raw token."""
    email = User.objects.normalize_email(email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(
            _("Enter a valid email address."), errors={"email": _("Enter a valid email address.")}
        ) from None
    if role not in Role.values:
        raise ApplicationError(
            _("Choose a valid role."), errors={"role": _("Choose a valid role.")}
        )
    _check_can_grant(invited_by, role)
    if Membership.objects.for_practice(practice).filter(user__email__iexact=email).exists():
        raise ApplicationError(
            _("This person is already a member."),
            errors={"email": _("This person is already a member.")},
        )
    # A new invitation to the same address replaces the pending one.
    Invitation.objects.for_practice(practice).filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        practice=practice,
        email=email,
        role=role,
        grants=grants or {},
        token_hash=hash_secret(token),
        invited_by=invited_by.user,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    activity_record(
        practice=practice,
        actor=invited_by.user,
        verb="member.invited",
        target=invitation,
        data={"email": email, "role": role},
        request=request,
    )
    security_event(
        "invitation.created", request=request, user=invited_by.user, practice=practice, role=role
    )
    from secretary.tasks import send_invitation

    enqueue_on_commit(
        send_invitation, practice_id=practice.pk, invitation_id=invitation.pk, token=token
    )
    return invitation, token


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a raw token names, whatever its state (None when forged)."""
    if not token:
        return None
    with rls.cross_practice("invitation lookup by hash"):
        return (
            Invitation.objects.unscoped()
            .select_related("practice")
            .filter(token_hash=hash_secret(token))
            .first()
        )


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why this invitation cannot be accepted, or None if it can."""
    if invitation is None:
        return _("This invitation link is not valid.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn. Ask for a new one.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask for a new one.")
    if invitation.invited_by_id is not None and not _inviter_may_grant(invitation):
        # An invitation speaks for the member who sent it: it stops when they leave or lose
        # the role that let them grant it.
        return _("The person who invited you can no longer do so. Ask for a new invitation.")
    return None


def _inviter_may_grant(invitation: Invitation) -> bool:
    # Read inside the invitation's practice: a signed-out visitor has no practice yet.
    with practice_scope(invitation.practice):
        inviter = (
            Membership.objects.for_practice(invitation.practice_id)
            .filter(user_id=invitation.invited_by_id)
            .first()
        )
    return inviter is not None and _may_grant(inviter, invitation.role)


def _may_grant(membership: Membership, role: str) -> bool:
    try:
        _check_can_grant(membership, role)
    except ApplicationError:
        return False
    return True


def _revoke_invitations_beyond(
    practice: Practice, membership: Membership, *, actor: Membership, request, removed: bool
) -> None:
    """Withdraw the pending invitations ``membership`` sent that it can no longer grant."""
    pending = Invitation.objects.for_practice(practice).filter(
        invited_by_id=membership.user_id, accepted_at__isnull=True, revoked_at__isnull=True
    )
    for invitation in pending:
        if not removed and _may_grant(membership, invitation.role):
            continue
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        activity_record(
            practice=practice,
            actor=actor.user,
            verb="invitation.revoked",
            target=invitation,
            data={"reason": "member_removed" if removed else "role_changed"},
            request=request,
        )


@transaction.atomic
def invitation_accept(*, token: str, user: User, request=None) -> Membership:
    invitation = invitation_by_token(token)
    if invitation is None:
        security_event("invitation.rejected", request=request, user=user, practice=None)
        raise ApplicationError(invitation_problem(None))
    with practice_scope(invitation.practice):
        return _invitation_accept(invitation=invitation, user=user, request=request)


def _invitation_accept(*, invitation: Invitation, user: User, request=None) -> Membership:
    invitation = (
        Invitation.objects.for_practice(invitation.practice_id)
        .select_for_update()
        .get(pk=invitation.pk)
    )
    problem = invitation_problem(invitation)
    if problem:
        security_event(
            "invitation.rejected", request=request, user=user, practice=invitation.practice
        )
        raise ApplicationError(problem)
    if user.email.lower() != invitation.email.lower():
        raise ApplicationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    practice = invitation.practice
    if Membership.objects.for_practice(practice).filter(user=user).exists():
        raise ApplicationError(_("You are already a member of this practice."))
    membership = Membership.objects.create(practice=practice, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    invitation_accepted.send(sender=Invitation, invitation=invitation, membership=membership)
    activity_record(
        practice=practice,
        actor=user,
        verb="member.joined",
        target=membership,
        data={"role": membership.role},
        request=request,
    )
    security_event("invitation.accepted", request=request, user=user, practice=practice)
    return membership


@transaction.atomic
def invitation_revoke(
    *, practice: Practice, actor: Membership, invitation: Invitation, request=None
) -> Invitation:
    if not actor.is_admin:
        raise ApplicationError(_("Only owners and admins can manage members."))
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        activity_record(
            practice=practice,
            actor=actor.user,
            verb="invitation.revoked",
            target=invitation,
            request=request,
        )
    return invitation


def _lock_memberships(practice: Practice) -> list[Membership]:
    # Lock all memberships of the practice in id order so two concurrent demotions cannot both
    # see "another owner remains".
    return list(Membership.objects.for_practice(practice).select_for_update().order_by("pk"))


def _locked_actor(locked: dict[int, Membership], actor: Membership) -> Membership:
    # Decide with the actor's role as it is now, not as their request found it: someone may
    # have demoted or removed them in the meantime.
    current = locked.get(actor.pk)
    if current is None:
        raise ApplicationError(_("You are no longer a member of this practice."))
    current.user = actor.user
    return current


@transaction.atomic
def membership_change_role(
    *, practice: Practice, actor: Membership, membership: Membership, role: str, request=None
) -> Membership:
    if role not in Role.values:
        raise ApplicationError(
            _("Choose a valid role."), errors={"role": _("Choose a valid role.")}
        )
    locked = {m.pk: m for m in _lock_memberships(practice)}
    actor = _locked_actor(locked, actor)
    _check_can_grant(actor, role)
    membership = locked.get(membership.pk)
    if membership is None:
        raise ApplicationError(_("This member no longer exists."))
    if membership.role == Role.OWNER and actor.role != Role.OWNER:
        raise ApplicationError(_("Only an owner can change another owner's role."))
    old_role = membership.role
    if old_role == role:
        return membership
    if Role.CLIENT in (old_role, role):
        # What a client contact sees comes from the client they represent (the invitation's
        # grants); a role change can neither make nor unmake that link.
        raise ApplicationError(
            _(
                "Client contacts keep their role. Remove the person and invite them again "
                "with the role they need."
            ),
            errors={"role": _("Client contacts cannot be changed to or from another role.")},
        )
    owners = sum(1 for m in locked.values() if m.role == Role.OWNER)
    if old_role == Role.OWNER and owners <= 1:
        raise ApplicationError(
            _("A practice needs at least one owner. Make someone else an owner first."),
            errors={"role": _("The last owner cannot be demoted.")},
        )
    membership.role = role
    membership.save(update_fields=["role"])
    _revoke_invitations_beyond(practice, membership, actor=actor, request=request, removed=False)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="member.role_changed",
        target=membership,
        data={"from": old_role, "to": role},
        request=request,
    )
    security_event(
        "member.role_changed",
        request=request,
        user=actor.user,
        practice=practice,
        member=membership.user.email,
        role_from=old_role,
        role_to=role,
    )
    return membership


@transaction.atomic
def membership_remove(
    *, practice: Practice, actor: Membership, membership: Membership, request=None
) -> None:
    is_self = membership.pk == actor.pk
    locked = {m.pk: m for m in _lock_memberships(practice)}
    actor = _locked_actor(locked, actor)
    if not actor.is_admin and not is_self:
        raise ApplicationError(_("Only owners and admins can manage members."))
    membership = locked.get(membership.pk)
    if membership is None:
        raise ApplicationError(_("This member no longer exists."))
    if membership.role == Role.OWNER and actor.role != Role.OWNER:
        raise ApplicationError(_("Only an owner can remove another owner."))
    owners = sum(1 for m in locked.values() if m.role == Role.OWNER)
    if membership.role == Role.OWNER and owners <= 1:
        raise ApplicationError(
            _("A practice needs at least one owner. Make someone else an owner first.")
        )
    email = membership.user.email
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="member.removed",
        target=membership,
        data={"email": email, "role": membership.role},
        request=request,
    )
    security_event(
        "member.removed", request=request, user=actor.user, practice=practice, member=email
    )
    ApiToken.objects.for_practice(practice).filter(membership=membership).update(
        revoked_at=timezone.now()
    )
    _revoke_invitations_beyond(practice, membership, actor=actor, request=request, removed=True)
    membership_removed.send(sender=Membership, membership=membership, actor=actor, request=request)
    membership.delete()


def token_create(*, membership: Membership, name: str, request=None) -> tuple[ApiToken, str]:
    """Create a personal access token; the raw secret is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(
            _("Give the token a name."), errors={"name": _("This field is required.")}
        )
    secret = ApiToken.PREFIX + Invitation.new_token()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                practice=membership.practice,
                membership=membership,
                name=name[:80],
                token_hash=hash_secret(secret),
                hint=secret[:10],
            )
            activity_record(
                practice=membership.practice,
                actor=membership.user,
                verb="token.created",
                target=token,
                request=request,
            )
    except IntegrityError as exc:  # a collision of 256-bit secrets: never in practice
        raise ApplicationError(_("Could not create the token, please try again.")) from exc
    return token, secret


@transaction.atomic
def token_revoke(*, membership: Membership, token: ApiToken, request=None) -> ApiToken:
    if token.membership_id != membership.pk:
        raise ApplicationError(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        activity_record(
            practice=membership.practice,
            actor=membership.user,
            verb="token.revoked",
            target=token,
            request=request,
        )
        security_event(
            "api.token_revoked", request=request, user=membership.user, practice=membership.practice
        )
    return token


__all__ = [
    "ADMIN_ROLES",
    "invitation_accept",
    "invitation_accepted",
    "invitation_by_token",
    "invitation_create",
    "invitation_problem",
    "invitation_revoke",
    "membership_change_role",
    "membership_remove",
    "membership_removed",
    "practice_create",
    "token_create",
    "token_revoke",
]
