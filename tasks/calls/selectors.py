"""Reads of the call log."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.http import Http404

from clients.models import Client
from clients.playbook.selectors import clients_visible_to
from secretary.limits import parse_id
from secretary.models import Membership, Practice
from tasks.calls.models import Call

# What a client contact sees of a call (the portal page and any feed read this list).
CALL_FIELDS_FOR_CLIENTS = (
    "received_at",
    "caller_name",
    "caller_company",
    "caller_number",
    "message",
    "urgency",
)


def calls_for(
    *,
    practice: Practice,
    membership: Membership | None = None,
    client: Client | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    zone=None,
) -> QuerySet[Call]:
    """Calls of the practice (of the clients ``membership`` may see), newest first; ``since``
    and ``until`` are days (inclusive, in ``zone``) or instants."""
    calls = Call.objects.for_practice(practice).select_related(
        "client", "message_for_contact", "task"
    )
    if membership is not None and not membership.is_admin:
        calls = calls.filter(client__in=clients_visible_to(membership=membership).values("pk"))
    if client is not None:
        calls = calls.filter(client=client)
    if since is not None:
        if not isinstance(since, datetime):
            since = datetime.combine(since, time.min, tzinfo=zone)
        calls = calls.filter(received_at__gte=since)
    if until is not None:
        if not isinstance(until, datetime):
            until = datetime.combine(until, time.max, tzinfo=zone)
        calls = calls.filter(received_at__lte=until)
    return calls.order_by("-received_at", "-id")


# What a list of calls shows (``partials/rows.html``): no answers or notes read for the rows.
LIST_FIELDS = (
    "practice",
    "client",
    "client__name",
    "received_at",
    "caller_name",
    "caller_company",
    "urgency",
    "reason",
    "message",
    "message_for_name",
    "message_for_contact",
    "message_for_contact__name",
    "task",
    "task__status",
)


def call_get(*, practice: Practice, call_id, membership: Membership | None = None) -> Call:
    call = calls_for(practice=practice, membership=membership).filter(pk=parse_id(call_id)).first()
    if call is None:
        raise Http404
    return call


def messages_for_client(*, practice: Practice, client: Client) -> QuerySet[Call]:
    """The messages taken for the client, as its portal shows them."""
    return (
        Call.objects.for_practice(practice)
        .filter(client=client, message_to_client=True)
        .only("practice", "client", *CALL_FIELDS_FOR_CLIENTS)
        .order_by("-received_at", "-id")
    )
