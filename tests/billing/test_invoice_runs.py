"""Invoice runs: the draft of one engagement period, the hourly beat job, and time logged for a
month until its invoice is issued."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from billing.invoicing.runs import invoice_build_for_period
from billing.models import Expense, Invoice, InvoiceLineTime, InvoiceStatus, LineKind
from billing.tasks import run_invoices
from clients.models import BillingModel
from secretary.errors import ApplicationError
from secretary.tenancy import practice_scope
from tasks import timekeeping
from tests.clients.factories import ClientFactory
from tests.tasks.factories import EngagementFactory, TaskFactory, TimeEntryFactory

SYDNEY = ZoneInfo("Australia/Sydney")
NOV = (date(2026, 11, 1), date(2026, 11, 30))


def _now(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SYDNEY)


def _engagement(world, **fields):
    client = ClientFactory(practice=world.practice, currency="AUD", time_zone="Australia/Sydney")
    defaults = {
        "practice": world.practice,
        "client": client,
        "currency": "AUD",
        "monthly_fee": Decimal("1000.00"),
        "included_hours": Decimal("2.00"),
        "overage_rate": Decimal("90.00"),
        "hourly_rate": Decimal("60.00"),
        "start_date": date(2026, 1, 1),
    }
    defaults.update(fields)
    return EngagementFactory(**defaults)


def _entry(engagement, start: datetime, minutes: int, **fields):
    task = fields.pop("task", None) or TaskFactory(
        practice=engagement.practice, client=engagement.client
    )
    return TimeEntryFactory(
        practice=engagement.practice,
        task=task,
        client=engagement.client,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        minutes=minutes,
        **fields,
    )


def _build(engagement, period=NOV):
    return invoice_build_for_period(
        practice=engagement.practice,
        engagement=engagement,
        period_start=period[0],
        period_end=period[1],
    )


def _lines(invoice):
    return {line.kind: line for line in invoice.lines.all()}


def test_it_bills_the_retainer_included_hours_and_the_latest_entries_as_overage(world):
    # given a retainer with 2 included hours, rounding to 15 minutes, and 3 entries of 50 min
    engagement = _engagement(world, rounding_minutes=15)
    first = _entry(engagement, _at(3), 50)
    second = _entry(engagement, _at(4), 50)
    third = _entry(engagement, _at(5), 50)
    _entry(engagement, _at(5, month=10), 600)  # another month: not billed
    _entry(engagement, _at(6), 30, billable=False)
    # when November is built
    invoice = _build(engagement)
    # then 3 x 60 min: 2 h included, 1 h beyond, billed on the latest entry
    lines = _lines(invoice)
    assert lines[LineKind.RETAINER].amount == Decimal("1000.00")
    assert lines[LineKind.INCLUDED_HOURS].quantity == Decimal("2.00")
    assert lines[LineKind.INCLUDED_HOURS].amount == Decimal("0.00")
    assert lines[LineKind.OVERAGE].quantity == Decimal("1.00")
    assert lines[LineKind.OVERAGE].amount == Decimal("90.00")
    overage_links = InvoiceLineTime.objects.for_practice(world.practice).filter(
        line=lines[LineKind.OVERAGE]
    )
    assert [link.time_entry_id for link in overage_links] == [third.pk]
    included = InvoiceLineTime.objects.for_practice(world.practice).filter(
        line=lines[LineKind.INCLUDED_HOURS]
    )
    assert {link.time_entry_id for link in included} == {first.pk, second.pk}
    assert invoice.total == Decimal("1090.00") and invoice.status == InvoiceStatus.DRAFT


def test_it_bills_every_hour_of_an_hourly_plan_and_returns_the_same_invoice_twice(world):
    engagement = _engagement(world, billing_model=BillingModel.HOURLY, rounding_minutes=6)
    _entry(engagement, _at(3), 61)  # 66 min rounded
    _entry(engagement, _at(4), 30)
    invoice = _build(engagement)
    again = _build(engagement)
    line = _lines(invoice)[LineKind.HOURLY]
    assert line.quantity == Decimal("1.60") and line.amount == Decimal("96.00")
    assert again.pk == invoice.pk
    assert Invoice.objects.for_practice(world.practice).count() == 1


def test_it_builds_nothing_for_an_hourly_period_without_work(world):
    engagement = _engagement(world, billing_model=BillingModel.HOURLY)
    assert _build(engagement) is None
    assert not Invoice.objects.for_practice(world.practice).exists()


def test_it_adds_rush_and_after_hours_surcharges(world):
    # given an hourly plan: rush under 24 h notice at x1.5, outside 9-17 weekdays at x2
    engagement = _engagement(
        world,
        billing_model=BillingModel.HOURLY,
        rush_notice_hours=Decimal("24"),
        rush_multiplier=Decimal("1.50"),
        after_hours_multiplier=Decimal("2.00"),
    )
    rush_task = TaskFactory(
        practice=world.practice,
        client=engagement.client,
        created_at=_at(3, 9),
        due_at=_at(3, 15),
    )
    _entry(engagement, _at(3, 10), 60, task=rush_task)  # Tuesday 10:00: rush, covered
    _entry(engagement, _at(7, 10), 30)  # Saturday: outside coverage
    invoice = _build(engagement)
    surcharges = list(invoice.lines.filter(kind=LineKind.SURCHARGE).order_by("position"))
    assert [(s.quantity, s.unit_price, s.amount) for s in surcharges] == [
        (Decimal("1.00"), Decimal("30.00"), Decimal("30.00")),
        (Decimal("0.50"), Decimal("60.00"), Decimal("30.00")),
    ]


def test_it_bills_the_clients_expenses_with_markup_once(world):
    engagement = _engagement(world)
    other = ClientFactory(practice=world.practice, currency="AUD")
    mine = Expense.objects.create(
        practice=world.practice,
        client=engagement.client,
        date=date(2026, 11, 5),
        description="Courier",
        amount=Decimal("10.00"),
        currency="AUD",
        markup_percent=Decimal("15"),
    )
    Expense.objects.create(
        practice=world.practice,
        client=other,
        date=date(2026, 11, 5),
        description="Not theirs",
        amount=Decimal("99.00"),
        currency="AUD",
    )
    invoice = _build(engagement)
    line = _lines(invoice)[LineKind.EXPENSE]
    mine.refresh_from_db()
    assert line.amount == Decimal("11.50") and mine.invoice_line_id == line.pk
    assert invoice.lines.filter(kind=LineKind.EXPENSE).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_it_makes_one_invoice_when_two_workers_build_the_same_period(world):
    # given an engagement with work in November
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    engagement = _engagement(world)
    _entry(engagement, _at(3), 60)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def work():
        try:
            barrier.wait(timeout=10)
            with practice_scope(world.practice):
                results.append(_build(engagement).pk)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    # when two threads build it at once
    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then both get the same invoice, and there is one
    assert not errors
    assert len(set(results)) == 1
    assert Invoice.objects.for_practice(world.practice).count() == 1


def test_it_runs_a_sydney_engagement_once_its_month_has_ended_there(world):
    engagement = _engagement(world, start_date=date(2026, 11, 1))
    _entry(engagement, _at(3), 60)
    # 30 November 12:59 UTC is 23:59 in Sydney: November is not over
    with _now(datetime(2026, 11, 30, 12, 59, tzinfo=UTC)):
        run_invoices()
        assert not Invoice.objects.for_practice(world.practice).filter(period_start=NOV[0]).exists()
    # 13:00 UTC is 1 December 00:00 in Sydney
    with _now(datetime(2026, 11, 30, 13, 0, tzinfo=UTC)):
        run_invoices()
        run_invoices()
    invoices = Invoice.objects.for_practice(world.practice).filter(engagement=engagement)
    assert [(i.period_start, i.period_end) for i in invoices] == [NOV]


def test_it_lets_time_be_logged_for_last_month_until_its_invoice_is_issued(world):
    engagement = _engagement(world)
    task = TaskFactory(practice=world.practice, client=engagement.client)
    with _now(datetime(2026, 11, 30, 14, 0, tzinfo=UTC)):  # 1 December in Sydney
        run_invoices()
        invoice = Invoice.objects.for_practice(world.practice).get(engagement=engagement)
        # while the draft is open, November time is accepted
        entry = timekeeping.time_entry_add(
            practice=world.practice,
            membership=world.secretary,
            task=task,
            day=date(2026, 11, 30),
            minutes=30,
        )
        assert entry.started_at.astimezone(SYDNEY).date() == date(2026, 11, 30)
        # once issued, it is refused
        Invoice.objects.for_practice(world.practice).filter(pk=invoice.pk).update(
            status=InvoiceStatus.ISSUED, number="INV-2026-00001", issue_date=date(2026, 12, 1)
        )
        with pytest.raises(ApplicationError) as error:
            timekeeping.time_entry_add(
                practice=world.practice,
                membership=world.secretary,
                task=task,
                day=date(2026, 11, 29),
                minutes=30,
            )
        assert "closed period" in error.value.message
        assert "already invoiced" in error.value.message
        # and two months back is closed without a draft covering it
        with pytest.raises(ApplicationError):
            timekeeping.time_entry_add(
                practice=world.practice,
                membership=world.secretary,
                task=task,
                day=date(2026, 9, 15),
                minutes=30,
            )
