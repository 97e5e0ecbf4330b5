"""The calls' search provider: ``search_calls(context)`` for the staff search (registered with
``secretary.search`` by the tasks app): full-text like every kind, newest first, scoped to the
practice and to the clients the member may see (owners and admins see every client's calls, as
in the call list)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from clients.search import newest_matches
from secretary.search import SearchHit, query_terms, snippet
from tasks.calls.models import Call

# The order of the stored search vector's fields (tasks migration 0012).
FIELDS = ("caller_name", "caller_company", "caller_number", "reason", "message", "answer_given")


def search_calls(context) -> list:
    """Calls whose caller, company, number, reason, message or answer holds the words."""
    rows = newest_matches(
        Call,
        context,
        FIELDS,
        columns=("practice", *FIELDS, "received_at", "client__name"),
        when="received_at",
        every_client=context.membership.is_admin,  # owners and admins see every client's calls
    )
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
