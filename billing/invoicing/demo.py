"""Demo invoicing of the practice (idempotent): its tax rates, billing settings and reminder
rules; a client on prepaid blocks of hours; earlier invoices (one paid, one partly paid and
overdue with its reminder sent, one credited); and last month's time of three clients run into
draft invoices.

Everything but the settings is made once, when the practice has no invoice yet: running the
seed again changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from billing.invoicing import services
from billing.invoicing.blocks import block_purchase
from billing.invoicing.issuing import practice_today
from billing.invoicing.reminders import reminder_rules_seed, reminders_send_for
from billing.invoicing.runs import invoice_build_for_period, previous_period
from billing.invoicing.selectors import taxes_seed
from billing.models import BillingSettings, Invoice, InvoiceLine, TaxRate
from clients.models import (
    BillingModel,
    Client,
    ClientStatus,
    ClientTeamMember,
    Contact,
    Engagement,
    EngagementStatus,
)
from tasks.models import Task, TimeEntry

BLOCK_CLIENT = "Kestrel Studio"
# The clients whose last month is run into drafts.
RUN_CLIENTS = ("Northwind Legal", "Nightjar Ventures", BLOCK_CLIENT)
SETTINGS = {
    "tax_number": "ABN 51 824 753 556",
    "invoice_address": "Level 3, 20 Bond Street\nSydney NSW 2000",
    "payment_instructions": (
        "Bank transfer to Bright Desk Virtual Office\nBSB 062-000  Account 1234 5678\n"
        "Please quote the invoice number as the reference."
    ),
}
# Minutes logged on each working day of last month, in turn (before rounding).
DAY_MINUTES = {
    "Northwind Legal": (95, 70, 120, 45, 85),
    "Nightjar Ventures": (150, 110, 95, 130, 80),
    BLOCK_CLIENT: (35, 0, 25, 0, 0),
}
WORK = {
    "Northwind Legal": "Inbox triage and client intake calls",
    "Nightjar Ventures": "Travel, letters and the investor calls",
    BLOCK_CLIENT: "Proofreading and layout of the catalogue",
}


def _settings(practice) -> BillingSettings:
    settings_row = BillingSettings.objects.for_practice(practice).first()
    if settings_row is None:
        return BillingSettings.objects.create(practice=practice, **SETTINGS)
    empty = {name: value for name, value in SETTINGS.items() if not getattr(settings_row, name)}
    if empty:
        BillingSettings.objects.for_practice(practice).filter(pk=settings_row.pk).update(**empty)
    return settings_row


def _month_before(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def _block_client(demo) -> tuple[Client, Engagement]:
    practice = demo.practice
    client = Client.objects.for_practice(practice).filter(name=BLOCK_CLIENT).first()
    if client is None:
        client = Client.objects.create(
            practice=practice,
            name=BLOCK_CLIENT,
            primary_secretary=demo.secretary,
            time_zone=practice.time_zone,
            currency=practice.currency,
            status=ClientStatus.ACTIVE,
            billing_email="studio@kestrel.example",
            address="4 Lane Cove Road\nNorth Ryde NSW 2113",
        )
        ClientTeamMember.objects.create(practice=practice, client=client, membership=demo.secretary)
        Contact.objects.create(
            practice=practice,
            client=client,
            name="Ivy Moss",
            email="ivy@kestrel.example",
            is_primary=True,
            portal_billing=True,
        )
    engagement = Engagement.objects.for_practice(practice).filter(client=client).first()
    if engagement is None:
        today = practice_today(practice)
        engagement = Engagement.objects.create(
            practice=practice,
            client=client,
            title="Prepaid hours",
            billing_model=BillingModel.BLOCK,
            currency=client.currency,
            monthly_fee=Decimal("600.00"),
            included_hours=Decimal("10"),
            hourly_rate=Decimal("60.00"),
            overage_rate=Decimal("60.00"),
            rounding_minutes=15,
            coverage_time_zone=practice.time_zone,
            start_date=_month_before(_month_before(today.replace(day=1))),
            status=EngagementStatus.ACTIVE,
            alert_threshold_percent=25,
        )
    return client, engagement


def _task_for(demo, client: Client) -> Task:
    task = Task.objects.for_practice(demo.practice).filter(client=client).order_by("pk").first()
    if task is None:
        task = Task.objects.create(
            practice=demo.practice,
            client=client,
            title=WORK.get(client.name, "Monthly work"),
            created_by=demo.secretary.user,
            assignee=demo.secretary,
        )
    return task


def _log_last_month(demo, engagement: Engagement) -> tuple[date, date]:
    """Time on the working days of last month in the engagement's zone, at 10:00 local."""
    practice = demo.practice
    start, end = previous_period(engagement, timezone.now())
    zone = ZoneInfo(engagement.coverage_time_zone)
    task = _task_for(demo, engagement.client)
    pattern = DAY_MINUTES[engagement.client.name]
    day, turn = start, 0
    while day <= end:
        if day.weekday() < 5:
            minutes = pattern[turn % len(pattern)]
            turn += 1
            if minutes:
                started = datetime.combine(day, time(10), tzinfo=zone)
                TimeEntry.objects.create(
                    practice=practice,
                    task=task,
                    client=engagement.client,
                    membership=demo.secretary,
                    started_at=started,
                    ended_at=started + timedelta(minutes=minutes),
                    minutes=minutes,
                    description=WORK[engagement.client.name],
                    billable=True,
                    manual=True,
                )
        day += timedelta(days=1)
    return start, end


