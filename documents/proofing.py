"""What a client contact sees of composed documents: only versions sent for approval.

A version saved after a request for changes stays out of sight until it is sent again; the
portal pages and the API read the same functions.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from documents.compose import VERSION_SUBJECT
from documents.models import (
    Approval,
    ApprovalDecision,
    Composition,
    CompositionStatus,
    CompositionVersion,
    ProofComment,
)

RECENTLY_APPROVED = timedelta(days=90)


def sent_versions(*, practice, composition: Composition):
    """The composition's versions sent for approval, newest first."""
    return (
        CompositionVersion.objects.for_practice(practice)
        .filter(composition=composition, sent_for_approval_at__isnull=False)
        .select_related("document")
        .order_by("-number")
    )


def version_shown(*, practice, composition: Composition) -> CompositionVersion | None:
    """The latest version the client was sent (a later draft is not shown)."""
    return sent_versions(practice=practice, composition=composition).first()


def sent_version_get(*, practice, composition: Composition, version_id: int) -> CompositionVersion:
    version = (
        sent_versions(practice=practice, composition=composition).filter(pk=version_id).first()
    )
    if version is None:
        raise Http404
    return version


def client_compositions(*, practice, client):
    """The client's compositions that have a version sent to them."""
    return (
        Composition.objects.for_practice(practice)
        .filter(client=client, versions__sent_for_approval_at__isnull=False)
        .distinct()
        .select_related("approved_version")
        .order_by("-updated_at", "-pk")
    )


def portal_compositions(*, practice, client) -> dict[str, list[Composition]]:
    """Awaiting review, being revised after the client's comments, and recently approved."""
    rows = list(client_compositions(practice=practice, client=client)[:200])
    since = timezone.now() - RECENTLY_APPROVED
    return {
        "awaiting": [row for row in rows if row.status == CompositionStatus.AWAITING_APPROVAL],
        "revising": [
            row
            for row in rows
            if row.status in (CompositionStatus.CHANGES_REQUESTED, CompositionStatus.DRAFT)
        ],
        "approved": [
            row
            for row in rows
            if row.status == CompositionStatus.APPROVED and row.updated_at >= since
        ],
    }


def client_composition_get(*, practice, client, composition_id: int) -> Composition:
    """One of the client's compositions that was sent to them; Http404 otherwise."""
    composition = (
        client_compositions(practice=practice, client=client).filter(pk=composition_id).first()
    )
    if composition is None:
        raise Http404
    return composition


def version_comments(*, practice, version: CompositionVersion):
    """The comments on ``version``, page by page, oldest first (a query set: the API orders
    and pages it)."""
    return (
        ProofComment.objects.for_practice(practice)
        .filter(version=version)
        .order_by("page", "created_at", "pk")
    )


def composition_approval(*, practice, composition: Composition) -> Approval | None:
    """The record of the approval of the composition's approved version."""
    if composition.approved_version_id is None:
        return None
    return (
        Approval.objects.for_practice(practice)
        .filter(
            subject_type=VERSION_SUBJECT,
            subject_id=composition.approved_version_id,
            decision=ApprovalDecision.APPROVED,
        )
        .order_by("-decided_at")
        .first()
    )


def sent_versions_of_client(*, practice, client):
    """Every version sent for approval to ``client``."""
    return CompositionVersion.objects.for_practice(practice).filter(
        composition__client=client, sent_for_approval_at__isnull=False
    )
