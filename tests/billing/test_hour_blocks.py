"""Prepaid hour blocks: balance, purchase, draw-down with auto-renew, the alert, the pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from billing.invoicing.blocks import block_balance, block_purchase
from billing.invoicing.runs import invoice_build_for_period
from billing.models import HourBlock, LineKind
from billing.tasks import check_block_alert
from clients.models import BillingModel
from secretary.errors import ApplicationError
from tests.clients.factories import ClientFactory, ContactFactory
from tests.tasks.factories import EngagementFactory, TaskFactory, TimeEntryFactory

SYDNEY = ZoneInfo("Australia/Sydney")


def _block_plan(world, **fields):
    client = ClientFactory(
        practice=world.practice, currency="AUD", primary_secretary=world.secretary
    )
    return EngagementFactory(
        practice=world.practice,
        client=client,
        currency="AUD",
        billing_model=BillingModel.BLOCK,
        monthly_fee=Decimal("500.00"),
        included_hours=Decimal("10.00"),
        overage_rate=Decimal("80.00"),
        rounding_minutes=15,
        start_date=date(2026, 1, 1),
        **fields,
    )


def _entry(engagement, day: date, minutes: int):
    start = datetime(day.year, day.month, day.day, 10, tzinfo=SYDNEY)
    return TimeEntryFactory(
        practice=engagement.practice,
        task=TaskFactory(practice=engagement.practice, client=engagement.client),
        client=engagement.client,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        minutes=minutes,
    )


def test_it_draws_the_balance_down_across_months_with_per_entry_rounding(world):
    engagement = _block_plan(world)
    block = block_purchase(
        practice=world.practice,
        client=engagement.client,
        engagement=engagement,
        hours=Decimal("10"),
        unit_price=Decimal("50.00"),
        purchased_on=date(2026, 10, 1),
    )
    _entry(engagement, date(2026, 10, 5), 50)  # 60
    _entry(engagement, date(2026, 11, 5), 20)  # 30
    assert block_balance(practice=world.practice, client=engagement.client) == Decimal("8.50")
    line = block.invoice_line
    assert line.kind == LineKind.BLOCK and line.amount == Decimal("500.00")
    assert line.invoice.total == Decimal("500.00")


def test_it_refuses_a_block_of_no_hours(world):
    engagement = _block_plan(world)
    with pytest.raises(ApplicationError) as error:
        block_purchase(practice=world.practice, client=engagement.client, hours=0, unit_price=50)
    assert "hours" in error.value.errors


def test_it_buys_a_new_block_on_the_invoice_when_the_balance_runs_out(world, settings):
    engagement = _block_plan(world)
    block_purchase(
        practice=world.practice,
        client=engagement.client,
        engagement=engagement,
        hours=Decimal("2"),
        unit_price=Decimal("50.00"),
        purchased_on=date(2026, 10, 1),
    )
    _entry(engagement, date(2026, 11, 5), 180)
    invoice = invoice_build_for_period(
        practice=world.practice,
        engagement=engagement,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    kinds = list(invoice.lines.values_list("kind", flat=True))
    assert LineKind.BLOCK in kinds and LineKind.OVERAGE not in kinds
    assert HourBlock.objects.for_practice(world.practice).count() == 2
    assert block_balance(practice=world.practice, client=engagement.client) == Decimal("9.00")


def test_it_bills_hours_beyond_the_blocks_when_auto_renew_is_off(world, settings):
    settings.BILLING_BLOCK_AUTO_RENEW = False
    engagement = _block_plan(world)
    block_purchase(
        practice=world.practice,
        client=engagement.client,
        engagement=engagement,
        hours=Decimal("2"),
        unit_price=Decimal("50.00"),
        purchased_on=date(2026, 10, 1),
    )
    _entry(engagement, date(2026, 11, 5), 180)
    invoice = invoice_build_for_period(
        practice=world.practice,
        engagement=engagement,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    overage = invoice.lines.get(kind=LineKind.OVERAGE)
    assert overage.quantity == Decimal("1.00") and overage.amount == Decimal("80.00")


def test_it_alerts_once_when_the_balance_falls_below_the_threshold(world):
    engagement = _block_plan(world, alert_threshold_percent=80)
    ContactFactory(client=engagement.client, email="pay@client.test", portal_billing=True)
    block_purchase(
        practice=world.practice,
        client=engagement.client,
        engagement=engagement,
        hours=Decimal("10"),
        unit_price=Decimal("50.00"),
        purchased_on=date(2026, 10, 1),
    )
    _entry(engagement, date(2026, 10, 5), 7 * 60)
    args = {"practice_id": world.practice.pk, "client_id": engagement.client.pk}
    assert check_block_alert(**args) is False  # 3 h left of 10: above 20 %
    mail.outbox.clear()
    _entry(engagement, date(2026, 10, 6), 90)
    assert check_block_alert(**args) is True
    assert check_block_alert(**args) is False
    assert len(mail.outbox) == 1 and "pay@client.test" in mail.outbox[0].to


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    engagement = _block_plan(world)
    url = reverse("hour_block_balance", args=[world.practice.slug, engagement.client.pk])
    assert outsider_client.get(url).status_code == 404
    assert contact_client.get(url).status_code == 404
    assert secretary_client.get(url).status_code == 200


def test_it_shows_the_contact_their_hours(world, contact_client):
    engagement = _block_plan(world)
    ContactFactory(client=engagement.client, membership=world.client_contact, portal_billing=True)
    block_purchase(
        practice=world.practice,
        client=engagement.client,
        hours=Decimal("5"),
        unit_price=Decimal("50.00"),
        purchased_on=date(2026, 10, 1),
    )
    response = contact_client.get(reverse("portal_hour_blocks", args=[world.practice.slug]))
    assert response.status_code == 200 and "<strong>5 h</strong> left" in response.content.decode()
