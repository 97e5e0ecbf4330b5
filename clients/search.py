"""Search providers of the clients app: clients and their contacts (see ``secretary.search``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from clients.models import Client, Contact
from clients.selectors import regulated_clients_closed_to
from secretary.choices import label_of
from secretary.prepared import AmongIds, OutsideIds
from secretary.search import (
    SearchContext,
    SearchHit,
    query_terms,
    shared_value,
    snippet,
    uses_full_text,
)

CLIENT_FIELDS = ("name", "billing_email")
CONTACT_FIELDS = ("name", "email", "phone", "title")


def closed_clients(context) -> set[int]:
    """Ids of the regulated clients whose records the member searching may not read (no
    signed agreement of the kind they require): read once per search, whichever provider
    asks first, instead of a subquery in every provider's query."""
    return shared_value(context, "closed_clients")


def closed_to_member(context) -> set[int]:
    """(The shared value ``closed_clients``, registered by the clients app.)"""
    return regulated_clients_closed_to(context.membership)


def without_closed(queryset: QuerySet, context, client_field: str = "client") -> QuerySet:
    """``queryset`` without the rows of ``closed_clients`` (rows with no client stay); no
    condition at all when none is closed, as in most practices. On PostgreSQL the ids are one
    array parameter, so the SQL is the same whichever clients are closed (the search's
    statement is compiled once: ``secretary.search_statement``)."""
    closed = closed_clients(context)
    if not closed:
        return queryset
    if uses_full_text() and "__" in client_field:
        # Through a relation (a comment's task): the related rows of those clients, as a
        # subquery, so that the rows sort without a join before their page is cut.
        relation, field = client_field.split("__", 1)
        related = queryset.model._meta.get_field(relation).related_model
        ids = related.objects.for_practice(context.practice).filter(AmongIds(F(field), closed))
        return queryset.exclude(**{f"{relation}__in": ids.values("pk")})
    if uses_full_text():
        return queryset.filter(OutsideIds(F(client_field), closed))
    return queryset.exclude(**{f"{client_field}__in": sorted(closed)})


def client_rows(context: SearchContext) -> QuerySet:
    """Every client of the practice (the client list shows every client to staff), by name
    or billing e-mail (``CLIENT_FIELDS``; notes are not searched)."""
    return Client.objects.for_practice(context.practice)


BEST_FIRST = ("-search_rank", "name", "pk")
CLIENT_COLUMNS = ("pk", "name", "billing_email", "status", "updated_at", "search_rank")


def client_hits(context: SearchContext, rows: list[dict]) -> list[SearchHit]:
    terms = query_terms(context.text)
    slug = context.practice.slug
    status = Client._meta.get_field("status")
    return [
        SearchHit(
            kind=gettext("Client"),
            title=row["name"],
            url=reverse("client_detail", args=[slug, row["pk"]]),
            snippet=snippet(
                " · ".join(filter(None, [label_of(status, row["status"]), row["billing_email"]])),
                terms,
            ),
            when=row["updated_at"],
            rank=float(row["search_rank"]),
        )
        for row in rows
    ]


def contact_rows(context: SearchContext) -> QuerySet:
    """Contacts, by name, e-mail, phone or title; a regulated client's contacts only for staff
    who signed its agreement."""
    return without_closed(Contact.objects.for_practice(context.practice), context)


CONTACT_COLUMNS = (
    *("name", "email", "phone", "title", "created_at"),
    *("client_id", "client__name", "search_rank"),
)


def contact_hits(context: SearchContext, rows: list[dict]) -> list[SearchHit]:
    terms = query_terms(context.text)
    slug = context.practice.slug
    return [
        SearchHit(
            kind=gettext("Contact"),
            title=row["name"],
            url=reverse("client_detail", args=[slug, row["client_id"]]),
            snippet=snippet(
                " · ".join(
                    filter(None, [row["client__name"], row["title"], row["email"], row["phone"]])
                ),
                terms,
            ),
            when=row["created_at"],
            rank=float(row["search_rank"]),
        )
        for row in rows
    ]


def clients_more_url(practice_slug: str, text: str) -> str:
    """The client list of the whole practice, searching the same text (names and e-mails of
    clients and of their contacts)."""
    query = urlencode({"scope": "all", "q": text})
    return f"{reverse('client_list', args=[practice_slug])}?{query}"
