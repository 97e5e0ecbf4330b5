"""The client's acceptance of a service agreement, recorded as an ``Approval`` like the approval
of a composed document: who (the name they typed), when, from where, and the hash of what was
accepted. The accepted copy of the agreement, with its acceptance page, is rendered after."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from documents.compose import content_hash
from documents.models import Approval, ApprovalDecision, Document, DocumentStatus

ENGAGEMENT_SUBJECT = "clients.engagement"


def proposed_agreement(*, practice, engagement) -> Document | None:
    """The ready PDF of the agreement as the engagement now reads (never an accepted copy):
    the newest whose data are the engagement's present terms, or None while it is not ready."""
    from documents.agreements import ACCEPTANCE_KEY, agreement_context

    terms = json.loads(json.dumps(agreement_context(engagement), cls=DjangoJSONEncoder))
    candidates = (
        Document.objects.for_practice(practice)
        .filter(
            subject_type=ENGAGEMENT_SUBJECT,
            subject_id=engagement.pk,
            status=DocumentStatus.READY,
        )
        .exclude(checksum="")
        .exclude(context__has_key=ACCEPTANCE_KEY)
        .order_by("-created_at", "-pk")
    )
    # An engagement has a handful of renders at most (one per proposal of changed terms).
    return next((document for document in candidates if document.context == terms), None)


def agreement_hash(*, practice, engagement) -> str:
    """The SHA-256 of the agreement PDF the client was shown for these terms, or else the hash
    of what the agreement says (its rendering context) while that PDF is not ready."""
    document = proposed_agreement(practice=practice, engagement=engagement)
    if document is not None:
        return document.checksum
    from documents.agreements import agreement_context

    return content_hash(agreement_context(engagement))


def agreement_acceptance_record(
    *, practice, engagement, user, name: str = "", request=None
) -> Approval:
    """Record the acceptance under the name the client typed (the account's name when none
    was typed) and ask for the accepted copy of the agreement, rendered after commit. Call it
    inside the acceptance's transaction."""
    from documents.agreements import accepted_agreement_request
    from secretary.audit import client_ip

    name = " ".join((name or "").split())
    if not name and user is not None:
        name = user.get_full_name() or user.email
    hash_accepted = agreement_hash(practice=practice, engagement=engagement)
    approval = Approval.objects.create(
        practice=practice,
        subject_type=ENGAGEMENT_SUBJECT,
        subject_id=engagement.pk,
        content_hash=hash_accepted,
        decision=ApprovalDecision.APPROVED,
        user=user,
        name=name[:150],
        ip_address=client_ip(request),
        user_agent=(request.headers.get("User-Agent", "") if request is not None else "")[:300],
    )
    accepted_agreement_request(
        engagement=engagement, approval=approval, agreement_hash=hash_accepted, user=user
    )
    return approval
