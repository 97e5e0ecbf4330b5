"""The invoice and the statement of account as PDFs, through the one renderer.

Each is turned into display-ready plain data here (no model reaches the template) and asked
of ``documents.services.document_request_render``, in the practice's brand kit. The same
invoice with the same figures gives the same ``render_key``, so asking again returns the same
document; a payment changes the amount due and so asks for a new file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from billing.invoicing.pricing import tax_summary
from billing.models import (
    OPEN_INVOICE_STATUSES,
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Payment,
    PaymentAllocation,
)
from billing.models.ledger import ZERO
from documents.models import Document, DocumentKind
from secretary.money import format_money

INVOICE_SUBJECT = "billing.invoice"
STATEMENT_SUBJECT = "billing.client_statement"


def _date(value: date | None) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def _lines_of(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _quantity(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}%"


def billing_settings(*, practice) -> BillingSettings | None:
    return BillingSettings.objects.for_practice(practice).first()


def tax_name(name: str, rate) -> str:
    """ "GST 10%": the rate is named once, even when the tax's name holds it."""
    name, percent = name or _("Tax"), _percent(rate)
    if percent.replace("%", "").strip() not in name.replace("%", " ").split():
        name = f"{name} {percent}"
    return name


def _tax_label(row: dict, currency: str) -> str:
    """ "GST 10% on AUD 1,510.00"."""
    return _("%(name)s on %(net)s") % {
        "name": tax_name(row["name"], row["rate"]),
        "net": format_money(row["net"], currency),
    }


def payment_reference(invoice: Invoice) -> str:
    """What the client quotes with a payment: the invoice number."""
    return invoice.number


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    """Everything the invoice PDF shows, as display-ready plain values."""
    practice = invoice.practice
    currency = invoice.currency
    settings = billing_settings(practice=practice)
    lines = []
    for line in InvoiceLine.objects.for_practice(practice).filter(invoice=invoice):
        if line.service_from and line.service_to and line.service_from != line.service_to:
            service = _("%(start)s to %(end)s") % {
                "start": _date(line.service_from),
                "end": _date(line.service_to),
            }
        else:
            service = _date(line.service_from or line.service_to)
        lines.append(
            {
                "description": line.description,
                "kind": line.get_kind_display(),
                "service": service,
                "quantity": _quantity(line.quantity),
                "unit_price": format_money(line.unit_price, currency),
                "tax": _percent(line.tax_percent) if line.tax_rate_id else "",
                "amount": format_money(line.amount, currency),
            }
        )
    taxes = [
        {"label": _tax_label(row, currency), "amount": format_money(row["tax"], currency)}
        for row in tax_summary(invoice)
        if row["rate"] or row["tax"]
    ]
    payments = (
        [
            {
                "date": _date(allocation.payment.date),
                "method": allocation.payment.get_method_display(),
                "reference": allocation.payment.reference,
                "amount": format_money(allocation.amount, currency),
            }
            for allocation in PaymentAllocation.objects.for_practice(practice)
            .filter(invoice=invoice)
            .select_related("payment")
            .order_by("payment__date", "id")
        ]
        if invoice.amount_paid
        else []
    )  # nothing paid, no allocation to read
    is_credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
    title = (_("Credit note %(number)s") if is_credit_note else _("Invoice %(number)s")) % {
        "number": invoice.number
    }
    due = invoice.balance_due
    return {
        "title": title,
        "heading": _("Credit note") if is_credit_note else _("Tax invoice"),
        "is_credit_note": is_credit_note,
        "number": invoice.number,
        "credit_of": invoice.credit_of.number if invoice.credit_of_id else "",
        "issue_date": _date(invoice.issue_date),
        "due_date": _date(invoice.due_date),
        "terms": invoice.get_payment_terms_display(),
        "period": _("%(start)s to %(end)s")
        % {"start": _date(invoice.period_start), "end": _date(invoice.period_end)}
        if invoice.period_start and invoice.period_end
        else "",
        "currency": currency,
        "seller": {
            "name": invoice.seller_name or practice.name,
            "address_lines": _lines_of(invoice.seller_address),
            "tax_number": invoice.seller_tax_number,
        },
        "buyer": {
            "name": invoice.bill_to_name or invoice.client.name,
            "address_lines": _lines_of(invoice.bill_to_address),
            "tax_id": invoice.bill_to_tax_id,
        },
        "lines": lines,
        "taxes": taxes,
        "subtotal": format_money(invoice.subtotal, currency),
        "tax_total": format_money(invoice.tax_total, currency),
        "total": format_money(invoice.total, currency),
        "amount_paid": format_money(invoice.amount_paid, currency),
        "amount_credited": format_money(invoice.amount_credited, currency)
        if invoice.amount_credited
        else "",
        "amount_due": format_money(due, currency),
        "is_paid": not is_credit_note and due <= ZERO,
        "payments": payments,
        "notes": invoice.notes,
        "payment_instructions": _lines_of(settings.payment_instructions if settings else ""),
        "reference": payment_reference(invoice),
    }


