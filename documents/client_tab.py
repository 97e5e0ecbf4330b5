"""The client page's Documents tab (registered in ``DocumentsConfig.ready``): the client's
documents being written, and the latest files with their first page as a preview."""

from __future__ import annotations

from django.db.models import Count

from documents.models import Composition, Document, DocumentStatus
from secretary.prepared import prepared_aggregate

TAB_ROWS = 12


def documents_count(request, client) -> int:
    return _compositions(practice=request.practice.pk, client=client.pk)["n"]


@prepared_aggregate(n=Count("pk"))
def _compositions(*, practice: int, client: int):
    return Composition.objects.for_practice(practice).filter(client=client)


def documents_context(request, client) -> dict:
    from documents.views_compose import composition_rows

    files = (
        Document.objects.for_practice(request.practice)
        .filter(client=client, status=DocumentStatus.READY)
        .only("practice", "title", "kind", "created_at", "page_count", "preview")
        .order_by("-created_at", "-pk")
    )
    return {
        "client": client,
        "compositions": list(
            composition_rows(practice=request.practice).filter(client=client)[:TAB_ROWS]
        ),
        "files": list(files[:TAB_ROWS]),
    }
