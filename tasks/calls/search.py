"""The calls' search provider (``call_rows``, ``call_hits``; registered with
``secretary.search`` by the tasks app): full-text like every kind, newest first, scoped to the
practice and to the clients the member may see (owners and admins see every client's calls, as
in the call list)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from clients.search import without_closed
from secretary.search import SearchHit, query_terms, snippet
from tasks.calls.models import Call

# The order of the stored search vector's fields (tasks migration 0012).
FIELDS = ("caller_name", "caller_company", "caller_number", "reason", "message", "answer_given")


def call_rows(context) -> QuerySet:
    """Calls whose caller, company, number, reason, message or answer holds the words."""
    calls = Call.objects.for_practice(context.practice)
    if not context.membership.is_admin:  # owners and admins see every client's calls
        calls = without_closed(calls, context)
    return calls


COLUMNS = ("pk", *FIELDS, "received_at", "client__name", "search_rank")


def call_hits(context, rows: list[dict]) -> list:
    terms = query_terms(context.text)
    hits = []
    for row in rows:
        said = [row[name] for name in FIELDS[1:]]
        found = next((text for text in said if text and _holds(text, terms)), "")
        hits.append(
            SearchHit(
                kind=_("Call"),
                title=_("%(caller)s called for %(client)s")
                % {"caller": row["caller_name"], "client": row["client__name"]},
                url=reverse("call_detail", args=[context.practice.slug, row["pk"]]),
                snippet=snippet(found or " · ".join(filter(None, said)), terms),
                when=row["received_at"],
                rank=float(row["search_rank"]),
            )
        )
    return hits


def _holds(text: str, terms: list[str]) -> bool:
    lowered = text.lower()
    return any(term in lowered for term in terms)
