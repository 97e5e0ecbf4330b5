"""Reads of the call log."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from clients.models import Client
from clients.playbook.selectors import visible_clients
from secretary.limits import parse_id
from secretary.models import Membership, Practice
from secretary.prepared import prepared_list
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
    return _calls(**call_filters(practice, membership, client, since, until, zone))


def call_filters(practice, membership=None, client=None, since=None, until=None, zone=None):
    """``calls_for``'s arguments as ids, instants and the member's role: what ``listed_calls``
    takes too."""
    if since is not None and not isinstance(since, datetime):
        since = datetime.combine(since, time.min, tzinfo=zone)
    if until is not None and not isinstance(until, datetime):
        until = datetime.combine(until, time.max, tzinfo=zone)
    screened = membership is not None and not membership.is_admin
    return {
        "practice": practice.pk if isinstance(practice, Practice) else practice,
        "member": membership.pk if screened else None,
        "today": timezone.localdate() if screened else None,
        "client": client.pk if isinstance(client, Client) else client,
        "since": since,
        "until": until,
    }


def _calls(*, practice: int, member=None, today=None, client=None, since=None, until=None):
    calls = Call.objects.for_practice(practice).select_related(
        "client", "message_for_contact", "task"
    )
    if member is not None:
        visible = visible_clients(practice=practice, member=member, admin=False, today=today)
        calls = calls.filter(client__in=visible.values("pk"))
    if client is not None:
        calls = calls.filter(client=client)
    if since is not None:
        calls = calls.filter(received_at__gte=since)
    if until is not None:
        calls = calls.filter(received_at__lte=until)
    return calls.order_by("-received_at", "-id")


@prepared_list()
def listed_calls(**filters):
    """The call list's pages (``call_filters``), read through prepared reads."""
    return _calls(**filters).only(*LIST_FIELDS)


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
