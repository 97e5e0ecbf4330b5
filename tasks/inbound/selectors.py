"""Reads of inbound email: the quarantine, a task's email origin, a client's address."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from clients.selectors import regulated_clients_closed_to
from secretary.limits import parse_id
from secretary.models import Practice
from tasks.inbound.models import EmailThread, InboundMessage, InboundStatus

HELD_PAGE_SIZE = 50
PREVIEW_READ = 600  # characters of a body read for its 200-character preview line
IGNORED_ROWS = 20


def held_messages(*, practice: Practice, membership) -> QuerySet[InboundMessage]:
    """Held messages, without those to regulated clients the member holds no agreement for."""
    return (
        InboundMessage.objects.for_practice(practice)
        .filter(status=InboundStatus.QUARANTINED)
        .exclude(client_id__in=regulated_clients_closed_to(membership))
        .select_related("client")
        .defer("body_html")
        .order_by("-received_at", "-pk")
    )


def held_page_rows(*, practice: Practice, membership) -> QuerySet[InboundMessage]:
    """``held_messages`` as the held email page lists them: the columns shown, and only the
    start of each body (``body_start``) for its preview line, not whole messages."""
    return (
        held_messages(practice=practice, membership=membership)
        .only("practice", "client__name", "received_at", "sender_name", "sender_email", "subject")
        .annotate(body_start=Substr("body_text", 1, PREVIEW_READ))
    )


def ignored_messages(*, practice: Practice) -> QuerySet[InboundMessage]:
    return (
        InboundMessage.objects.for_practice(practice)
        .filter(status=InboundStatus.IGNORED)
        .select_related("client")
        .only("practice", "client__name", "sender_email", "subject", "reason", "received_at")
        .order_by("-received_at", "-pk")
    )


def held_message_get(*, practice: Practice, membership, inbound_id) -> InboundMessage:
    """A held message of the practice; Http404 when absent, of another practice or handled."""
    pk = parse_id(inbound_id)
    found = (
        held_messages(practice=practice, membership=membership).filter(pk=pk).first()
        if pk is not None
        else None
    )
    if found is None:
        raise Http404
    return found


def thread_of(*, practice: Practice, task) -> EmailThread | None:
    return EmailThread.objects.for_practice(practice).filter(task=task).first()
