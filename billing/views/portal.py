"""The client's view of their own books in the portal: reports (profit and loss, balance
sheet, general ledger) with CSV and PDF downloads, and the month-end packs published to them.

Only contacts allowed billing reach these pages (``contact_view("billing")``), and only their
own client's books: any other book id answers 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing import closing, reporting
from billing.ledger.selectors import book_get
from billing.views import reports as views
from clients.access import contact_view
from secretary.files import stored_file_response

PACKS_SHOWN = 36


@contact_view("billing")
@require_GET
def portal_ledger_reports(request: HttpRequest, book_id: int) -> HttpResponse:
    book = book_get(practice=request.practice, book_id=book_id, client=request.client)
    return views.report_page(request, book, portal=True)


@contact_view("billing")
@require_GET
def portal_ledger_report_export(request: HttpRequest, book_id: int, fmt: str) -> HttpResponse:
    book = book_get(practice=request.practice, book_id=book_id, client=request.client)
    return views.report_export(request, book, fmt, portal=True)


@contact_view("billing")
@require_POST
def portal_ledger_report_pdf(request: HttpRequest, book_id: int) -> HttpResponse:
    book = book_get(practice=request.practice, book_id=book_id, client=request.client)
    return views.report_pdf(request, book, portal=True)


@contact_view("billing")
@require_GET
def portal_ledger_report_document(
    request: HttpRequest, book_id: int, document_id: int
) -> HttpResponse:
    book = book_get(practice=request.practice, book_id=book_id, client=request.client)
    return views.document_status(
        request, book, views.book_document(request, book, document_id, portal=True), portal=True
    )


@contact_view("billing")
@require_http_methods(["GET", "HEAD"])
def portal_ledger_document_download(
    request: HttpRequest, book_id: int, document_id: int
) -> HttpResponse:
    """A report PDF of the contact's own books, or a month-end pack once published."""
    book = book_get(practice=request.practice, book_id=book_id, client=request.client)
    document = views.book_document(request, book, document_id, portal=True)
    if document.status != "ready" or not document.file:
        raise Http404
    return stored_file_response(
        document.file,
        filename=reporting.document_filename(book, document),
        inline=False,
        max_age=300,
    )


@contact_view("billing")
@require_GET
def portal_books(request: HttpRequest) -> HttpResponse:
    books = reporting.books_for(practice=request.practice, client=request.client)
    packs = closing.month_end_packs(
        practice=request.practice, client=request.client, published=True
    )[:PACKS_SHOWN]
    return render(request, "billing/portal_books.html", {"books": books, "packs": list(packs)})


staff_patterns: list = []
portal_patterns: list = [
    path("books/", portal_books, name="portal_books"),
    path("books/<int:book_id>/reports/", portal_ledger_reports, name="portal_ledger_reports"),
    path(
        "books/<int:book_id>/reports/export/<str:fmt>/",
        portal_ledger_report_export,
        name="portal_ledger_report_export",
    ),
    path(
        "books/<int:book_id>/reports/pdf/",
        portal_ledger_report_pdf,
        name="portal_ledger_report_pdf",
    ),
    path(
        "books/<int:book_id>/reports/documents/<int:document_id>/",
        portal_ledger_report_document,
        name="portal_ledger_report_document",
    ),
    path(
        "books/<int:book_id>/documents/<int:document_id>/download/",
        portal_ledger_document_download,
        name="portal_ledger_document_download",
    ),
]
