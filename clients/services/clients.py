"""Clients, their contacts, teams, confidentiality agreements and portal invitations."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import (
    Client,
    ClientStatus,
    ClientTeamMember,
    ConfidentialityAgreement,
    Contact,
    EngagementStatus,
)
from clients.selectors import can_work_on, members_cleared_for
from clients.services._common import (
    apply_fields,
    invalid,
    require_staff,
    validated_save,
)
from secretary.audit import activity_record
from secretary.errors import ApplicationError
from secretary.files import named_for, sniff
from secretary.models import Invitation, Membership, Practice, Role
from secretary.selectors import user_memberships

CLIENT_FIELDS = (
    "name",
    "status",
    "specialty",
    "is_regulated",
    "time_zone",
    "currency",
    "billing_email",
    "address",
    "tax_id",
    "notes",
)
CONTACT_FIELDS = (
    "name",
    "title",
    "email",
    "phone",
    "is_primary",
    "portal_requests",
    "portal_documents",
    "portal_billing",
    "time_zone",
)
AGREEMENT_MAX_BYTES = 10 * 1024 * 1024
AGREEMENT_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


def regulated_view_record(*, request, client: Client) -> None:
    """Audit a staff member's view of a regulated client's records (no-op otherwise)."""
    if not client.is_regulated:
        return
    membership = getattr(request, "membership", None)
    if membership is not None and membership.is_client:
        return
    activity_record(
        practice=client.practice,
        actor=getattr(request, "user", None),
        verb="client.records_viewed",
        target=client,
        data={"path": request.path[:200]},
        request=request,
    )


def _staff_of(practice: Practice, memberships) -> list[Membership]:
    wanted = {getattr(m, "pk", m) for m in memberships if m is not None}
    if not wanted:
        return []
    found = list(
        Membership.objects.for_practice(practice)
        .filter(pk__in=wanted)
        .exclude(role=Role.CLIENT)
        .select_related("user")
    )
    if len(found) != len(wanted):
        raise invalid({"team": [_("Choose staff members of this practice.")]})
    return found


class UnsignedMembers(ApplicationError):
    """Some members on a regulated client's team (or its primary secretary) have no signed
    agreement; ``members`` names them, so the page and the API can offer to record their
    agreement or take them off the team."""

    def __init__(self, message, *, errors: dict, members: list[Membership]):
        super().__init__(message, errors=errors)
        self.members = members


def _check_cleared(client: Client, memberships: list[Membership], field: str) -> None:
    """Regulated clients: everyone on the team (and the primary secretary) must have signed."""
    if not client.is_regulated or not memberships:
        return
    cleared = members_cleared_for(client=client) if client.pk else set()
    missing = [m for m in memberships if m.pk not in cleared]
    if missing:
        names = ", ".join(str(m.user) for m in missing)
        message = _(
            "%(names)s must sign this client's %(kind)s before working on it: record their "
            "agreement, or take them off the team."
        ) % {"names": names, "kind": client.required_agreement_label}
        raise UnsignedMembers(message, errors={field: [message]}, members=missing)


def _check_may_regulate(actor: Membership, client: Client, old_regulated: bool, old_specialty):
    """Only owners and admins change whether a client is regulated, or (while it is) which
    agreement it requires (its specialty): secretaries could otherwise lift the rule that
    keeps them off its records."""
    if actor.is_admin:
        return
    if client.is_regulated != old_regulated:
        message = _("Only owners and admins can change whether a client is regulated.")
        raise invalid({"is_regulated": [message]}, message)
    if (old_regulated or client.is_regulated) and client.specialty != old_specialty:
        message = _("Only owners and admins can change the specialty of a regulated client.")
        raise invalid({"specialty": [message]}, message)


def _record_regulation_change(
    *, practice: Practice, actor: Membership, client: Client, old_regulated, old_specialty, request
) -> None:
    changes = {}
    if client.is_regulated != old_regulated:
        changes["is_regulated"] = {"from": old_regulated, "to": client.is_regulated}
    if (old_regulated or client.is_regulated) and client.specialty != old_specialty:
        changes["specialty"] = {"from": old_specialty, "to": client.specialty}
    if changes:
        activity_record(
            practice=practice,
            actor=actor.user,
            verb="client.regulation_changed",
            target=client,
            data=changes,
            request=request,
        )


def _current_team(client: Client) -> list[Membership]:
    ids = (
        ClientTeamMember.objects.for_practice(client.practice_id)
        .filter(client=client)
        .values_list("membership_id", flat=True)
    )
    return list(
        Membership.objects.for_practice(client.practice_id)
        .filter(pk__in=list(ids))
        .select_related("user")
    )


@transaction.atomic
def client_create(*, practice: Practice, actor: Membership, data: dict, request=None) -> Client:
    require_staff(actor)
    client = Client(practice=practice, currency=practice.currency, time_zone=practice.time_zone)
    apply_fields(client, data, CLIENT_FIELDS)
    client.name = (client.name or "").strip()
    # A regulated client has no signed agreements yet, so nobody is put on it by default.
    primary = data.get("primary_secretary", None if client.is_regulated else actor)
    if primary is not None:
        primary = _staff_of(practice, [primary])[0]
        if client.is_regulated:
            raise invalid(
                {
                    "primary_secretary": [
                        _(
                            "Record the confidentiality agreement first, then choose the primary "
                            "secretary of a regulated client."
                        )
                    ]
                }
            )
    client.primary_secretary = primary
    validated_save(client)
    if primary is not None:
        ClientTeamMember.objects.create(practice=practice, client=client, membership=primary)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="client.created",
        target=client,
        data={"is_regulated": True} if client.is_regulated else None,
        request=request,
    )
    return client


@transaction.atomic
def client_update(
    *, practice: Practice, actor: Membership, client: Client, data: dict, request=None
) -> Client:
    """Update a client's details (and primary secretary / team when given)."""
    require_staff(actor)
    client = Client.objects.for_practice(practice).select_for_update().get(pk=client.pk)
    old_currency = client.currency
    old_regulated, old_specialty = client.is_regulated, client.specialty
    apply_fields(client, data, CLIENT_FIELDS)
    _check_may_regulate(actor, client, old_regulated, old_specialty)
    if "name" in data:
        client.name = (client.name or "").strip()
    team = _staff_of(practice, data["team"]) if "team" in data else _current_team(client)
    primary = client.primary_secretary
    if "primary_secretary" in data:
        primary = (
            _staff_of(practice, [data["primary_secretary"]])[0]
            if data["primary_secretary"] is not None
            else None
        )
    if primary is not None and primary.pk not in {m.pk for m in team}:
        team.append(primary)
    if (
        client.currency != old_currency
        and client.engagements.exclude(status__in=["superseded", "ended"]).exists()
    ):
        raise invalid(
            {
                "currency": [
                    _(
                        "This client has engagements in %(currency)s; end them before changing the "
                        "currency."
                    )
                    % {"currency": old_currency}
                ]
            }
        )
    if client.is_regulated and not old_regulated:
        # Turning the rule on: name everyone who must sign or leave, on the flag itself.
        _check_cleared(client, team, "is_regulated")
    _check_cleared(client, [primary] if primary is not None else [], "primary_secretary")
    _check_cleared(client, team, "team" if "team" in data else "is_regulated")
    client.primary_secretary = primary
    validated_save(client)
    ClientTeamMember.objects.for_practice(practice).filter(client=client).exclude(
        membership__in=[m.pk for m in team]
    ).delete()
    existing = set(
        ClientTeamMember.objects.for_practice(practice)
        .filter(client=client)
        .values_list("membership_id", flat=True)
    )
    ClientTeamMember.objects.bulk_create(
        [
            ClientTeamMember(practice=practice, client=client, membership=m)
            for m in team
            if m.pk not in existing
        ]
    )
    activity_record(
        practice=practice, actor=actor.user, verb="client.updated", target=client, request=request
    )
    _record_regulation_change(
        practice=practice,
        actor=actor,
        client=client,
        old_regulated=old_regulated,
        old_specialty=old_specialty,
        request=request,
    )
    return client


