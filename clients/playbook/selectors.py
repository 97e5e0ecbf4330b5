"""Reads of playbooks, and the quick switcher's list of clients."""

from __future__ import annotations

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from clients.models import (
    AgreementKind,
    Client,
    ClientStatus,
    ConfidentialityAgreement,
    Contact,
    Specialty,
)
from clients.playbook.models import Playbook, PlaybookProposal, PlaybookVersion, ProposalStatus
from secretary.limits import parse_id
from secretary.models import Membership, Practice
from secretary.prepared import prepared_aggregate

SWITCHER_LIMIT = 8


def playbook_of(*, practice: Practice, client: Client) -> Playbook | None:
    return Playbook.objects.for_practice(practice).filter(client=client).first()


def versions_of(*, practice: Practice, playbook: Playbook | None) -> QuerySet[PlaybookVersion]:
    if playbook is None:
        return PlaybookVersion.objects.for_practice(practice).none()
    return (
        PlaybookVersion.objects.for_practice(practice)
        .filter(playbook=playbook)
        .defer("content")
        .order_by("-number")
    )


def version_get(*, practice: Practice, playbook: Playbook | None, number) -> PlaybookVersion:
    number = parse_id(number)
    version = (
        PlaybookVersion.objects.for_practice(practice)
        .filter(playbook=playbook, number=number)
        .first()
        if playbook is not None and number is not None
        else None
    )
    if version is None:
        raise Http404
    return version


def proposals_of(
    *, practice: Practice, playbook: Playbook | None, pending_only: bool = False
) -> QuerySet[PlaybookProposal]:
    if playbook is None:
        return PlaybookProposal.objects.for_practice(practice).none()
    queryset = PlaybookProposal.objects.for_practice(practice).filter(playbook=playbook)
    if pending_only:
        queryset = queryset.filter(status=ProposalStatus.PENDING)
    return queryset.order_by("-created_at", "-id")


def proposal_get(*, practice: Practice, client: Client, proposal_id) -> PlaybookProposal:
    proposal_id = parse_id(proposal_id)
    proposal = (
        PlaybookProposal.objects.for_practice(practice)
        .select_related("playbook", "contact")
        .filter(pk=proposal_id, playbook__client=client)
        .first()
        if proposal_id is not None
        else None
    )
    if proposal is None:
        raise Http404
    return proposal


def pending_count(*, practice: Practice, client: Client) -> int:
    return _pending(practice=practice.pk, client=client.pk)["n"]


@prepared_aggregate(n=Count("pk"))
def _pending(*, practice: int, client: int):
    return PlaybookProposal.objects.for_practice(practice).filter(
        playbook__client=client, status=ProposalStatus.PENDING
    )


def clients_visible_to(*, membership: Membership) -> QuerySet[Client]:
    """The clients a staff member may open from the switcher and the call form.

    Owners and admins see every client. Other staff see every client that keeps no regulated
    records, and a regulated one only with a signed agreement of the kind it requires (a BAA
    for medical records, an NDA otherwise), as for being assigned its work.
    """
    return visible_clients(
        practice=membership.practice_id,
        member=membership.pk,
        admin=membership.is_admin,
        today=timezone.localdate(),
    )


def visible_clients(*, practice: int, member: int, admin: bool, today) -> QuerySet[Client]:
    """``clients_visible_to`` from the member's ids and role, and the day it is."""
    clients = Client.objects.for_practice(practice)
    if admin:
        return clients
    signed = ConfidentialityAgreement.objects.for_practice(practice).filter(
        client=OuterRef("pk"), membership=member, signed_on__lte=today
    )
    baa = signed.filter(kind=AgreementKind.BAA)
    nda = signed.filter(kind=AgreementKind.NDA)
    return clients.filter(
        Q(is_regulated=False)
        | (Q(specialty=Specialty.MEDICAL) & Q(Exists(baa)))
        | (~Q(specialty=Specialty.MEDICAL) & Q(Exists(nda)))
    )


def switcher_clients(*, membership: Membership, text: str, limit: int = SWITCHER_LIMIT) -> list:
    """Clients whose name (or a contact's name) holds ``text``, names that start with it
    first, ended clients last: one query."""
    text = (text or "").strip()[:80]
    clients = clients_visible_to(membership=membership)
    if text:
        by_contact = Contact.objects.for_practice(membership.practice_id).filter(
            client=OuterRef("pk"), name__icontains=text
        )
        clients = clients.filter(Q(name__icontains=text) | Q(Exists(by_contact)))
    return list(
        clients.annotate(
            starts=Case(
                When(name__istartswith=text, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            ended=Case(
                When(status=ClientStatus.ENDED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .only("practice", "name", "status", "is_regulated")
        .order_by("ended", "starts", "name", "pk")[:limit]
    )
