"""The client's acceptance of a service agreement, recorded as an ``Approval`` like the approval
of a composed document: who, when, from where, and the hash of what was accepted."""

from __future__ import annotations

from documents.compose import content_hash
from documents.models import Approval, ApprovalDecision, Document, DocumentStatus

ENGAGEMENT_SUBJECT = "clients.engagement"


def agreement_hash(*, practice, engagement) -> str:
    """The checksum of the engagement's latest ready agreement PDF, or else the hash of what the
    agreement says (its rendering context)."""
    document = (
        Document.objects.for_practice(practice)
        .filter(
            subject_type=ENGAGEMENT_SUBJECT,
            subject_id=engagement.pk,
            status=DocumentStatus.READY,
        )
        .exclude(checksum="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if document is not None:
        return document.checksum
    from documents.agreements import agreement_context

    return content_hash(agreement_context(engagement))


def agreement_acceptance_record(*, practice, engagement, user, request=None) -> Approval:
    """Record the acceptance (call it inside the acceptance's transaction)."""
    from secretary.audit import client_ip

    name = (user.get_full_name() or user.email) if user is not None else ""
    return Approval.objects.create(
        practice=practice,
        subject_type=ENGAGEMENT_SUBJECT,
        subject_id=engagement.pk,
        content_hash=agreement_hash(practice=practice, engagement=engagement),
        decision=ApprovalDecision.APPROVED,
        user=user,
        name=name[:150],
        ip_address=client_ip(request),
        user_agent=(request.headers.get("User-Agent", "") if request is not None else "")[:300],
    )
