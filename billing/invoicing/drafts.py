"""Drafts: an invoice and its lines while they may still change (nothing of an issued invoice
does: corrections are credit notes)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from billing.invoicing.errors import field_error, issued_error
from billing.invoicing.pricing import clean_amount, clean_quantity, invoice_totals, price_line
from billing.models import (
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceLineTime,
    InvoiceSeries,
    LineKind,
    PaymentTerms,
    TaxRate,
)
from secretary.audit import activity_record
from secretary.limits import date_range_message, dates_out_of_range
from tasks.models import TimeEntry

DRAFT_FIELDS = ("notes", "payment_terms", "series", "period_start", "period_end")


def invoice_lock(*, practice, invoice: Invoice) -> Invoice:
    """The invoice re-read under a row lock (every change of an invoice starts here)."""
    return Invoice.objects.for_practice(practice).select_for_update().get(pk=invoice.pk)


def _draft_lock(*, practice, invoice: Invoice) -> Invoice:
    invoice = invoice_lock(practice=practice, invoice=invoice)
    if not invoice.is_draft:
        raise issued_error()
    return invoice


def _check_series(*, practice, series: InvoiceSeries | None, kind: str) -> None:
    if series is not None and (series.practice_id != practice.pk or series.kind != kind):
        raise field_error("series", _("Choose a numbering series of this practice for this kind."))


def _check_terms(payment_terms: str) -> None:
    if payment_terms not in PaymentTerms.values:
        raise field_error("payment_terms", _("Choose payment terms."))


def invoice_create(
    *,
    practice,
    client,
    engagement=None,
    currency=None,
    payment_terms=None,
    period_start=None,
    period_end=None,
    kind: str = InvoiceKind.INVOICE,
    credit_of: Invoice | None = None,
    series: InvoiceSeries | None = None,
    notes: str = "",
    user=None,
    request=None,
) -> Invoice:
    """A draft to ``client`` in the engagement's currency (or the client's)."""
    if client.practice_id != practice.pk:
        raise field_error("client", _("Choose a client of this practice."))
    if engagement is not None and (
        engagement.practice_id != practice.pk or engagement.client_id != client.pk
    ):
        raise field_error("engagement", _("Choose an engagement of this client."))
    if dates_out_of_range(period_start=period_start, period_end=period_end):
        raise field_error("period_start", date_range_message())
    if period_start and period_end and period_end < period_start:
        raise field_error("period_end", _("The period ends before it starts."))
    _check_series(practice=practice, series=series, kind=kind)
    if payment_terms is None:
        settings = BillingSettings.objects.for_practice(practice).first()
        payment_terms = settings.default_payment_terms if settings else PaymentTerms.NET_14
    _check_terms(payment_terms)
    currency = currency or (engagement.currency if engagement else None) or client.currency
    with transaction.atomic():
        invoice = Invoice.objects.create(
            practice=practice,
            client=client,
            engagement=engagement,
            kind=kind,
            credit_of=credit_of,
            series=series,
            currency=currency,
            payment_terms=payment_terms,
            period_start=period_start,
            period_end=period_end,
            notes=notes,
            created_by=user,
        )
        if kind == InvoiceKind.INVOICE:
            activity_record(
                practice=practice,
                actor=user,
                verb="invoice.drafted",
                target=invoice,
                request=request,
            )
    return invoice


def invoice_update(*, practice, invoice: Invoice, user=None, request=None, **fields) -> Invoice:
    """Change a draft's notes, terms, series or period; an issued invoice never changes."""
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"invoice_update() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        invoice = _draft_lock(practice=practice, invoice=invoice)
        if "payment_terms" in fields:
            _check_terms(fields["payment_terms"])
        if "series" in fields:
            _check_series(practice=practice, series=fields["series"], kind=invoice.kind)
        start = fields.get("period_start", invoice.period_start)
        end = fields.get("period_end", invoice.period_end)
        if dates_out_of_range(period_start=start, period_end=end):
            raise field_error("period_start", date_range_message())
        if start and end and end < start:
            raise field_error("period_end", _("The period ends before it starts."))
        for name, value in fields.items():
            setattr(invoice, name, value)
        invoice.save(update_fields=list(fields))
    return invoice


def invoice_delete_draft(*, practice, invoice: Invoice, user=None, request=None) -> None:
    """Delete a draft (its lines and time links with it; the time can be billed again)."""
    with transaction.atomic():
        invoice = _draft_lock(practice=practice, invoice=invoice)
        activity_record(
            practice=practice,
            actor=user,
            verb="invoice.draft_deleted",
            data={"invoice": invoice.pk, "client": invoice.client_id},
            request=request,
        )
        invoice.delete()


