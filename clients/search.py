"""Search providers of the clients app: clients and their contacts (see ``secretary.search``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from clients.models import Client, Contact
from clients.selectors import regulated_clients_closed_to
from secretary.search import (
    SearchContext,
    SearchHit,
    newest_first,
    query_terms,
    snippet,
    text_match,
)

CLIENT_FIELDS = ("name", "billing_email")
CONTACT_FIELDS = ("name", "email", "phone", "title")


def closed_clients(context) -> set[int]:
    """Ids of the regulated clients whose records the member searching may not read (no
    signed agreement of the kind they require): read once per search, whichever provider
    asks first, instead of a subquery in every provider's query."""
    shared = getattr(context, "shared", None)
    if shared is None:
        return regulated_clients_closed_to(context.membership)
    if "closed_clients" not in shared:
        shared["closed_clients"] = regulated_clients_closed_to(context.membership)
    return shared["closed_clients"]


def without_closed(queryset: QuerySet, context, client_field: str = "client") -> QuerySet:
    """``queryset`` without the rows of ``closed_clients`` (rows with no client stay); no
    condition at all when none is closed, as in most practices."""
    closed = closed_clients(context)
    if not closed:
        return queryset
    return queryset.exclude(**{f"{client_field}__in": sorted(closed)})


def search_clients(context: SearchContext) -> list[SearchHit]:
    """Every client of the practice by name or billing e-mail (the client list shows every
    client to staff; notes are not searched)."""
    rows = (
        text_match(Client.objects.for_practice(context.practice), CLIENT_FIELDS, context.text)
        .only("practice", "name", "billing_email", "status", "updated_at")
        .order_by("-search_rank", "name", "pk")[: context.limit]
    )
    terms = query_terms(context.text)
    slug = context.practice.slug
    return [
        SearchHit(
            kind=gettext("Client"),
            title=client.name,
            url=reverse("client_detail", args=[slug, client.pk]),
            snippet=snippet(
                " · ".join(filter(None, [client.get_status_display(), client.billing_email])),
                terms,
            ),
            when=client.updated_at,
            rank=float(client.search_rank),
        )
        for client in rows
    ]


def search_contacts(context: SearchContext) -> list[SearchHit]:
    """Contacts by name, e-mail, phone or title; a regulated client's contacts only for staff
    who signed its agreement."""
    rows = (
        text_match(
            without_closed(Contact.objects.for_practice(context.practice), context),
            CONTACT_FIELDS,
            context.text,
        )
        .select_related("client")
        .only("practice", "name", "email", "phone", "title", "created_at", "client__name")
        .order_by("-search_rank", "name", "pk")[: context.limit]
    )
    terms = query_terms(context.text)
    slug = context.practice.slug
    return [
        SearchHit(
            kind=gettext("Contact"),
            title=contact.name,
            url=reverse("client_detail", args=[slug, contact.client_id]),
            snippet=snippet(
                " · ".join(
                    filter(None, [contact.client.name, contact.title, contact.email, contact.phone])
                ),
                terms,
            ),
            when=contact.created_at,
            rank=float(contact.search_rank),
        )
        for contact in rows
    ]


def newest_matches(
    model,
    context,
    fields,
    *,
    columns,
    related=("client",),
    client_field: str = "client",
    when: str = "created_at",
    every_client: bool = False,
) -> list:
    """The newest ``context.limit`` rows of ``model`` in the practice whose ``fields`` match
    the text (``text_match``, ``newest_first`` on ``when``), reading ``columns`` only, without
    the rows of the clients closed to the member unless ``every_client``."""
    rows = model.objects.for_practice(context.practice)
    if not every_client:
        rows = without_closed(rows, context, client_field=client_field)
    matches = text_match(rows, fields, context.text).select_related(*related).only(*columns)
    return list(newest_first(matches, when)[: context.limit])


def clients_more_url(practice_slug: str, text: str) -> str:
    """The client list of the whole practice, searching the same text (names and e-mails of
    clients and of their contacts)."""
    query = urlencode({"scope": "all", "q": text})
    return f"{reverse('client_list', args=[practice_slug])}?{query}"