@transaction.atomic
def client_archive(
    *, practice: Practice, actor: Membership, client: Client, request=None
) -> Client:
    """Archive a client: its status becomes "ended", and its tasks, time, documents and
    agreements stay on record. A client with history is archived, never deleted (its rows
    protect it: ``on_delete=PROTECT``). Archiving an archived client changes nothing."""
    require_staff(actor)
    client = Client.objects.for_practice(practice).select_for_update().get(pk=client.pk)
    if client.status == ClientStatus.ENDED:
        return client
    if client.engagements.filter(status=EngagementStatus.ACTIVE).exists():
        raise ApplicationError(
            _("This client has an active engagement: end it first, then archive the client.")
        )
    client.status = ClientStatus.ENDED
    client.save(update_fields=["status", "updated_at"])
    activity_record(
        practice=practice, actor=actor.user, verb="client.archived", target=client, request=request
    )
    return client


@transaction.atomic
def client_team_remove(
    *, practice: Practice, actor: Membership, client: Client, membership: Membership, request=None
) -> None:
    """Take a member off a client's team (and off being its primary secretary)."""
    require_staff(actor)
    client = Client.objects.for_practice(practice).select_for_update().get(pk=client.pk)
    removed, _count = (
        ClientTeamMember.objects.for_practice(practice)
        .filter(client=client, membership=membership)
        .delete()
    )
    was_primary = client.primary_secretary_id == membership.pk
    if was_primary:
        client.primary_secretary = None
        client.save(update_fields=["primary_secretary", "updated_at"])
    if removed or was_primary:
        activity_record(
            practice=practice,
            actor=actor.user,
            verb="client.team_left",
            target=client,
            data={"member": membership.user.email, "was_primary": was_primary},
            request=request,
        )


