"""What invoicing tells the time-keeping rules (registered from ``BillingConfig.ready``).

A month of time stays open after it ends until its invoice is issued: time may be logged or
corrected while the month's invoice is a draft (or not built yet), and no longer once an
issued invoice of the client covers the day. Months before the previous one stay open only
while a draft invoice covers them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from billing.models import Invoice, InvoiceKind, InvoiceStatus
from secretary.background import enqueue_on_commit


def billing_period_closed(*, client, started_at: datetime) -> bool:
    from tasks.timekeeping import billing_zone, current_period_start

    day = started_at.astimezone(billing_zone(client)).date()
    covering = Invoice.objects.for_practice(client.practice_id).filter(
        client=client, kind=InvoiceKind.INVOICE, period_start__lte=day, period_end__gte=day
    )
    statuses = set(covering.values_list("status", flat=True))
    if statuses - {InvoiceStatus.DRAFT}:
        return True
    current = current_period_start(client)
    previous_start = (current - timedelta(days=1)).replace(day=1)
    if started_at >= previous_start:
        return False
    return InvoiceStatus.DRAFT not in statuses


def time_changed(sender, instance, **kwargs) -> None:
    """A time entry was saved: check the client's prepaid hours after commit."""
    if instance.minutes is None or kwargs.get("raw"):
        return
    from billing.models import HourBlock
    from billing.tasks import check_block_alert

    # Only clients with prepaid hours have a balance to watch: no job for every other entry.
    if (
        not HourBlock.objects.for_practice(instance.practice_id)
        .filter(client_id=instance.client_id)
        .exists()
    ):
        return

    enqueue_on_commit(
        check_block_alert, practice_id=instance.practice_id, client_id=instance.client_id
    )
