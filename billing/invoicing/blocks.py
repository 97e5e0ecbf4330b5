"""Prepaid blocks of hours: the balance, purchases, the draw-down on the monthly invoice, the
low-balance alert and the automatic purchase of a new block.

The balance is the hours bought minus the billable hours logged since the first block began
(each entry rounded up by the engagement's rounding rule), across months.

Automatic purchase: a block plan (``billing_model == "block"``) buys a new block of the plan's
size (``included_hours`` for ``monthly_fee``) on the month's invoice when its balance would
reach zero, unless the setting ``BILLING_BLOCK_AUTO_RENEW`` is off; without it the hours
beyond the balance are billed at the overage rate.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.invoicing.pricing import invoice_totals, round_money
from billing.invoicing.runs import (
    ZERO,
    add_line,
    hours_of,
    split_by_allowance,
)
from billing.models import HourBlock, Invoice, InvoiceKind, LineKind, TaxRate
from clients.models import BillingModel, Client, Engagement, EngagementStatus
from clients.usage import billable_minutes
from secretary.errors import ApplicationError
from secretary.limits import date_in_range, date_range_message
from tasks.models import TimeEntry

MAX_AUTO_BLOCKS = 50  # per invoice: a runaway month never buys without end


def auto_renew_enabled(engagement: Engagement | None) -> bool:
    return bool(
        engagement is not None
        and engagement.billing_model == BillingModel.BLOCK
        and engagement.included_hours > 0
        and getattr(settings, "BILLING_BLOCK_AUTO_RENEW", True)
    )


def _zone(client: Client, engagement: Engagement | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(engagement.coverage_time_zone if engagement else client.time_zone)


def _active_engagement(practice, client) -> Engagement | None:
    return (
        Engagement.objects.for_practice(practice)
        .filter(client=client, status=EngagementStatus.ACTIVE)
        .first()
    )


@dataclass(frozen=True)
class BlockBalance:
    bought: Decimal
    used: Decimal
    last_block_hours: Decimal

    @property
    def balance(self) -> Decimal:
        return self.bought - self.used

    @property
    def percent_left(self) -> Decimal:
        if not self.last_block_hours:
            return ZERO
        return (self.balance * 100 / self.last_block_hours).quantize(Decimal("0.1"))


def block_status(
    *, practice, client, engagement: Engagement | None = None, until: datetime | None = None
) -> BlockBalance:
    """Hours bought, hours used since the first block (before ``until`` when given)."""
    blocks = HourBlock.objects.for_practice(practice).filter(client=client)
    sums = blocks.aggregate(bought=Sum("hours"), first=Min("purchased_on"))
    if sums["first"] is None:
        return BlockBalance(ZERO, ZERO, ZERO)
    last = blocks.order_by("-purchased_on", "-id").values_list("hours", flat=True).first()
    engagement = engagement if engagement is not None else _active_engagement(practice, client)
    since = datetime.combine(sums["first"], time(0), tzinfo=_zone(client, engagement))
    entries = TimeEntry.objects.for_practice(practice).filter(
        client=client, billable=True, minutes__isnull=False, started_at__gte=since
    )
    if until is not None:
        entries = entries.filter(started_at__lt=until)
    rounding = engagement.rounding_minutes if engagement else 0
    used = sum(billable_minutes(m, rounding) for m in entries.values_list("minutes", flat=True))
    return BlockBalance(sums["bought"], hours_of(used), last or ZERO)


def block_balance(*, practice, client) -> Decimal:
    """Hours left of the client's prepaid blocks (negative when overdrawn)."""
    return block_status(practice=practice, client=client).balance


def _draft_for(practice, client, engagement, currency) -> Invoice:
    return Invoice.objects.create(
        practice=practice,
        client=client,
        engagement=engagement,
        kind=InvoiceKind.INVOICE,
        currency=currency,
    )


