"""The calls' search provider: ``search_calls(context)`` for the staff search (registered with
``secretary.search`` by the tasks app): full-text like every kind, newest first, scoped to the
practice and to the clients the member may see (owners and admins see every client's calls, as
in the call list)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from clients.search import without_closed
from secretary.search import SearchHit, newest_first, query_terms, snippet, text_match
from tasks.calls.models import Call

# The order of the stored search vector's fields (tasks migration 0012).
FIELDS = ("caller_name", "caller_company", "caller_number", "reason", "message", "answer_given")


def search_calls(context) -> list:
    """Calls whose caller, company, number, reason, message or answer holds the words."""
    calls = Call.objects.for_practice(context.practice)
    if not context.membership.is_admin:
        calls = without_closed(calls, context)
    rows = (
        text_match(calls, FIELDS, context.text)
        .select_related("client")
        .only("practice", *FIELDS, "received_at", "client__name")
    )
    rows = newest_first(rows, "received_at")[: context.limit]
    terms = query_terms(context.text)
    hits = []
    for call in rows:
        said = [getattr(call, name) for name in FIELDS[1:]]
        found = next((text for text in said if text and _holds(text, terms)), "")
        hits.append(
            SearchHit(
                kind=_("Call"),
                title=_("%(caller)s called for %(client)s")
                % {"caller": call.caller_name, "client": call.client.name},
                url=reverse("call_detail", args=[context.practice.slug, call.pk]),
                snippet=snippet(found or " · ".join(filter(None, said)), terms),
                when=call.received_at,
                rank=float(call.search_rank),
            )
        )
    return hits


def _holds(text: str, terms: list[str]) -> bool:
    lowered = text.lower()
    return any(term in lowered for term in terms)
