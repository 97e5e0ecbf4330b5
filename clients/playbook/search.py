"""The playbooks' search provider (``playbook_rows``, ``playbook_hits``; registered with
``secretary.search`` by the clients app): scoped to the practice and to the clients the member
may see (regulated clients' rules)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from clients.playbook.content import SECTIONS, section_label
from clients.playbook.models import Playbook
from clients.search import without_closed
from secretary.search import SNIPPET_LENGTH as SNIPPET
from secretary.search import SearchHit


def _texts(content: dict):
    """(section key, text) for every piece of text in a playbook's content."""
    for spec in SECTIONS:
        value = content.get(spec.name)
        if isinstance(value, str):
            yield spec.name, value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    yield spec.name, item
                elif isinstance(item, dict):
                    yield spec.name, " · ".join(str(v) for v in item.values() if v)


def snippet_of(text: str, needle: str) -> str:
    """About ``SNIPPET`` characters of ``text`` around the first match of ``needle``."""
    text = " ".join(text.split())
    at = text.lower().find(needle.lower())
    if at < 0:
        return text[:SNIPPET]
    start = max(0, at - SNIPPET // 3)
    piece = text[start : start + SNIPPET]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET < len(text) else "")


def playbook_rows(context):
    """Playbooks whose client's name or content holds the text (plain text, any case: the
    query is a parameter, never SQL, a regular expression or a full-text operator)."""
    playbooks = Playbook.objects.for_practice(context.practice)
    if not context.membership.is_admin:  # owners and admins open every client's playbook
        playbooks = without_closed(playbooks, context)
    text = context.text  # cleaned and bounded by the search form and the API
    return playbooks.filter(version__gt=0).filter(
        Q(client__name__icontains=text) | Q(content__icontains=text)
    )


PLAYBOOK_COLUMNS = ("client_id", "client__name", "content", "updated_at")


def playbook_hits(context, rows: list[dict]) -> list:
    text = context.text.lower()
    hits = []
    for row in rows:
        section, found = next(
            ((key, value) for key, value in _texts(row["content"]) if text in value.lower()),
            (None, ""),
        )
        client_name = row["client__name"]
        if section is None and text not in client_name.lower():
            continue  # matched only the JSON's keys or escapes
        snippet = f"{section_label(section)}: {snippet_of(found, text)}" if section else ""
        hits.append(
            SearchHit(
                kind=_("Playbook"),
                title=_("Playbook of %(client)s") % {"client": client_name},
                url=reverse("playbook_detail", args=[context.practice.slug, row["client_id"]]),
                snippet=snippet[: SNIPPET + 40],
                when=row["updated_at"],
                rank=2.0 if text in client_name.lower() else 1.0,
            )
        )
    hits.sort(key=lambda hit: -hit.rank)
    return hits