@transaction.atomic
def block_purchase(
    *,
    practice,
    client: Client,
    engagement: Engagement | None = None,
    hours,
    unit_price,
    invoice: Invoice | None = None,
    tax_rate: TaxRate | None = None,
    purchased_on: date | None = None,
    user=None,
) -> HourBlock:
    """A block of ``hours`` bought at ``unit_price`` per hour: the block and its BLOCK line on
    ``invoice`` (a draft of the client), or on a new draft when none is given."""
    hours = Decimal(str(hours))
    unit_price = Decimal(str(unit_price))
    if hours <= 0 or hours != hours.quantize(Decimal("0.01")) or hours > 10000:
        message = _("Enter a number of hours above zero (two decimals at most).")
        raise ApplicationError(message, errors={"hours": message})
    if unit_price < 0:
        message = _("The price per hour cannot be negative.")
        raise ApplicationError(message, errors={"unit_price": message})
    purchased_on = purchased_on or timezone.localdate()
    if not date_in_range(purchased_on):
        raise ApplicationError(date_range_message(), errors={"purchased_on": date_range_message()})
    if client.practice_id != practice.pk or (
        engagement is not None and engagement.client_id != client.pk
    ):
        raise ApplicationError(_("This engagement is not the client's."))
    if tax_rate is not None and tax_rate.practice_id != practice.pk:
        raise ApplicationError(_("Choose a tax rate of this practice."))
    currency = engagement.currency if engagement else client.currency
    if invoice is None:
        invoice = _draft_for(practice, client, engagement, currency)
    elif invoice.practice_id != practice.pk or invoice.client_id != client.pk:
        raise ApplicationError(_("This invoice is not the client's."))
    elif not invoice.is_draft:
        raise ApplicationError(_("Blocks can only be added to a draft invoice."))
    line = add_line(
        invoice,
        kind=LineKind.BLOCK,
        description=_("Block of %(hours)s hours") % {"hours": hours},
        quantity=hours,
        unit_price=unit_price,
        tax_rate=tax_rate,
        service_from=purchased_on,
    )
    invoice_totals(invoice)
    return HourBlock.objects.create(
        practice=practice,
        client=client,
        engagement=engagement,
        hours=hours,
        purchased_on=purchased_on,
        invoice_line=line,
    )


def plan_block_price(engagement: Engagement) -> Decimal:
    """The price per hour of the plan's block (its fee over its hours), to the currency."""
    return round_money(engagement.monthly_fee / engagement.included_hours, engagement.currency)


def bill_block_period(
    invoice: Invoice, engagement: Engagement, entries, period, tax_rate, *, drawn_minutes: int = 0
) -> None:
    """Draw the period's hours from the client's blocks; buy new blocks when the balance would
    reach zero (auto-renew), else bill the hours beyond at the overage rate. ``drawn_minutes``:
    the period's minutes the draft already draws from the blocks (time added to a draft)."""
    practice = invoice.practice
    client = engagement.client
    before = block_status(practice=practice, client=client, engagement=engagement, until=period[0])
    available = before.balance - hours_of(drawn_minutes)
    needed = hours_of(sum(item.minutes for item in entries))
    if auto_renew_enabled(engagement):
        bought = 0
        while available - needed <= 0 and bought < MAX_AUTO_BLOCKS:
            block_purchase(
                practice=practice,
                client=client,
                engagement=engagement,
                hours=engagement.included_hours,
                unit_price=plan_block_price(engagement),
                invoice=invoice,
                tax_rate=tax_rate,
                purchased_on=invoice.period_end,
            )
            available += engagement.included_hours
            bought += 1
    covered, beyond, used, over = split_by_allowance(entries, int(max(available, ZERO) * 60))
    if covered or beyond:
        add_line(
            invoice,
            kind=LineKind.INCLUDED_HOURS,
            description=_("Hours drawn from your prepaid blocks: %(used)s (%(left)s left)")
            % {"used": hours_of(used), "left": available - hours_of(used)},
            quantity=hours_of(used),
            unit_price=ZERO,
            service_from=invoice.period_start,
            service_to=invoice.period_end,
            time_entries=covered,
        )
    if beyond:
        add_line(
            invoice,
            kind=LineKind.OVERAGE,
            description=_("Hours beyond your prepaid blocks"),
            quantity=hours_of(over),
            unit_price=engagement.overage_rate or engagement.hourly_rate,
            tax_rate=tax_rate,
            service_from=invoice.period_start,
            service_to=invoice.period_end,
            time_entries=beyond,
        )


def block_alert_due(*, practice, client) -> HourBlock | None:
    """The latest block when the balance fell below the engagement's alert share of it (the
    threshold is the share used: at 80 %, the alert comes when less than 20 % is left)."""
    engagement = _active_engagement(practice, client)
    if (
        engagement is None
        or engagement.billing_model != BillingModel.BLOCK
        or engagement.alert_threshold_percent is None
    ):
        return None
    status = block_status(practice=practice, client=client, engagement=engagement)
    if not status.last_block_hours:
        return None
    if status.balance * 100 >= status.last_block_hours * (100 - engagement.alert_threshold_percent):
        return None
    return HourBlock.objects.for_practice(practice).filter(client=client).order_by("-id").first()