def _clean_line(*, practice, invoice: Invoice, description, quantity, unit_price, tax_rate):
    description = (description or "").strip()
    if not description:
        raise field_error("description", _("Describe the line."))
    if len(description) > 300:
        raise field_error("description", _("A description has at most 300 characters."))
    quantity = clean_quantity(quantity)
    unit_price = clean_amount(unit_price, currency=invoice.currency)
    if tax_rate is not None and (tax_rate.practice_id != practice.pk or tax_rate.archived):
        raise field_error("tax_rate", _("Choose a tax rate of this practice."))
    return description, quantity, unit_price


def _price(line: InvoiceLine, *, invoice: Invoice) -> None:
    line.amount, line.tax_amount = price_line(
        quantity=line.quantity,
        unit_price=line.unit_price,
        tax_rate=line.tax_rate,
        currency=invoice.currency,
    )
    line.tax_percent = line.tax_rate.rate if line.tax_rate else 0
    line.tax_inclusive = bool(line.tax_rate and line.tax_rate.inclusive)


def _link_time(*, practice, invoice: Invoice, line: InvoiceLine, time_entries) -> None:
    """Link the time a line bills: entries, or (entry, billed minutes) pairs when a line bills
    only part of an entry (the hours beyond a plan)."""
    billed = {}
    for item in time_entries:
        entry, minutes = item if isinstance(item, tuple) else (item, None)
        billed[entry.pk] = minutes
    ids = sorted(billed)
    if not ids:
        return
    entries = list(
        TimeEntry.objects.for_practice(practice).filter(pk__in=ids, client=invoice.client)
    )
    if len(entries) != len(ids):
        raise field_error("time_entries", _("Choose time logged for this client."))
    if any(entry.locked_at is not None for entry in entries):
        raise field_error("time_entries", _("Some of this time is locked (already invoiced)."))
    if InvoiceLineTime.objects.for_practice(practice).filter(time_entry_id__in=ids).exists():
        raise field_error("time_entries", _("Some of this time is already on an invoice."))
    InvoiceLineTime.objects.bulk_create(
        InvoiceLineTime(
            practice=practice,
            line=line,
            time_entry=entry,
            billed_minutes=billed[entry.pk] if billed[entry.pk] is not None else entry.minutes or 0,
        )
        for entry in entries
    )


def invoice_line_add(
    *,
    practice,
    invoice: Invoice,
    kind: str = LineKind.OTHER,
    description: str,
    quantity,
    unit_price,
    tax_rate: TaxRate | None = None,
    service_from=None,
    service_to=None,
    time_entries=(),
    credits_line: InvoiceLine | None = None,
    user=None,
) -> InvoiceLine:
    """Add a priced line to a draft (and link the time it bills); totals follow."""
    if kind not in LineKind.values:
        raise field_error("kind", _("Choose a kind of line."))
    if dates_out_of_range(service_from=service_from, service_to=service_to):
        raise field_error("service_from", date_range_message())
    with transaction.atomic():
        invoice = _draft_lock(practice=practice, invoice=invoice)
        description, quantity, unit_price = _clean_line(
            practice=practice,
            invoice=invoice,
            description=description,
            quantity=quantity,
            unit_price=unit_price,
            tax_rate=tax_rate,
        )
        position = InvoiceLine.objects.for_practice(practice).filter(invoice=invoice).count()
        line = InvoiceLine(
            practice=practice,
            invoice=invoice,
            kind=kind,
            description=description,
            quantity=quantity,
            unit_price=unit_price,
            tax_rate=tax_rate,
            service_from=service_from,
            service_to=service_to,
            credits_line=credits_line,
            position=position,
        )
        _price(line, invoice=invoice)
        line.save()
        _link_time(practice=practice, invoice=invoice, line=line, time_entries=time_entries)
        invoice_totals(invoice)
    return line


def invoice_line_update(
    *,
    practice,
    line: InvoiceLine,
    description: str,
    quantity,
    unit_price,
    tax_rate: TaxRate | None = None,
    service_from=None,
    service_to=None,
    user=None,
) -> InvoiceLine:
    """Change a draft's line and price it again; totals follow."""
    if dates_out_of_range(service_from=service_from, service_to=service_to):
        raise field_error("service_from", date_range_message())
    with transaction.atomic():
        invoice = _draft_lock(practice=practice, invoice=line.invoice)
        line = InvoiceLine.objects.for_practice(practice).get(pk=line.pk, invoice=invoice)
        line.description, line.quantity, line.unit_price = _clean_line(
            practice=practice,
            invoice=invoice,
            description=description,
            quantity=quantity,
            unit_price=unit_price,
            tax_rate=tax_rate,
        )
        line.tax_rate, line.service_from, line.service_to = tax_rate, service_from, service_to
        _price(line, invoice=invoice)
        line.save()
        invoice_totals(invoice)
    return line


def invoice_line_delete(*, practice, line: InvoiceLine, user=None) -> None:
    """Remove a draft's line (its time can be billed again); totals follow."""
    with transaction.atomic():
        invoice = _draft_lock(practice=practice, invoice=line.invoice)
        InvoiceLine.objects.for_practice(practice).filter(pk=line.pk, invoice=invoice).delete()
        invoice_totals(invoice)
