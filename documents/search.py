"""Search provider of the documents app: documents by title (see ``secretary.search``).

A regulated client's documents are found only by staff who signed its agreement; the
practice's own documents (no client) by every staff member."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext

from clients.search import newest_matches
from documents.models import Document
from secretary.search import (
    SearchContext,
    SearchHit,
    query_terms,
    snippet,
)

DOCUMENT_FIELDS = ("title",)


def search_documents(context: SearchContext) -> list[SearchHit]:
    rows = newest_matches(
        Document,
        context,
        DOCUMENT_FIELDS,
        columns=("practice", "title", "kind", "status", "created_at", "client__name"),
    )
    terms = query_terms(context.text)
    slug = context.practice.slug
    hits = []
    for document in rows:
        if document.is_ready:
            url = reverse("document_download", args=[slug, document.pk])
        else:
            url = reverse("documents", args=[slug])
            if document.client_id:
                url += "?" + urlencode({"client": document.client_id})
        about = document.client.name if document.client_id else gettext("The practice")
        hits.append(
            SearchHit(
                kind=gettext("Document"),
                title=document.title,
                url=url,
                snippet=snippet(
                    " · ".join([about, document.get_kind_display(), document.get_status_display()]),
                    terms,
                ),
                when=document.created_at,
                rank=float(document.search_rank),
            )
        )
    return hits