def _brand(practice):
    from clients.selectors import brand_for
    from documents.agreements import brand_from_kit

    return brand_from_kit(brand_for(practice=practice, client=None))


def invoice_request_pdf(*, practice, invoice: Invoice, user=None) -> Document:
    """Ask for the PDF of an issued invoice (or credit note) and keep it on the invoice."""
    from documents.services import document_request_render
    from secretary.errors import ApplicationError

    invoice = (
        Invoice.objects.for_practice(practice)
        .select_related("practice", "client", "credit_of")
        .get(pk=invoice.pk)
    )
    if invoice.is_draft:
        message = _("A draft has no PDF yet; issue it first.")
        raise ApplicationError(message, errors={"invoice": message})
    context = invoice_context(invoice)
    document = document_request_render(
        practice=practice,
        kind=DocumentKind.INVOICE,
        title=context["title"],
        client=invoice.client,
        subject_type=INVOICE_SUBJECT,
        subject_id=invoice.pk,
        context=context,
        brand=_brand(practice),
        requested_by=user,
    )
    if invoice.document_id != document.pk:
        Invoice.objects.for_practice(practice).filter(pk=invoice.pk).update(document=document)
        invoice.document = document
    return document


# --- Statement of account ------------------------------------------------------------------------

STATEMENT_PAYMENTS_SHOWN = 50


def statement_context(*, practice, client, currency: str, as_of: date) -> dict[str, Any]:
    """The client's open invoices, recent payments and balance in one currency."""
    from billing.models import InvoiceStatus

    invoices = (
        Invoice.objects.for_practice(practice)
        .filter(
            client=client,
            currency=currency,
            kind=InvoiceKind.INVOICE,
            status__in=OPEN_INVOICE_STATUSES,
            issue_date__lte=as_of,
        )
        .order_by("due_date", "id")
    )
    rows = []
    owed = ZERO
    for invoice in invoices:
        due = invoice.balance_due
        if due <= ZERO:
            continue
        owed += due
        overdue = invoice.due_date is not None and invoice.due_date < as_of
        rows.append(
            {
                "number": invoice.number,
                "issue_date": _date(invoice.issue_date),
                "due_date": _date(invoice.due_date),
                "total": format_money(invoice.total, currency),
                "paid": format_money(invoice.amount_paid + invoice.amount_credited, currency),
                "due": format_money(due, currency),
                "overdue": overdue,
                "status": InvoiceStatus(invoice.status).label,
            }
        )
    payments_qs = (
        Payment.objects.for_practice(practice)
        .filter(client=client, currency=currency, date__lte=as_of)
        .annotate(allocated=Sum("allocations__amount"))
        .order_by("-date", "-id")
    )
    payments = []
    credit = ZERO
    for payment in payments_qs:
        unallocated = payment.amount - (payment.allocated or ZERO)
        credit += max(unallocated, ZERO)
        if len(payments) < STATEMENT_PAYMENTS_SHOWN:
            payments.append(
                {
                    "date": _date(payment.date),
                    "method": payment.get_method_display(),
                    "reference": payment.reference,
                    "amount": format_money(payment.amount, currency),
                    "unallocated": format_money(unallocated, currency) if unallocated > 0 else "",
                }
            )
    settings = billing_settings(practice=practice)
    return {
        "title": _("Statement of account – %(client)s – %(date)s")
        % {"client": client.name, "date": as_of.isoformat()},
        "client": {
            "name": client.name,
            "address_lines": _lines_of(client.address),
            "tax_id": client.tax_id,
        },
        "seller": {
            "name": practice.name,
            "address_lines": _lines_of(settings.invoice_address if settings else ""),
            "tax_number": settings.tax_number if settings else "",
        },
        "as_of": _date(as_of),
        "currency": currency,
        "invoices": rows,
        "payments": payments,
        "owed": format_money(owed, currency),
        "credit": format_money(credit, currency) if credit else "",
        "balance": format_money(owed - credit, currency),
        "payment_instructions": _lines_of(settings.payment_instructions if settings else ""),
    }


def statement_request_pdf(
    *, practice, client, currency: str | None = None, as_of: date | None = None, user=None
) -> Document:
    """Ask for the client's statement of account as a PDF (deduplicated by its content)."""
    from documents.services import document_request_render

    as_of = as_of or timezone.localdate()
    currency = currency or client.currency
    context = statement_context(practice=practice, client=client, currency=currency, as_of=as_of)
    return document_request_render(
        practice=practice,
        kind=DocumentKind.STATEMENT_OF_ACCOUNT,
        title=context["title"],
        client=client,
        subject_type=STATEMENT_SUBJECT,
        subject_id=client.pk,
        context=context,
        brand=_brand(practice),
        requested_by=user,
    )
