"""Invoice runs: the draft invoice of one engagement period, built once.

A period is a calendar month in the engagement's coverage time zone. The draft bills, for
retainer plans, the monthly fee, the hours used of the included and rolled-over hours (an
informational line at no charge) and the hours beyond them at the overage rate (the latest
entries of the month are the overage); for hourly plans every hour at the hourly rate; for
block plans the hours drawn from the client's prepaid blocks (see ``billing.invoicing.blocks``).
Rush and outside-coverage surcharges are added for qualifying entries, and the client's
billable expenses of the period with their markup.

Each entry is rounded up by the engagement's rounding rule. Time lines link the entries they
bill (``InvoiceLineTime``, an entry is billed once), so a second run never bills them again.

One invoice per (practice, engagement, period start) is kept by a unique constraint: when two
workers build the same period at once, the loser's insert fails inside a savepoint and it
returns the winner's invoice.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from billing.invoicing.drafts import invoice_line_add
from billing.invoicing.pricing import invoice_totals, round_money
from billing.models import (
    BillingSettings,
    Expense,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceLineTime,
    LineKind,
    TaxRate,
)
from clients.coverage import Coverage
from clients.models import BillingModel, Engagement, EngagementStatus
from clients.usage import billable_minutes, usage_for_engagements
from tasks.models import TimeEntry
from tasks.sla import NoCoverage, covered_spans

HOURS = Decimal("0.01")
ZERO = Decimal("0")


def hours_of(minutes: int | Decimal) -> Decimal:
    return (Decimal(minutes) / 60).quantize(HOURS, ROUND_HALF_UP)


# --- Lines -----------------------------------------------------------------------------------


def add_line(invoice: Invoice, **fields) -> InvoiceLine:
    """Add one priced line to the draft through the invoicing service (``time_entries`` are
    (entry, billed minutes) pairs the line bills)."""
    return invoice_line_add(practice=invoice.practice, invoice=invoice, **fields)


def default_tax_rate(practice) -> TaxRate | None:
    """The rate time and fees are charged with: the practice's standard rate, taken as its
    highest active rate (GST 10 % before GST-free, VAT 20 %); None when it has none."""
    return (
        TaxRate.objects.for_practice(practice)
        .filter(archived=False, inclusive=False)
        .order_by("-rate", "name")
        .first()
    )


# --- Periods ---------------------------------------------------------------------------------


def period_datetimes(engagement: Engagement, start: date, end: date) -> tuple[datetime, datetime]:
    """The period [start, end] (dates in the coverage zone) as aware [start, next midnight)."""
    zone = zoneinfo.ZoneInfo(engagement.coverage_time_zone)
    return (
        datetime.combine(start, time(0), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone),
    )


def previous_period(engagement: Engagement, now: datetime) -> tuple[date, date]:
    """The calendar month before the one ``now`` falls in, in the engagement's zone."""
    local = now.astimezone(zoneinfo.ZoneInfo(engagement.coverage_time_zone)).date()
    end = local.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


# --- Surcharges ------------------------------------------------------------------------------


def is_rush(entry: TimeEntry, engagement: Engagement) -> bool:
    """Work on a task whose deadline was set with less notice than the engagement's rush
    notice: from the task's request (``created_at``) to its due time."""
    notice = engagement.rush_notice_hours
    task = entry.task
    if notice is None or task.due_at is None:
        return False
    return task.due_at - task.created_at < timedelta(hours=float(notice))


def is_covered(coverage: Coverage, at: datetime) -> bool:
    """Whether ``at`` falls inside a coverage window (an engagement without windows and not on
    call has no hours to be outside of: everything counts as covered)."""
    if coverage.always_on:
        return True
    try:
        for start, end in covered_spans(coverage, at):
            if start > at:
                return False
            if start <= at < end:
                return True
    except NoCoverage:
        return True
    return False  # pragma: no cover - covered_spans is endless


def surcharge_rate(engagement: Engagement) -> Decimal:
    """The hourly rate surcharges multiply: the hourly rate, else the overage rate."""
    return engagement.hourly_rate or engagement.overage_rate


