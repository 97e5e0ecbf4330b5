"""Report pages of a book (staff and, for their own client's books, portal contacts): the
picker, the table, CSV/XLSX downloads and the PDF through the documents renderer."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from billing import reporting
from billing.access import book_for
from billing.ledger.selectors import books_for_member
from billing.models import Book
from clients.services import regulated_view_record
from documents.models import Document
from secretary.access import staff_view
from secretary.errors import ApplicationError
from secretary.limits import parse_id

EXPORT_FORMATS = ("csv", "xlsx")


def _page_number(request: HttpRequest) -> int:
    return parse_id(request.GET.get("page")) or 1


def _form(request: HttpRequest, book: Book, *, portal: bool) -> reporting.ReportForm:
    kinds = reporting.PORTAL_KINDS if portal else reporting.REPORT_KINDS
    data = request.POST if request.method == "POST" else request.GET
    return reporting.ReportForm(data, book=book, kinds=kinds)


def _urls(request: HttpRequest, book: Book, *, portal: bool) -> dict[str, str]:
    slug = request.practice.slug
    prefix = "portal_" if portal else ""
    return {
        "page": reverse(f"{prefix}ledger_reports", args=[slug, book.pk]),
        "csv": reverse(f"{prefix}ledger_report_export", args=[slug, book.pk, "csv"]),
        "xlsx": reverse(f"{prefix}ledger_report_export", args=[slug, book.pk, "xlsx"]),
        "pdf": reverse(f"{prefix}ledger_report_pdf", args=[slug, book.pk]),
    }


def report_page(request: HttpRequest, book: Book, *, portal: bool) -> HttpResponse:
    form = _form(request, book, portal=portal)
    table = None
    if form.is_valid():
        report = form.report_request(page=_page_number(request))
        table = reporting.build_table(practice=request.practice, book=book, request=report)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "book": book,
        "form": form,
        "table": table,
        "query": query.urlencode(),
        "urls": _urls(request, book, portal=portal),
        "portal": portal,
        "base_template": "portal_base.html" if portal else "app_base.html",
    }
    if request.htmx:
        return render(request, "billing/partials/report_table.html", context)
    return render(request, "billing/report_page.html", context)


def report_export(request: HttpRequest, book: Book, fmt: str, *, portal: bool) -> HttpResponse:
    if fmt not in EXPORT_FORMATS or (portal and fmt != "csv"):
        raise Http404
    form = _form(request, book, portal=portal)
    if not form.is_valid():
        return report_page(request, book, portal=portal)
    report = form.report_request(page=0)  # every line
    table = reporting.build_table(practice=request.practice, book=book, request=report)
    return reporting.export_response(book=book, request=report, table=table, fmt=fmt)


def report_pdf(request: HttpRequest, book: Book, *, portal: bool) -> HttpResponse:
    form = _form(request, book, portal=portal)
    document, problem = None, None
    if form.is_valid():
        try:
            document = reporting.report_pdf_request(
                practice=request.practice,
                book=book,
                request=form.report_request(page=0),
                user=request.user,
            )
        except ApplicationError as error:
            problem = error.message
    else:
        problem = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return document_status(request, book, document, portal=portal, problem=problem)


def document_status(
    request: HttpRequest, book: Book, document: Document | None, *, portal: bool, problem=None
) -> HttpResponse:
    slug = request.practice.slug
    context = {"document": document, "problem": problem, "portal": portal, "book": book}
    if document is not None:
        prefix = "portal_" if portal else ""
        context["status_url"] = reverse(
            f"{prefix}ledger_report_document", args=[slug, book.pk, document.pk]
        )
        context["download_url"] = (
            reverse("portal_ledger_document_download", args=[slug, book.pk, document.pk])
            if portal
            else reverse("document_download", args=[slug, document.pk])
        )
    if request.htmx:
        return render(request, "billing/partials/report_document.html", context)
    context["base_template"] = "portal_base.html" if portal else "app_base.html"
    return render(request, "billing/report_document.html", context)


def book_document(request: HttpRequest, book: Book, document_id: int, *, portal: bool):
    return reporting.book_document_get(
        practice=request.practice, book=book, document_id=document_id, portal=portal
    )


# --- Staff ----------------------------------------------------------------------------------


def staff_book(request: HttpRequest, book_id: int) -> Book:
    """The practice's book of the URL; reading a regulated client's books is audited."""
    book = book_for(request, book_id)
    if book.client is not None:
        regulated_view_record(request=request, client=book.client)
    return book


@staff_view
@require_GET
def report_books(request: HttpRequest) -> HttpResponse:
    books = books_for_member(practice=request.practice, membership=request.membership)
    return render(request, "billing/report_books.html", {"books": books})


@staff_view
@require_GET
def ledger_reports(request: HttpRequest, book_id: int) -> HttpResponse:
    book = staff_book(request, book_id)
    return report_page(request, book, portal=False)


@staff_view
@require_GET
def ledger_report_export(request: HttpRequest, book_id: int, fmt: str) -> HttpResponse:
    book = staff_book(request, book_id)
    return report_export(request, book, fmt, portal=False)


@staff_view
@require_POST
def ledger_report_pdf(request: HttpRequest, book_id: int) -> HttpResponse:
    book = book_for(request, book_id)
    return report_pdf(request, book, portal=False)


@staff_view
@require_GET
def ledger_report_document(request: HttpRequest, book_id: int, document_id: int) -> HttpResponse:
    book = book_for(request, book_id)
    return document_status(
        request, book, book_document(request, book, document_id, portal=False), portal=False
    )


staff_patterns: list = [
    path("reports/", report_books, name="report_books"),
    path("books/<int:book_id>/reports/", ledger_reports, name="ledger_reports"),
    path(
        "books/<int:book_id>/reports/export/<str:fmt>/",
        ledger_report_export,
        name="ledger_report_export",
    ),
    path("books/<int:book_id>/reports/pdf/", ledger_report_pdf, name="ledger_report_pdf"),
    path(
        "books/<int:book_id>/reports/documents/<int:document_id>/",
        ledger_report_document,
        name="ledger_report_document",
    ),
]
portal_patterns: list = []
