"""The billing part of the portal: the client's invoices (issued, sent, partly paid, paid;
never drafts), each with its lines, payments and PDF, a statement of account, the balance due,
and paying online when it is on. Only the client's contacts allowed billing reach it
(``contact_view("billing")``); another client's invoice answers 404.

The Stripe webhook lives here too, outside the practice prefix (``public_patterns``).
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.invoicing.documents import billing_settings, invoice_request_pdf, statement_request_pdf
from billing.invoicing.payments_online import WebhookRejected, payment_provider
from billing.models import (
    OPEN_INVOICE_STATUSES,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    PaymentAllocation,
)
from clients.access import contact_view
from documents.models import Document, DocumentKind, DocumentStatus
from secretary.errors import ApplicationError
from secretary.files import stored_file_response

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
SHOWN_STATUSES = (
    InvoiceStatus.ISSUED,
    InvoiceStatus.SENT,
    InvoiceStatus.PARTLY_PAID,
    InvoiceStatus.PAID,
)


def _invoices(request: HttpRequest):
    return Invoice.objects.for_practice(request.practice).filter(
        client=request.client, status__in=SHOWN_STATUSES
    )


def _invoice_get(request: HttpRequest, invoice_id: int) -> Invoice:
    invoice = _invoices(request).filter(pk=invoice_id).select_related("document").first()
    if invoice is None:
        raise Http404
    return invoice


def _balances(request: HttpRequest) -> list[dict]:
    """The amount due on open invoices, per currency (one query)."""
    rows = (
        _invoices(request)
        .filter(kind="invoice", status__in=OPEN_INVOICE_STATUSES)
        .values("currency")
        .annotate(due=Sum(F("total") - F("amount_paid") - F("amount_credited")))
        .order_by("currency")
    )
    return [row for row in rows if row["due"]]


def _latest_statement(request: HttpRequest) -> Document | None:
    return (
        Document.objects.for_practice(request.practice)
        .filter(client=request.client, kind=DocumentKind.STATEMENT_OF_ACCOUNT)
        .order_by("-created_at", "-id")
        .first()
    )


@contact_view("billing")
@require_GET
def portal_invoices(request: HttpRequest) -> HttpResponse:
    rows = _invoices(request).order_by("-issue_date", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/portal_invoices.html",
        {
            "page": page,
            "balances": _balances(request),
            "statement": _latest_statement(request),
        },
    )


@contact_view("billing")
@require_GET
def portal_invoice(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice_get(request, invoice_id)
    practice = request.practice
    settings_row = billing_settings(practice=practice)
    return render(
        request,
        "billing/portal_invoice.html",
        {
            "invoice": invoice,
            "lines": InvoiceLine.objects.for_practice(practice).filter(invoice=invoice),
            "allocations": PaymentAllocation.objects.for_practice(practice)
            .filter(invoice=invoice)
            .select_related("payment")
            .order_by("payment__date", "id"),
            "payable": invoice.status in OPEN_INVOICE_STATUSES and invoice.balance_due > 0,
            "pay_online": payment_provider() is not None,
            "payment_instructions": settings_row.payment_instructions if settings_row else "",
            "pdf_ready": invoice.document is not None
            and invoice.document.status == DocumentStatus.READY
            and bool(invoice.document.file),
        },
    )


@contact_view("billing")
@require_http_methods(["GET", "HEAD"])
def portal_invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The invoice's PDF; asked for (and the page shown again) while it is not ready."""
    invoice = _invoice_get(request, invoice_id)
    document = invoice.document
    if document is None or document.status != DocumentStatus.READY or not document.file:
        document = invoice_request_pdf(practice=request.practice, invoice=invoice)
        # Rendered at once (an unchanged invoice, or no queue in between): the file, not a
        # message saying it is on its way.
        document.refresh_from_db(fields=["status", "file"])
        if document.status != DocumentStatus.READY or not document.file:
            messages.info(request, _("The PDF is being prepared. Try again in a moment."))
            return redirect("portal_invoice", request.practice.slug, invoice.pk)
    return stored_file_response(
        document.file, filename=f"{invoice.number}.pdf", inline=False, max_age=300
    )


@contact_view("billing")
@require_POST
def portal_invoice_pay(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Off to the provider's checkout page for the amount due."""
    invoice = _invoice_get(request, invoice_id)
    provider = payment_provider()
    if provider is None:
        raise Http404
    page = request.build_absolute_uri(
        reverse("portal_invoice", args=[request.practice.slug, invoice.pk])
    )
    try:
        url = provider.checkout_url(
            invoice, success_url=f"{page}?paid=1", cancel_url=f"{page}?cancelled=1"
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("portal_invoice", request.practice.slug, invoice.pk)
    return redirect(url)


@contact_view("billing")
@require_POST
def portal_statement(request: HttpRequest) -> HttpResponse:
    """Ask for today's statement of account; it appears on the invoices page when ready."""
    document = statement_request_pdf(practice=request.practice, client=request.client)
    document.refresh_from_db(fields=["status"])
    if document.status == DocumentStatus.READY:
        messages.success(request, _("Your statement is ready: download it below."))
    else:
        messages.info(request, _("Your statement is being prepared. It appears below when ready."))
    return redirect("portal_invoices", request.practice.slug)


@contact_view("billing")
@require_http_methods(["GET", "HEAD"])
def portal_statement_download(request: HttpRequest, document_id: int) -> HttpResponse:
    document = (
        Document.objects.for_practice(request.practice)
        .filter(
            pk=document_id,
            client=request.client,
            kind=DocumentKind.STATEMENT_OF_ACCOUNT,
            status=DocumentStatus.READY,
        )
        .first()
    )
    if document is None or not document.file:
        raise Http404
    return stored_file_response(
        document.file,
        filename=f"statement-{document.created_at:%Y-%m-%d}.pdf",
        inline=False,
        max_age=300,
    )


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events (signed). 400 when not genuine; 200 once handled or seen before."""
    provider = payment_provider()
    if provider is None or provider.name != "stripe":
        raise Http404
    try:
        provider.handle_webhook(request.body, request.headers.get("Stripe-Signature", ""))
    except WebhookRejected as error:
        logger.warning("Stripe webhook rejected: %s", error)
        return HttpResponse(status=400)
    return HttpResponse(status=200)


staff_patterns: list = []
portal_patterns: list = [
    path("invoices/", portal_invoices, name="portal_invoices"),
    path("invoices/<int:invoice_id>/", portal_invoice, name="portal_invoice"),
    path("invoices/<int:invoice_id>/pdf/", portal_invoice_pdf, name="portal_invoice_pdf"),
    path("invoices/<int:invoice_id>/pay/", portal_invoice_pay, name="portal_invoice_pay"),
    path("invoices/statement/", portal_statement, name="portal_statement"),
    path(
        "invoices/statement/<int:document_id>/",
        portal_statement_download,
        name="portal_statement_download",
    ),
]
# Outside the practice prefix (mounted under /billing/ by the root urlconf).
public_patterns: list = [
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
]
