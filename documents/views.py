"""Staff and portal views of documents: lists, live status fragments, downloads, retry.

Files are only ever served here, after the practice (and for contacts, the client) is checked;
never from a public media URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clients.access import contact_view
from clients.services import regulated_view_record
from documents import selectors, services
from documents.filters import DocumentFilter
from documents.models import Document
from documents.subjects import subject_exists
from secretary.access import staff_view
from secretary.errors import ApplicationError
from secretary.files import stored_file_response

PAGE_SIZE = 50


def _serve(document: Document, *, preview: bool) -> FileResponse:
    name = slugify(document.title) or "document"
    if preview and not document.preview:
        # Ready moments ago (its preview task has not run yet), or that task was lost.
        document = services.document_make_preview(
            practice_id=document.practice_id, document_id=document.pk
        )
        if document is None or not document.preview:
            raise Http404
    # A ready document's files never change; only this user's browser may keep them.
    return stored_file_response(
        document.preview if preview else document.file,
        filename=f"{name}.png" if preview else f"{name}.pdf",
        inline=preview,
        max_age=300,
    )


def _subject_fragment(
    request: HttpRequest, *, subject_type: str, subject_id: int, client=None, portal: bool
) -> HttpResponse:
    if not subject_exists(
        practice=request.practice, subject_type=subject_type, subject_id=subject_id, client=client
    ):
        raise Http404
    documents = selectors.documents_for_subject(
        practice=request.practice,
        subject_type=subject_type,
        subject_id=subject_id,
        client=client,
    )
    context = {
        "documents_loaded": True,
        "documents": documents,
        "pending": any(document.is_pending for document in documents),
        "subject_type": subject_type,
        "subject_id": subject_id,
        "portal": portal,
        "may_retry": not portal,
    }
    if request.htmx:
        return render(request, "documents/partials/subject_documents.html", context)
    context["base_template"] = "portal_base.html" if portal else "app_base.html"
    return render(request, "documents/subject_documents.html", context)


# --- Staff ---------------------------------------------------------------------------------


@staff_view
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    documents = DocumentFilter(
        request.GET or None,
        queryset=selectors.document_list(practice=request.practice),
        request=request,
    )
    # A bad filter shows its error and no rows, rather than every document.
    valid = not documents.is_bound or documents.is_valid()
    rows = documents.qs if valid else documents.queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/document_list.html",
        {
            "filter": documents,
            "page": page,
            "query": query.urlencode(),
        },
    )


@staff_view
@require_GET
def subject_documents(request: HttpRequest, subject_type: str, subject_id: int) -> HttpResponse:
    return _subject_fragment(
        request, subject_type=subject_type, subject_id=subject_id, portal=False
    )


def _staff_serve(request: HttpRequest, document_id: int, *, preview: bool) -> FileResponse:
    document = selectors.document_get_ready(practice=request.practice, document_id=document_id)
    if document.client is not None:
        regulated_view_record(request=request, client=document.client)
    return _serve(document, preview=preview)


@staff_view
@require_GET
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    return _staff_serve(request, document_id, preview=False)


@staff_view
@require_GET
def document_preview(request: HttpRequest, document_id: int) -> FileResponse:
    return _staff_serve(request, document_id, preview=True)


@staff_view
@require_POST
def document_retry(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(practice=request.practice, document_id=document_id)
    problem = None
    try:
        document = services.document_retry(
            practice=request.practice, document=document, user=request.user
        )
    except ApplicationError as error:
        problem = error.message
    if request.htmx and document.subject_type and document.subject_id is not None:
        # The fresh fragment says it all (a second click from a stale page shows it queued).
        return _subject_fragment(
            request,
            subject_type=document.subject_type,
            subject_id=document.subject_id,
            portal=False,
        )
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _("The document is queued again."))
    if request.htmx:
        return HttpResponse(headers={"HX-Refresh": "true"})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("documents", practice_slug=request.practice.slug)


# --- Portal (client contacts allowed to see documents, their own client's only) -------------


@contact_view("documents")
@require_GET
def portal_subject_documents(
    request: HttpRequest, subject_type: str, subject_id: int
) -> HttpResponse:
    return _subject_fragment(
        request,
        subject_type=subject_type,
        subject_id=subject_id,
        client=request.client,
        portal=True,
    )


@contact_view("documents")
@require_GET
def portal_document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = selectors.document_get_ready(
        practice=request.practice, document_id=document_id, client=request.client
    )
    return _serve(document, preview=False)


@contact_view("documents")
@require_GET
def portal_document_preview(request: HttpRequest, document_id: int) -> FileResponse:
    document = selectors.document_get_ready(
        practice=request.practice, document_id=document_id, client=request.client
    )
    return _serve(document, preview=True)
