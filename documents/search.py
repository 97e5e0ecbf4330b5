"""Search provider of the documents app: documents by title (see ``secretary.search``).

A regulated client's documents are found only by staff who signed its agreement; the
practice's own documents (no client) by every staff member."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from clients.search import without_closed
from documents.models import Document, DocumentStatus
from secretary.choices import label_of
from secretary.search import (
    SearchContext,
    SearchHit,
    query_terms,
    snippet,
)

DOCUMENT_FIELDS = ("title",)


def document_rows(context: SearchContext) -> QuerySet:
    return without_closed(Document.objects.for_practice(context.practice), context)


DOCUMENT_COLUMNS = (
    *("pk", "title", "kind", "status", "created_at"),
    *("client_id", "client__name", "search_rank"),
)


def document_hits(context: SearchContext, rows: list[dict]) -> list[SearchHit]:
    terms = query_terms(context.text)
    slug = context.practice.slug
    kind, status = (Document._meta.get_field(name) for name in ("kind", "status"))
    hits = []
    for row in rows:
        if row["status"] == DocumentStatus.READY:
            url = reverse("document_download", args=[slug, row["pk"]])
        else:
            url = reverse("documents", args=[slug])
            if row["client_id"]:
                url += "?" + urlencode({"client": row["client_id"]})
        about = row["client__name"] if row["client_id"] else gettext("The practice")
        described = [about, label_of(kind, row["kind"]), label_of(status, row["status"])]
        hits.append(
            SearchHit(
                kind=gettext("Document"),
                title=row["title"],
                url=url,
                snippet=snippet(" · ".join(filter(None, described)), terms),
                when=row["created_at"],
                rank=float(row["search_rank"]),
            )
        )
    return hits
