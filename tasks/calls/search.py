"""The calls' search provider: ``search_calls(context)`` for the staff search
(registered with ``secretary.search`` by the tasks app); scoped to the practice and the clients the member may
see."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from clients.playbook.search import SNIPPET, snippet_of
from secretary.search import SearchHit
from tasks.calls.selectors import calls_for

FIELDS = ("caller_name", "caller_company", "caller_number", "reason", "message", "answer_given")


def search_calls(context) -> list:
    """Calls whose caller, company, number, reason, message or answer holds the text (as plain
    text, any case)."""
    text = (context.text or "").strip()[:200]
    if not text:
        return []
    match = Q()
    for name in FIELDS:
        match |= Q(**{f"{name}__icontains": text})
    calls = calls_for(practice=context.practice, membership=context.membership).filter(match)[
        : context.limit
    ]
    hits = []
    for call in calls:
        found = next(
            (getattr(call, name) for name in FIELDS if text.lower() in getattr(call, name).lower()),
            "",
        )
        hits.append(
            SearchHit(
                kind=_("Call"),
                title=_("%(caller)s called for %(client)s")
                % {"caller": call.caller_name, "client": call.client.name},
                url=reverse("call_detail", args=[context.practice.slug, call.pk]),
                snippet=snippet_of(found, text)[: SNIPPET + 2],
                when=call.received_at,
                rank=2.0 if text.lower() in call.caller_name.lower() else 1.0,
            )
        )
    return hits
