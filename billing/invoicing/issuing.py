"""Issuing: numbers, dates, the seller's and the client's details copied, the posting, the time
locked. Credit notes are issued the same way, in their own series, and post the reverse."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.invoicing.drafts import invoice_create, invoice_lock
from billing.invoicing.errors import InvoiceError, field_error
from billing.invoicing.numbering import number_next, series_default
from billing.invoicing.payments import allocations_release, invoice_settle
from billing.invoicing.posting import invoice_post
from billing.invoicing.pricing import clean_amount, invoice_totals, price_line
from billing.models import (
    OPEN_INVOICE_STATUSES,
    TERMS_DAYS,
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceLineTime,
    InvoiceStatus,
    PaymentTerms,
)
from billing.models.ledger import ZERO
from secretary.audit import activity_record
from secretary.limits import date_range_message, dates_out_of_range
from tasks.models import TimeEntry


def practice_today(practice):
    return timezone.localdate(timezone=ZoneInfo(practice.time_zone or "UTC"))


def _issue(*, practice, invoice: Invoice, issue_date, user, request) -> Invoice:
    """Number, date, snapshot, post and lock a draft already locked by the caller."""
    if not InvoiceLine.objects.for_practice(practice).filter(invoice=invoice).exists():
        raise field_error("lines", _("Add at least one line before issuing."))
    invoice_totals(invoice)
    issue_date = issue_date or practice_today(practice)
    series = invoice.series or series_default(practice=practice, kind=invoice.kind)
    invoice.series = series
    invoice.sequence, invoice.number = number_next(
        practice=practice, series=series, issue_date=issue_date
    )
    invoice.issue_date = issue_date
    days = 0 if invoice.kind == InvoiceKind.CREDIT_NOTE else TERMS_DAYS[invoice.payment_terms]
    invoice.due_date = issue_date + timedelta(days=days)
    settings = BillingSettings.objects.for_practice(practice).first()
    invoice.seller_name = practice.name[:160]
    invoice.seller_address = settings.invoice_address if settings else ""
    invoice.seller_tax_number = settings.tax_number if settings else ""
    client = invoice.client
    invoice.bill_to_name = client.name[:160]
    invoice.bill_to_address = client.address
    invoice.bill_to_tax_id = client.tax_id
    invoice.issued_by = user
    invoice.issued_at = timezone.now()
    # Posted while the row is still a draft: once issued, the database lets only the status and
    # the amounts paid and credited change.
    invoice.journal_entry = invoice_post(
        practice=practice, invoice=invoice, user=user, request=request
    )
    invoice.status = InvoiceStatus.ISSUED
    invoice.save()
    TimeEntry.objects.for_practice(practice).filter(
        pk__in=InvoiceLineTime.objects.for_practice(practice)
        .filter(line__invoice=invoice)
        .values("time_entry_id"),
        locked_at__isnull=True,
    ).update(locked_at=invoice.issued_at)
    return invoice


def invoice_issue(*, practice, invoice: Invoice, issue_date=None, user=None, request=None):
    """Issue a draft invoice: number from its series (or the default), due date from its
    terms, details copied, posted (Dr receivable / Cr income / Cr tax), its time locked."""
    if dates_out_of_range(issue_date=issue_date):
        raise field_error("issue_date", date_range_message())
    with transaction.atomic():
        invoice = invoice_lock(practice=practice, invoice=invoice)
        if not invoice.is_draft:
            raise InvoiceError(_("This invoice is already issued."))
        if invoice.kind != InvoiceKind.INVOICE:
            raise InvoiceError(_("Credit notes are issued by crediting an invoice."))
        invoice = _issue(
            practice=practice, invoice=invoice, issue_date=issue_date, user=user, request=request
        )
        activity_record(
            practice=practice,
            actor=user,
            verb="invoice.issued",
            target=invoice,
            data={"number": invoice.number, "total": str(invoice.total)},
            request=request,
        )
    return invoice


def invoice_mark_sent(*, practice, invoice: Invoice, user=None, request=None) -> Invoice:
    """Record that an issued invoice went to the client (an issued one becomes sent)."""
    with transaction.atomic():
        invoice = invoice_lock(practice=practice, invoice=invoice)
        if invoice.is_draft:
            raise InvoiceError(_("Issue the invoice before sending it."))
        invoice.sent_at = timezone.now()
        if invoice.status == InvoiceStatus.ISSUED and invoice.kind == InvoiceKind.INVOICE:
            invoice.status = InvoiceStatus.SENT
        invoice.save(update_fields=["sent_at", "status"])
        activity_record(
            practice=practice, actor=user, verb="invoice.sent", target=invoice, request=request
        )
    return invoice


def _credited(*, practice, invoice: Invoice) -> dict[int, tuple[Decimal, Decimal]]:
    """(net, tax) already credited, per line of ``invoice``."""
    rows = (
        InvoiceLine.objects.for_practice(practice)
        .filter(credits_line__invoice=invoice, invoice__kind=InvoiceKind.CREDIT_NOTE)
        .exclude(invoice__status=InvoiceStatus.DRAFT)
        .values("credits_line_id")
        .annotate(net=Coalesce(Sum("amount"), ZERO), tax=Coalesce(Sum("tax_amount"), ZERO))
    )
    return {row["credits_line_id"]: (row["net"], row["tax"]) for row in rows}


def _credit_requests(invoice_lines: list[InvoiceLine], lines) -> list[tuple[InvoiceLine, object]]:
    """[(line, amount or None for all that is left)] from what the caller gave."""
    if lines is None:
        return [(line, None) for line in invoice_lines]
    by_id = {line.pk: line for line in invoice_lines}
    items: Iterable = lines.items() if isinstance(lines, Mapping) else lines
    requests = []
    for item in items:
        line, amount = item if isinstance(item, tuple) else (item, None)
        if getattr(line, "pk", None) not in by_id:
            raise field_error("lines", _("Choose lines of the invoice being credited."))
        requests.append((by_id[line.pk], amount))
    if not requests:
        raise field_error("lines", _("Choose the lines to credit."))
    return requests


def _credit_line(*, line: InvoiceLine, amount, left: tuple[Decimal, Decimal], currency: str):
    """An unsaved credit line for ``amount`` of ``line`` (in the line's own price terms: tax
    included when its tax was), or all that is left of it."""
    left_net, left_tax = left
    if amount is None:
        net, tax = left_net, left_tax
        whole = net == line.amount and tax == line.tax_amount
        quantity = line.quantity if whole else Decimal(1)
        unit_price = line.unit_price if whole else net + (tax if line.tax_inclusive else ZERO)
    else:
        unit_price = clean_amount(amount, currency=currency, field="lines")
        rate = SimpleNamespace(rate=line.tax_percent, inclusive=line.tax_inclusive)
        net, tax = price_line(
            quantity=Decimal(1), unit_price=unit_price, tax_rate=rate, currency=currency
        )
        quantity = Decimal(1)
        if net > left_net or tax > left_tax or net + tax > left_net + left_tax:
            message = _("“%(line)s” has %(left)s %(currency)s left to credit.") % {
                "line": line.description,
                "left": left_net + left_tax,
                "currency": currency,
            }
            raise field_error("lines", message)
    if net + tax <= 0:
        return None
    return InvoiceLine(
        practice_id=line.practice_id,
        kind=line.kind,
        description=line.description,
        service_from=line.service_from,
        service_to=line.service_to,
        quantity=quantity,
        unit_price=unit_price,
        tax_rate_id=line.tax_rate_id,
        tax_percent=line.tax_percent,
        tax_inclusive=line.tax_inclusive,
        amount=net,
        tax_amount=tax,
        credits_line=line,
    )


def credit_note_create(
    *,
    practice,
    invoice: Invoice,
    lines=None,
    reason: str = "",
    issue_date=None,
    user=None,
    request=None,
) -> Invoice:
    """Credit an issued invoice in whole (``lines`` None) or in part, and issue the credit note.

    ``lines`` is an iterable of the invoice's lines (all that is left of each) or of
    ``(line, amount)`` pairs, or a mapping line → amount (None: all that is left). Each amount
    is at most what remains uncredited. The note is numbered in its own series and posts the
    reverse; what it credits beyond the open balance goes back to the client's credit; the
    invoice is void once credited in full with nothing paid, else paid when nothing is due.
    """
    if dates_out_of_range(issue_date=issue_date):
        raise field_error("issue_date", date_range_message())
    with transaction.atomic():
        invoice = invoice_lock(practice=practice, invoice=invoice)
        if invoice.kind != InvoiceKind.INVOICE or invoice.status not in (
            *OPEN_INVOICE_STATUSES,
            InvoiceStatus.PAID,
        ):
            raise InvoiceError(_("Only an issued invoice that is not void can be credited."))
        invoice_lines = list(
            InvoiceLine.objects.for_practice(practice).filter(invoice=invoice).order_by("position")
        )
        credited = _credited(practice=practice, invoice=invoice)
        rows = []
        for line, amount in _credit_requests(invoice_lines, lines):
            done = credited.get(line.pk, (ZERO, ZERO))
            left = (line.amount - done[0], line.tax_amount - done[1])
            row = _credit_line(line=line, amount=amount, left=left, currency=invoice.currency)
            if row is not None:
                rows.append(row)
        if not rows:
            raise field_error("lines", _("Nothing is left to credit on this invoice."))
        note = invoice_create(
            practice=practice,
            client=invoice.client,
            engagement=invoice.engagement,
            currency=invoice.currency,
            payment_terms=PaymentTerms.ON_RECEIPT,
            kind=InvoiceKind.CREDIT_NOTE,
            credit_of=invoice,
            notes=(reason or "")[:2000],
            user=user,
        )
        for position, row in enumerate(rows):
            row.invoice, row.position = note, position
        InvoiceLine.objects.bulk_create(rows)
        note = _issue(
            practice=practice, invoice=note, issue_date=issue_date, user=user, request=request
        )
        balance = invoice.balance_due
        invoice.amount_credited += note.total
        if note.total > balance:
            invoice.amount_paid -= allocations_release(
                practice=practice, invoice=invoice, amount=note.total - balance
            )
        invoice_settle(invoice)
        invoice.save(update_fields=["amount_credited", "amount_paid", "status"])
        activity_record(
            practice=practice,
            actor=user,
            verb="invoice.credited",
            target=invoice,
            data={"credit_note": note.number, "amount": str(note.total)},
            request=request,
        )
    return note