# --- Building --------------------------------------------------------------------------------


@dataclass
class _Entry:
    entry: TimeEntry
    minutes: int  # rounded per the engagement


def unbilled_entries(practice, engagement: Engagement, start: datetime, end: datetime):
    billed = InvoiceLineTime.objects.for_practice(practice).filter(time_entry=OuterRef("pk"))
    rows = (
        TimeEntry.objects.for_practice(practice)
        .filter(
            client_id=engagement.client_id,
            billable=True,
            minutes__isnull=False,
            locked_at__isnull=True,
            started_at__gte=start,
            started_at__lt=end,
        )
        .filter(~Exists(billed))
        .select_related("task")
        .order_by("started_at", "id")
    )
    rounding = engagement.rounding_minutes
    return [_Entry(row, billable_minutes(row.minutes, rounding)) for row in rows]


def split_by_allowance(
    entries: Iterable[_Entry], allowance_minutes: int
) -> tuple[list[tuple[TimeEntry, int]], list[tuple[TimeEntry, int]], int, int]:
    """Entries in time order against an allowance: the earliest are covered by it, the latest
    beyond it. An entry that crosses the limit is billed (linked) with the part beyond.
    Returns (covered links, beyond links, covered minutes, beyond minutes)."""
    covered: list[tuple[TimeEntry, int]] = []
    beyond: list[tuple[TimeEntry, int]] = []
    left = max(int(allowance_minutes), 0)
    covered_minutes = beyond_minutes = 0
    for item in entries:
        inside = min(item.minutes, left)
        left -= inside
        covered_minutes += inside
        if inside == item.minutes:
            covered.append((item.entry, item.minutes))
        else:
            beyond.append((item.entry, item.minutes - inside))
            beyond_minutes += item.minutes - inside
    return covered, beyond, covered_minutes, beyond_minutes


def _bill_retainer_fee(invoice, engagement, tax_rate) -> None:
    start, end = invoice.period_start, invoice.period_end
    if engagement.monthly_fee:
        add_line(
            invoice,
            kind=LineKind.RETAINER,
            description=_("Monthly retainer, %(from)s to %(to)s")
            % {"from": start.isoformat(), "to": end.isoformat()},
            quantity=Decimal(1),
            unit_price=engagement.monthly_fee,
            tax_rate=tax_rate,
            service_from=start,
            service_to=end,
        )


def _retainer_rollover(invoice, engagement, period) -> Decimal:
    """The hours rolled over into the period from earlier months (0 without rollover)."""
    if engagement.rollover_max_hours <= 0:
        return ZERO
    usage = usage_for_engagements(
        practice=invoice.practice_id, engagements=[engagement], at=period[0]
    )
    return usage[engagement.pk].rollover_hours


def _bill_retainer_hours(
    invoice, engagement, entries, period, tax_rate, *, used_before: int, added: bool
) -> None:
    start, end = invoice.period_start, invoice.period_end
    rollover = _retainer_rollover(invoice, engagement, period)
    available = engagement.included_hours + rollover
    allowance = int(available * 60) - used_before
    covered, beyond, used, over = split_by_allowance(entries, allowance)
    if added and used:
        # Time added to a draft: the line says how much of the plan is used with it.
        add_line(
            invoice,
            kind=LineKind.INCLUDED_HOURS,
            description=_(
                "Hours logged since the draft was made: %(used)s "
                "(%(total)s of %(available)s plan hours used)"
            )
            % {
                "used": hours_of(used),
                "total": hours_of(used_before + used),
                "available": available,
            },
            quantity=hours_of(used),
            unit_price=ZERO,
            service_from=start,
            service_to=end,
            time_entries=covered,
        )
    elif not added and (available > 0 or covered):
        if rollover:
            text = _("Hours used: %(used)s of %(included)s included + %(rollover)s rolled over")
        else:
            text = _("Hours used: %(used)s of %(included)s included")
        add_line(
            invoice,
            kind=LineKind.INCLUDED_HOURS,
            description=text
            % {"used": hours_of(used), "included": engagement.included_hours, "rollover": rollover},
            quantity=hours_of(used),
            unit_price=ZERO,
            service_from=start,
            service_to=end,
            time_entries=covered,
        )
    if beyond:
        add_line(
            invoice,
            kind=LineKind.OVERAGE,
            description=_("Hours beyond the plan"),
            quantity=hours_of(over),
            unit_price=engagement.overage_rate,
            tax_rate=tax_rate,
            service_from=start,
            service_to=end,
            time_entries=beyond,
        )