@transaction.atomic
def client_team_add(
    *, practice: Practice, actor: Membership, client: Client, membership: Membership, request=None
) -> None:
    require_staff(actor)
    membership = _staff_of(practice, [membership])[0]
    if not can_work_on(client=client, membership=membership):
        _check_cleared(client, [membership], "membership")
    ClientTeamMember.objects.get_or_create(practice=practice, client=client, membership=membership)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="client.team_joined",
        target=client,
        data={"member": membership.user.email},
        request=request,
    )


def _clean_contact(contact: Contact) -> None:
    contact.name = (contact.name or "").strip()
    contact.email = (contact.email or "").strip().lower()


def _make_primary(practice: Practice, contact: Contact) -> None:
    if contact.is_primary:
        Contact.objects.for_practice(practice).filter(
            client_id=contact.client_id, is_primary=True
        ).exclude(pk=contact.pk).update(is_primary=False)


@transaction.atomic
def contact_create(
    *, practice: Practice, actor: Membership, client: Client, data: dict, request=None
) -> Contact:
    require_staff(actor)
    contact = Contact(practice=practice, client=client)
    apply_fields(contact, data, CONTACT_FIELDS)
    _clean_contact(contact)
    if not Contact.objects.for_practice(practice).filter(client=client).exists():
        contact.is_primary = True
    # Clear the old primary before saving: the database allows one per client.
    _make_primary(practice, contact)
    validated_save(contact, exclude=["membership"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="contact.created",
        target=contact,
        data={"client": client.pk},
        request=request,
    )
    return contact


@transaction.atomic
def contact_update(
    *, practice: Practice, actor: Membership, contact: Contact, data: dict, request=None
) -> Contact:
    require_staff(actor)
    _make_primary_first = data.get("is_primary") and not contact.is_primary
    apply_fields(contact, data, CONTACT_FIELDS)
    _clean_contact(contact)
    if _make_primary_first:
        # Clear the old primary before saving: the database allows one per client.
        _make_primary(practice, contact)
    validated_save(contact, exclude=["membership"])
    activity_record(
        practice=practice, actor=actor.user, verb="contact.updated", target=contact, request=request
    )
    return contact


@transaction.atomic
def contact_profile_update(
    *, practice: Practice, membership: Membership, contact: Contact, data: dict, request=None
) -> Contact:
    """A contact updates their own details in the portal: their name (how their replies are
    signed), phone and time zone. A person who is a contact only sees account pages on the
    same clock as the portal."""
    if contact.membership_id != membership.pk:
        raise ApplicationError(_("You can only change your own details."))
    apply_fields(contact, data, ("phone", "time_zone"))
    validated_save(contact, exclude=["membership"], update_fields=["phone", "time_zone"])
    user = membership.user
    user.full_name = data["full_name"]
    fields = ["full_name"]
    if not any(m.is_staff for m in user_memberships(user=user)):
        user.time_zone = contact.shown_time_zone
        fields.append("time_zone")
    user.save(update_fields=fields)
    activity_record(
        practice=practice,
        actor=user,
        verb="contact.profile_updated",
        target=contact,
        request=request,
    )
    return contact


@transaction.atomic
def contact_delete(
    *, practice: Practice, actor: Membership, contact: Contact, request=None
) -> None:
    require_staff(actor)
    if contact.membership_id is not None:
        raise ApplicationError(
            _("This contact has a portal login. Remove the member from the practice first.")
        )
    activity_record(
        practice=practice, actor=actor.user, verb="contact.deleted", target=contact, request=request
    )
    contact.delete()


def contact_invitation_pending(*, practice: Practice, contact: Contact) -> Invitation | None:
    if not contact.email:
        return None
    for invitation in (
        Invitation.objects.for_practice(practice)
        .filter(
            email__iexact=contact.email,
            role=Role.CLIENT,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .order_by("-created_at")
    ):
        if invitation.is_pending and invitation.grants.get("contact_id") == contact.pk:
            return invitation
    return None


def contact_invite(
    *, practice: Practice, actor: Membership, contact: Contact, request=None
) -> Invitation:
    """Invite a contact to the portal: a client-contact membership limited to its client."""
    from secretary.services import invitation_create

    if contact.membership_id is not None:
        raise ApplicationError(_("This contact already has a portal login."))
    if not contact.email:
        raise invalid(
            {"email": [_("Add an email address to invite this contact.")]},
            _("This contact has no email address."),
        )
    invitation, _token = invitation_create(
        practice=practice,
        invited_by=actor,
        email=contact.email,
        role=Role.CLIENT,
        grants={
            "client_id": contact.client_id,
            "contact_id": contact.pk,
            "portal_requests": contact.portal_requests,
            "portal_documents": contact.portal_documents,
            "portal_billing": contact.portal_billing,
        },
        request=request,
    )
    return invitation


def contact_link_invitation(*, invitation: Invitation, membership: Membership) -> Contact | None:
    """Link the membership created from an accepted contact invitation to its contact.

    The contact's own portal flags stay the source of truth (staff may have changed them
    since the invitation was sent).
    """
    grants = invitation.grants or {}
    if invitation.role != Role.CLIENT or not grants.get("contact_id"):
        return None
    contact = (
        Contact.objects.for_practice(invitation.practice_id)
        .select_for_update()
        .filter(pk=grants["contact_id"], client_id=grants.get("client_id"))
        .first()
    )
    if contact is None or contact.membership_id is not None:
        return None
    contact.membership = membership
    contact.save(update_fields=["membership"])
    return contact


@transaction.atomic
def agreement_record(
    *,
    practice: Practice,
    actor: Membership,
    client: Client,
    membership: Membership,
    kind: str,
    signed_on,
    file,
    request=None,
) -> ConfidentialityAgreement:
    """Record that a staff member signed a client's confidentiality agreement (owners and
    admins vouch for it: an agreement is what lets someone onto a regulated client)."""
    if actor is None or not actor.is_admin:
        raise ApplicationError(_("Only owners and admins can record confidentiality agreements."))
    errors: dict[str, list] = {}
    try:
        membership = _staff_of(practice, [membership])[0]
    except ApplicationError:
        errors["membership"] = [_("Choose a staff member of this practice.")]
    if signed_on is not None and signed_on > timezone.localdate():
        errors["signed_on"] = [_("The signing date cannot be in the future.")]
    if not file:
        errors["file"] = [_("Attach the signed agreement.")]
    elif file.size > AGREEMENT_MAX_BYTES:
        errors["file"] = [_("The file is larger than 10 MB.")]
    else:
        file_type = sniff(file)
        if file_type is None or file_type.mime not in AGREEMENT_TYPES:
            errors["file"] = [_("Upload the signed agreement as a PDF, PNG or JPEG file.")]
        else:
            file.name = named_for(file.name, file_type)
    if errors:
        raise invalid(errors)
    agreement = ConfidentialityAgreement(
        practice=practice,
        client=client,
        membership=membership,
        kind=kind,
        signed_on=signed_on,
        file=file,
        recorded_by=actor.user,
    )
    validated_save(agreement)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="client.agreement_recorded",
        target=client,
        data={"member": membership.user.email, "kind": kind},
        request=request,
    )
    return agreement
