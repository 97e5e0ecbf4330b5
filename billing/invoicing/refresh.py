"""Refreshing a run's draft: the billable time of its period logged after the run built it,
priced the way the run prices time (``runs.bill_time``): the plan's hours the draft does not
bill yet first (included, then rolled over, or the prepaid blocks), then the overage rate, each
entry rounded by the engagement, with the rush and outside-coverage surcharges."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from billing.invoicing.drafts import invoice_lock
from billing.invoicing.errors import InvoiceError, issued_error
from billing.invoicing.pricing import invoice_totals
from billing.invoicing.runs import bill_time, default_tax_rate, period_datetimes, unbilled_entries
from billing.models import Invoice, InvoiceLineTime, LineKind
from clients.usage import billable_minutes


def plan_minutes_billed(*, practice, invoice: Invoice, engagement) -> int:
    """Minutes of the plan's hours (included and rolled over, or drawn from blocks) the
    invoice's lines already bill: the time of its included-hours lines, and the part within the
    plan of an entry that crossed its limit (that entry is linked to the overage line with the
    minutes beyond)."""
    links = (
        InvoiceLineTime.objects.for_practice(practice)
        .filter(line__invoice=invoice, line__kind__in=[LineKind.INCLUDED_HOURS, LineKind.OVERAGE])
        .values_list("line__kind", "billed_minutes", "time_entry__minutes")
    )
    used = 0
    for kind, billed, minutes in links:
        if kind == LineKind.INCLUDED_HOURS:
            used += billed
        else:
            rounded = billable_minutes(minutes or 0, engagement.rounding_minutes)
            used += max(rounded - billed, 0)
    return used


def invoice_refresh_from_time(*, practice, invoice: Invoice, user=None) -> int:
    """Add lines for the billable time of the draft's period not billed yet (logged since the
    run built it); returns the minutes added (0: nothing new)."""
    if invoice.engagement_id is None or invoice.period_start is None or not invoice.period_end:
        raise InvoiceError(_("Only a draft built for an engagement's period can be refreshed."))
    with transaction.atomic():
        invoice = invoice_lock(practice=practice, invoice=invoice)
        if not invoice.is_draft:
            raise issued_error()
        engagement = invoice.engagement
        period = period_datetimes(engagement, invoice.period_start, invoice.period_end)
        entries = unbilled_entries(practice, engagement, *period)
        minutes = sum(item.minutes for item in entries)
        if not minutes:
            return 0
        bill_time(
            invoice,
            engagement,
            entries,
            period,
            default_tax_rate(practice),
            added=True,
            plan_minutes_used=plan_minutes_billed(
                practice=practice, invoice=invoice, engagement=engagement
            ),
        )
        invoice_totals(invoice)
    return minutes