def _bill_hourly(invoice, engagement, entries, tax_rate, *, added: bool) -> None:
    if not entries:
        return
    add_line(
        invoice,
        kind=LineKind.HOURLY,
        description=_("Hours logged since the draft was made") if added else _("Hours"),
        quantity=hours_of(sum(item.minutes for item in entries)),
        unit_price=engagement.hourly_rate,
        tax_rate=tax_rate,
        service_from=invoice.period_start,
        service_to=invoice.period_end,
        time_entries=[(item.entry, item.minutes) for item in entries],
    )


def _bill_surcharges(invoice, engagement, entries, tax_rate) -> None:
    rate = surcharge_rate(engagement)
    kinds = []
    if engagement.rush_notice_hours is not None and engagement.rush_multiplier > 1:
        rush = [item for item in entries if is_rush(item.entry, engagement)]
        kinds.append((rush, engagement.rush_multiplier, _("Rush surcharge (x%(m)s)")))
    if engagement.after_hours_multiplier > 1:
        coverage = engagement.coverage()
        outside = [item for item in entries if not is_covered(coverage, item.entry.started_at)]
        kinds.append((outside, engagement.after_hours_multiplier, _("Outside coverage (x%(m)s)")))
    for items, multiplier, text in kinds:
        minutes = sum(item.minutes for item in items)
        if not minutes or not rate:
            continue
        add_line(
            invoice,
            kind=LineKind.SURCHARGE,
            description=text % {"m": multiplier},
            quantity=hours_of(minutes),
            unit_price=round_money(rate * (multiplier - 1), invoice.currency),
            tax_rate=tax_rate,
            service_from=invoice.period_start,
            service_to=invoice.period_end,
        )


def bill_time(
    invoice: Invoice,
    engagement: Engagement,
    entries: list,
    period: tuple[datetime, datetime],
    tax_rate: TaxRate | None,
    *,
    added: bool = False,
    plan_minutes_used: int = 0,
) -> None:
    """Price time entries of the invoice's period (from ``unbilled_entries``, in time order)
    onto the draft: hourly plans at the hourly rate; retainers against the included and
    rolled-over hours, then at the overage rate; block plans against the prepaid blocks (see
    ``billing.invoicing.blocks``); then the rush and outside-coverage surcharges.

    ``added``: the time is added to a draft the run built (lines say so), which already bills
    ``plan_minutes_used`` minutes of the plan's hours (included and rolled over, or drawn from
    the blocks)."""
    if engagement.billing_model == BillingModel.HOURLY:
        _bill_hourly(invoice, engagement, entries, tax_rate, added=added)
    elif engagement.billing_model == BillingModel.BLOCK:
        from billing.invoicing.blocks import bill_block_period

        bill_block_period(
            invoice, engagement, entries, period, tax_rate, drawn_minutes=plan_minutes_used
        )
    else:
        _bill_retainer_hours(
            invoice,
            engagement,
            entries,
            period,
            tax_rate,
            used_before=plan_minutes_used,
            added=added,
        )
    _bill_surcharges(invoice, engagement, entries, tax_rate)