def _issued(demo, client, lines, *, day: date, gst: TaxRate) -> Invoice:
    practice, user = demo.practice, demo.owner.user
    invoice = services.invoice_create(practice=practice, client=client, user=user)
    for description, quantity, unit_price in lines:
        services.invoice_line_add(
            practice=practice,
            invoice=invoice,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Decimal(unit_price),
            tax_rate=gst,
        )
    return services.invoice_issue(practice=practice, invoice=invoice, issue_date=day, user=user)


def _earlier_invoices(demo, block_client, block_engagement, gst: TaxRate) -> None:
    """Two months ago: a block of hours bought and paid, a retainer partly paid (overdue, its
    reminder sent) and one credited in part."""
    practice, user = demo.practice, demo.owner.user
    today = practice_today(practice)
    month = _month_before(_month_before(today.replace(day=1)))
    label = month.strftime("%B %Y")
    clients = {
        c.name: c
        for c in Client.objects.for_practice(practice).filter(
            name__in=("Quiet Harbour Consulting", "Nightjar Ventures")
        )
    }
    # The block, bought on the first of the month, on its own invoice: issued and paid.
    block = block_purchase(
        practice=practice,
        client=block_client,
        engagement=block_engagement,
        hours=Decimal("10"),
        unit_price=Decimal("60.00"),
        tax_rate=gst,
        purchased_on=month,
        user=user,
    )
    paid = services.invoice_issue(
        practice=practice, invoice=block.invoice_line.invoice, issue_date=month, user=user
    )
    services.payment_record(
        practice=practice,
        client=block_client,
        date=month + timedelta(days=6),
        amount=paid.total,
        currency=paid.currency,
        reference=paid.number,
        user=user,
    )
    quiet = clients.get("Quiet Harbour Consulting")
    if quiet is not None:
        if not quiet.billing_email:
            Client.objects.for_practice(practice).filter(pk=quiet.pk).update(
                billing_email="accounts@quietharbour.example"
            )
            quiet.billing_email = "accounts@quietharbour.example"
        overdue = _issued(
            demo,
            quiet,
            [
                (f"Monthly retainer, {label}", "1", "1450.00"),
                ("Hours beyond the plan", "3.5", "80.00"),
            ],
            day=month + timedelta(days=2),
            gst=gst,
        )
        services.payment_record(
            practice=practice,
            client=quiet,
            date=month + timedelta(days=20),
            amount=Decimal("800.00"),
            currency=overdue.currency,
            reference=overdue.number,
            allocations={overdue: Decimal("800.00")},
            user=user,
        )
        # Net 14 days from the 3rd: well past due by now, and reminded once.
        reminders_send_for(practice=practice, today=today)
    nightjar = clients.get("Nightjar Ventures")
    if nightjar is not None:
        credited = _issued(
            demo,
            nightjar,
            [
                (f"On-call retainer, {label}", "1", "3900.00"),
                ("Conference call set-up (billed twice)", "2", "95.00"),
            ],
            day=month + timedelta(days=4),
            gst=gst,
        )
        twice = (
            InvoiceLine.objects.for_practice(practice)
            .filter(invoice=credited)
            .order_by("position")
            .last()
        )
        services.credit_note_create(
            practice=practice,
            invoice=credited,
            lines=[twice],
            reason="Conference call set-up billed twice",
            issue_date=month + timedelta(days=9),
            user=user,
        )
        credited.refresh_from_db()
        services.payment_record(
            practice=practice,
            client=nightjar,
            date=month + timedelta(days=18),
            amount=credited.balance_due,
            currency=credited.currency,
            reference=credited.number,
            allocations={credited: credited.balance_due},
            user=user,
        )


def seed(demo) -> None:
    practice = demo.practice
    taxes_seed(practice=practice)
    _settings(practice)
    reminder_rules_seed(practice=practice)
    block_client, block_engagement = _block_client(demo)
    if Invoice.objects.for_practice(practice).exists():
        return
    gst = (
        TaxRate.objects.for_practice(practice)
        .filter(archived=False, inclusive=False)
        .order_by("-rate", "name")
        .first()
    )
    _earlier_invoices(demo, block_client, block_engagement, gst)
    engagements = (
        Engagement.objects.for_practice(practice)
        .filter(Q(client__name__in=RUN_CLIENTS), status=EngagementStatus.ACTIVE)
        .select_related("client")
        .order_by("client__name")
    )
    for engagement in engagements:
        start, end = _log_last_month(demo, engagement)
        invoice_build_for_period(
            practice=practice, engagement=engagement, period_start=start, period_end=end
        )
