"""Refreshing a run's draft: the billable time of its period logged after the run built it."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from billing.invoicing.drafts import invoice_line_add, invoice_lock
from billing.invoicing.errors import InvoiceError, issued_error
from billing.invoicing.runs import (
    _unbilled_entries,
    default_tax_rate,
    hours_of,
    period_datetimes,
)
from billing.models import Invoice, LineKind
from clients.models import BillingModel


def refresh_rate(engagement) -> Decimal:
    """The hourly price of time added to a draft: the hourly rate of hourly plans; the rate
    beyond the plan for retainers and blocks (the included hours were counted by the run)."""
    if engagement.billing_model == BillingModel.HOURLY or not engagement.overage_rate:
        return engagement.hourly_rate
    return engagement.overage_rate


def invoice_refresh_from_time(*, practice, invoice: Invoice, user=None) -> int:
    """Add one line of the billable time of the draft's period not billed yet (logged since the
    run built it); returns the minutes added (0: nothing new)."""
    if invoice.engagement_id is None or invoice.period_start is None or not invoice.period_end:
        raise InvoiceError(_("Only a draft built for an engagement's period can be refreshed."))
    with transaction.atomic():
        invoice = invoice_lock(practice=practice, invoice=invoice)
        if not invoice.is_draft:
            raise issued_error()
        engagement = invoice.engagement
        period = period_datetimes(engagement, invoice.period_start, invoice.period_end)
        entries = _unbilled_entries(practice, engagement, *period)
        minutes = sum(item.minutes for item in entries)
        if not minutes:
            return 0
        invoice_line_add(
            practice=practice,
            invoice=invoice,
            kind=LineKind.HOURLY,
            description=_("Hours logged since the draft was made"),
            quantity=hours_of(minutes),
            unit_price=refresh_rate(engagement),
            tax_rate=default_tax_rate(practice),
            service_from=invoice.period_start,
            service_to=invoice.period_end,
            time_entries=[(item.entry, item.minutes) for item in entries],
            user=user,
        )
    return minutes