def bill_expenses(invoice: Invoice, *, client_id: int, start: date, end: date) -> int:
    """Add the client's unbilled billable expenses of [start, end] in the invoice's currency,
    each with its markup and tax rate; returns how many were billed."""
    expenses = list(
        Expense.objects.for_practice(invoice.practice_id)
        .filter(
            client_id=client_id,
            billable=True,
            invoice_line__isnull=True,
            currency=invoice.currency,
            date__gte=start,
            date__lte=end,
        )
        .select_related("tax_rate")
        .order_by("date", "id")
    )
    for expense in expenses:
        price = round_money(expense.amount * (1 + expense.markup_percent / 100), invoice.currency)
        line = add_line(
            invoice,
            kind=LineKind.EXPENSE,
            description=expense.description[:300],
            quantity=Decimal(1),
            unit_price=price,
            tax_rate=expense.tax_rate,
            service_from=expense.date,
            service_to=expense.date,
        )
        expense.invoice_line = line
    if expenses:
        Expense.objects.for_practice(invoice.practice_id).bulk_update(expenses, ["invoice_line"])
    return len(expenses)


def _payment_terms(practice) -> str | None:
    settings_row = BillingSettings.objects.for_practice(practice).first()
    return settings_row.default_payment_terms if settings_row else None


def _existing(practice, engagement: Engagement, period_start: date) -> Invoice | None:
    return (
        Invoice.objects.for_practice(practice)
        .filter(engagement=engagement, period_start=period_start, kind=InvoiceKind.INVOICE)
        .first()
    )


def invoice_build_for_period(
    *, practice, engagement: Engagement, period_start: date, period_end: date
) -> Invoice | None:
    """The draft invoice of one engagement period, built once: the invoice already made for
    the period when there is one, None when the period has nothing to bill."""
    existing = _existing(practice, engagement, period_start)
    if existing is not None:
        return existing
    period = period_datetimes(engagement, period_start, period_end)
    try:
        with transaction.atomic():
            invoice = _build(practice, engagement, period_start, period_end, period)
    except IntegrityError:
        # Another worker built this period first (the one-per-period constraint).
        existing = _existing(practice, engagement, period_start)
        if existing is None:
            raise
        return existing
    return invoice


def _build(practice, engagement, period_start, period_end, period) -> Invoice | None:
    fields = {}
    terms = _payment_terms(practice)
    if terms:
        fields["payment_terms"] = terms
    invoice = Invoice.objects.create(
        practice=practice,
        client_id=engagement.client_id,
        engagement=engagement,
        kind=InvoiceKind.INVOICE,
        currency=engagement.currency or engagement.client.currency,
        period_start=period_start,
        period_end=period_end,
        **fields,
    )
    tax_rate = default_tax_rate(practice)
    if engagement.billing_model not in (BillingModel.HOURLY, BillingModel.BLOCK):
        _bill_retainer_fee(invoice, engagement, tax_rate)
    entries = unbilled_entries(practice, engagement, *period)
    bill_time(invoice, engagement, entries, period, tax_rate)
    bill_expenses(invoice, client_id=engagement.client_id, start=period_start, end=period_end)
    if not InvoiceLine.objects.for_practice(practice).filter(invoice=invoice).exists():
        # Nothing to bill: no invoice (the period may be built again when something comes).
        transaction.set_rollback(True)
        return None
    invoice_totals(invoice)
    return invoice


# --- The run ---------------------------------------------------------------------------------


def invoices_run_for(*, practice, now: datetime) -> list[Invoice]:
    """Build the draft of every active engagement whose previous period (in its own time zone)
    has ended at ``now`` and has no invoice yet. Returns the invoices built."""
    engagements = list(
        Engagement.objects.for_practice(practice)
        .filter(status=EngagementStatus.ACTIVE)
        .select_related("client")
        .prefetch_related("windows")
        .order_by("pk")
    )
    due = {}
    for engagement in engagements:
        start, end = previous_period(engagement, now)
        if engagement.start_date > end or (engagement.end_date and engagement.end_date < start):
            continue
        due[engagement.pk] = (engagement, start, end)
    if not due:
        return []
    done = set(
        Invoice.objects.for_practice(practice)
        .filter(engagement_id__in=due, kind=InvoiceKind.INVOICE, period_start__isnull=False)
        .values_list("engagement_id", "period_start")
    )
    built = []
    for engagement, start, end in due.values():
        if (engagement.pk, start) in done:
            continue
        invoice = invoice_build_for_period(
            practice=practice, engagement=engagement, period_start=start, period_end=end
        )
        if invoice is not None:
            built.append(invoice)
    return built
