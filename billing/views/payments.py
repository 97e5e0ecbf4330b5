"""Money against an invoice: recording a payment (staff), applying the client's credit (staff),
crediting an invoice with a credit note (owners and admins)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing.forms.invoices import CreditNoteForm, PaymentForm
from billing.invoicing import services
from billing.models import InvoiceLine
from billing.views.invoices import _invoice
from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.money import format_money


@staff_view
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_payment(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Record a payment of this invoice: at most its balance, unless the rest is kept as the
    client's credit; in the invoice's currency."""
    invoice = _invoice(request, invoice_id)
    form = PaymentForm(request.POST or None, invoice=invoice)

    def record(data):
        share = min(data["amount"], invoice.balance_due)
        if share <= 0:
            raise services.InvoiceError(_("Nothing is due on this invoice."))
        return services.payment_record(
            practice=request.practice,
            client=invoice.client,
            date=data["date"],
            amount=data["amount"],
            currency=data["currency"],
            method=data["method"],
            reference=data.get("reference") or "",
            allocations={invoice: share},
            keep_as_credit=data.get("keep_as_credit", False),
            user=request.user,
            request=request,
        )

    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["currency"] != invoice.currency:
            form.add_error(
                "currency",
                _("%(number)s is in %(currency)s: record the payment in that currency.")
                % {"number": invoice.number or invoice, "currency": invoice.currency},
            )
        done, _payment = form_submit(request, form, record, success=_("Payment recorded."))
        if done:
            return redirect("invoice_detail", request.practice.slug, invoice.pk)
    return render(
        request,
        "billing/invoice_payment.html",
        {"invoice": invoice, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_view
@require_POST
def invoice_credit_apply(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    try:
        applied = services.credit_apply(
            practice=request.practice, invoice=invoice, user=request.user, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if applied:
            messages.success(
                request,
                _("%(amount)s of credit applied.")
                % {"amount": format_money(applied, invoice.currency)},
            )
        else:
            messages.info(request, _("The client has no credit in this currency."))
    return redirect("invoice_detail", request.practice.slug, invoice.pk)


@admin_view
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_credit_note(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    lines = (
        InvoiceLine.objects.for_practice(request.practice)
        .filter(invoice=invoice)
        .order_by("position", "id")
    )
    form = CreditNoteForm(request.POST or None, lines=lines)

    def credit(data):
        return services.credit_note_create(
            practice=request.practice,
            invoice=invoice,
            lines=None if data.get("whole") else form.chosen(),
            reason=data.get("reason") or "",
            user=request.user,
            request=request,
        )

    if request.method == "POST":
        done, _note = form_submit(
            request,
            form,
            credit,
            success=lambda note: _("Credit note %(number)s issued.") % {"number": note.number},
        )
        if done:
            return redirect("invoice_detail", request.practice.slug, invoice.pk)
    return render(
        request,
        "billing/invoice_credit_note.html",
        {"invoice": invoice, "form": form},
        status=400 if request.method == "POST" else 200,
    )


staff_patterns: list = [
    path("billing/invoices/<int:invoice_id>/payment/", invoice_payment, name="invoice_payment"),
    path(
        "billing/invoices/<int:invoice_id>/apply-credit/",
        invoice_credit_apply,
        name="invoice_credit_apply",
    ),
    path(
        "billing/invoices/<int:invoice_id>/credit-note/",
        invoice_credit_note,
        name="invoice_credit_note",
    ),
]
portal_patterns: list = []
