"""Refreshing a run's draft from the page: time logged after the run built it is priced the way
the run prices time (the plan's hours left first, then the overage rate, rounded by the
engagement, with surcharges)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from billing.invoicing.runs import invoice_build_for_period
from billing.invoicing.selectors import taxes_seed
from billing.models import HourBlock, InvoiceLineTime, LineKind
from clients.models import BillingModel
from tests.clients.factories import ClientFactory
from tests.tasks.factories import EngagementFactory, TaskFactory, TimeEntryFactory

SYDNEY = ZoneInfo("Australia/Sydney")
NOV = (date(2026, 11, 1), date(2026, 11, 30))


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SYDNEY)


@pytest.fixture
def engagement(world):
    """A retainer: AUD 1,000 a month with 2 hours included, AUD 90 an hour beyond, each entry
    rounded up to 15 minutes; the practice charges GST 10 %."""
    taxes_seed(practice=world.practice)
    client = ClientFactory(practice=world.practice, currency="AUD", time_zone="Australia/Sydney")
    return EngagementFactory(
        practice=world.practice,
        client=client,
        currency="AUD",
        monthly_fee=Decimal("1000.00"),
        included_hours=Decimal("2.00"),
        overage_rate=Decimal("90.00"),
        hourly_rate=Decimal("60.00"),
        rounding_minutes=15,
        start_date=date(2026, 1, 1),
    )


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


def _build(engagement):
    return invoice_build_for_period(
        practice=engagement.practice,
        engagement=engagement,
        period_start=NOV[0],
        period_end=NOV[1],
    )


def _refresh(world, http, invoice):
    return http.post(reverse("invoice_refresh", args=[world.practice.slug, invoice.pk]))


def _lines(invoice, kind):
    return list(invoice.lines.filter(kind=kind).order_by("position"))


def _links(world, line) -> dict[int, int]:
    rows = InvoiceLineTime.objects.for_practice(world.practice).filter(line=line)
    return {row.time_entry_id: row.billed_minutes for row in rows}


def test_it_checks_ownership(world, engagement, outsider_client, contact_client):
    # Given a run's draft with new time in its period
    _entry(engagement, _at(3), 60)
    invoice = _build(engagement)
    _entry(engagement, _at(4), 30)
    # When another practice's member or a client contact asks for a refresh
    for http in (outsider_client, contact_client):
        # Then they get 404 and nothing is added
        assert _refresh(world, http, invoice).status_code == 404
    assert invoice.lines.count() == 2


def test_it_bills_new_time_within_the_included_hours_then_beyond_at_the_overage_rate(
    world, engagement, secretary_client
):
    # Given the run's draft of November billing 1 h of the 2 included hours
    _entry(engagement, _at(3), 60)
    invoice = _build(engagement)
    assert invoice.total == Decimal("1100.00")
    # When 30 min more are logged and the draft is refreshed
    half = _entry(engagement, _at(4), 30)
    response = _refresh(world, secretary_client, invoice)
    # Then the half hour is billed within the plan, at no charge
    assert response.status_code == 302
    page = secretary_client.get(response["Location"]).content.decode()
    assert "30 min of new time added." in page
    invoice.refresh_from_db()
    included = _lines(invoice, LineKind.INCLUDED_HOURS)
    assert [(line.quantity, line.amount) for line in included] == [
        (Decimal("1.00"), Decimal("0.00")),
        (Decimal("0.50"), Decimal("0.00")),
    ]
    assert _links(world, included[1]) == {half.pk: 30}
    assert not _lines(invoice, LineKind.OVERAGE)
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("1000.00"),
        Decimal("100.00"),
        Decimal("1100.00"),
    )

    # When two entries of 55 min (60 min each, rounded by the engagement) come and it is
    # refreshed again
    first = _entry(engagement, _at(5), 55)
    second = _entry(engagement, _at(6), 55)
    _refresh(world, secretary_client, invoice)
    # Then the last half hour of the plan is used, and 1.5 h are billed at AUD 90
    invoice.refresh_from_db()
    included = _lines(invoice, LineKind.INCLUDED_HOURS)
    assert [line.quantity for line in included] == [
        Decimal("1.00"),
        Decimal("0.50"),
        Decimal("0.50"),
    ]
    assert _links(world, included[2]) == {}  # the first entry crosses the limit
    (overage,) = _lines(invoice, LineKind.OVERAGE)
    assert (overage.quantity, overage.unit_price, overage.amount, overage.tax_amount) == (
        Decimal("1.50"),
        Decimal("90.00"),
        Decimal("135.00"),
        Decimal("13.50"),
    )
    assert _links(world, overage) == {first.pk: 30, second.pk: 60}
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("1135.00"),
        Decimal("113.50"),
        Decimal("1248.50"),
    )
    # And nothing is billed twice
    _refresh(world, secretary_client, invoice)
    assert invoice.lines.count() == 5


def test_it_links_an_entry_that_fits_the_plan_to_the_included_line(
    world, engagement, secretary_client
):
    # Given a draft billing 1 h of 2 included
    _entry(engagement, _at(3), 60)
    invoice = _build(engagement)
    # When 45 min and then 30 min more come in one refresh
    fits = _entry(engagement, _at(4), 45)
    crosses = _entry(engagement, _at(5), 30)
    _refresh(world, secretary_client, invoice)
    # Then the first fits the plan, the second is billed with its 15 min beyond
    included = _lines(invoice, LineKind.INCLUDED_HOURS)[-1]
    (overage,) = _lines(invoice, LineKind.OVERAGE)
    assert included.quantity == Decimal("1.00") and _links(world, included) == {fits.pk: 45}
    assert overage.quantity == Decimal("0.25") and _links(world, overage) == {crosses.pk: 15}
    assert overage.amount == Decimal("22.50")
    # And once the plan is used up, later time is billed beyond it in whole
    later = _entry(engagement, _at(6), 30)
    _refresh(world, secretary_client, invoice)
    assert len(_lines(invoice, LineKind.INCLUDED_HOURS)) == 2
    last = _lines(invoice, LineKind.OVERAGE)[-1]
    assert last.quantity == Decimal("0.50") and _links(world, last) == {later.pk: 30}


def test_it_bills_new_time_against_the_rolled_over_hours_before_the_overage(
    world, engagement, secretary_client
):
    # Given 1 h rolled over from an idle October (at most 1 h) and a November draft billing
    # 2.5 h of the 3 h of the plan
    engagement.rollover_max_hours = Decimal("1.00")
    engagement.save(update_fields=["rollover_max_hours"])
    _entry(engagement, _at(3), 150)
    invoice = _build(engagement)
    (run_line,) = _lines(invoice, LineKind.INCLUDED_HOURS)
    assert "1.00 rolled over" in run_line.description and run_line.quantity == Decimal("2.50")
    # When 1 h more is logged and the draft refreshed
    _entry(engagement, _at(4), 60)
    _refresh(world, secretary_client, invoice)
    # Then half of it is the last of the rolled-over hours, the other half overage
    added = _lines(invoice, LineKind.INCLUDED_HOURS)[-1]
    (overage,) = _lines(invoice, LineKind.OVERAGE)
    assert added.quantity == Decimal("0.50") and "3.00 of 3.00 plan hours" in added.description
    assert (overage.quantity, overage.amount) == (Decimal("0.50"), Decimal("45.00"))


def test_it_adds_the_outside_coverage_surcharge_of_new_time(world, secretary_client):
    # Given an hourly plan at AUD 60 with time outside coverage at x2
    taxes_seed(practice=world.practice)
    client = ClientFactory(practice=world.practice, currency="AUD", time_zone="Australia/Sydney")
    engagement = EngagementFactory(
        practice=world.practice,
        client=client,
        currency="AUD",
        billing_model=BillingModel.HOURLY,
        hourly_rate=Decimal("60.00"),
        after_hours_multiplier=Decimal("2.00"),
        start_date=date(2026, 1, 1),
    )
    _entry(engagement, _at(3), 60)
    invoice = _build(engagement)
    # When half an hour on a Saturday is logged and the draft refreshed
    _entry(engagement, _at(7), 30)
    _refresh(world, secretary_client, invoice)
    # Then it is billed at the hourly rate with its surcharge
    (_run, added) = _lines(invoice, LineKind.HOURLY)
    (surcharge,) = _lines(invoice, LineKind.SURCHARGE)
    assert (added.quantity, added.amount) == (Decimal("0.50"), Decimal("30.00"))
    assert (surcharge.quantity, surcharge.unit_price, surcharge.amount) == (
        Decimal("0.50"),
        Decimal("60.00"),
        Decimal("30.00"),
    )


def test_it_draws_new_time_from_what_is_left_of_the_blocks(world, secretary_client, settings):
    # Given a block plan without automatic renewal: 5 h bought, 4 h drawn by the run's draft
    settings.BILLING_BLOCK_AUTO_RENEW = False
    client = ClientFactory(practice=world.practice, currency="AUD", time_zone="Australia/Sydney")
    engagement = EngagementFactory(
        practice=world.practice,
        client=client,
        currency="AUD",
        billing_model=BillingModel.BLOCK,
        included_hours=Decimal("5.00"),
        monthly_fee=Decimal("400.00"),
        overage_rate=Decimal("100.00"),
        start_date=date(2026, 1, 1),
    )
    HourBlock.objects.create(
        practice=world.practice,
        client=client,
        engagement=engagement,
        hours=Decimal("5.00"),
        purchased_on=date(2026, 10, 1),
    )
    _entry(engagement, _at(3), 240)
    invoice = _build(engagement)
    # When 2 h more are logged and the draft refreshed
    _entry(engagement, _at(4), 120)
    _refresh(world, secretary_client, invoice)
    # Then the last hour of the blocks is drawn and the other is billed beyond them
    drawn = _lines(invoice, LineKind.INCLUDED_HOURS)
    (overage,) = _lines(invoice, LineKind.OVERAGE)
    assert [line.quantity for line in drawn] == [Decimal("4.00"), Decimal("1.00")]
    assert (overage.quantity, overage.amount) == (Decimal("1.00"), Decimal("100.00"))
