"""The billing dashboard's figures: unbilled time with the client's plan, overdue invoices and
receivables, every amount through the one money filter and every sum a Decimal quantized to
its currency (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.invoicing.issuing import practice_today
from billing.views.invoices import money_sum
from clients.models import BillingModel
from tests.billing.invoice_factories import issued_invoice
from tests.billing.invoicing_helpers import billed_client
from tests.tasks.factories import EngagementFactory, TaskFactory


def dashboard(world):
    return reverse("billing_dashboard", args=[world.practice.slug])


def _unbilled(practice, client, minutes: int):
    task = TaskFactory(practice=practice, client=client)
    start = timezone.now() - timedelta(days=2)
    return task.time_entries.create(
        practice=practice,
        client=client,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        minutes=minutes,
    )


def _plan(practice, client, **fields):
    return EngagementFactory(practice=practice, client=client, currency="AUD", **fields)


@pytest.fixture
def figures(world):
    """An hourly client (90 min unbilled at AUD 60), a retainer client (AUD 1,450 a month, 2 h
    included, AUD 80 beyond; 3 h unbilled), a block client, and two overdue invoices of
    AUD 1,000.50 and AUD 102.50, 46 days past due."""
    practice = world.practice
    hourly = billed_client(practice, name="Hourly Harbour")
    _plan(practice, hourly, billing_model=BillingModel.HOURLY, hourly_rate=Decimal("60.00"))
    _unbilled(practice, hourly, 90)
    retainer = billed_client(practice, name="Retainer Reef")
    _plan(
        practice,
        retainer,
        billing_model=BillingModel.RETAINER,
        monthly_fee=Decimal("1450.00"),
        included_hours=Decimal("2.00"),
        overage_rate=Decimal("80.00"),
    )
    _unbilled(practice, retainer, 180)
    block = billed_client(practice, name="Block Bay")
    _plan(
        practice,
        block,
        billing_model=BillingModel.BLOCK,
        monthly_fee=Decimal("900.00"),
        included_hours=Decimal("10.00"),
        overage_rate=Decimal("95.00"),
    )
    _unbilled(practice, block, 30)
    issue_day = practice_today(practice) - timedelta(days=60)
    for amount in ("1000.50", "102.50"):
        issued_invoice(
            practice=practice,
            client=hourly,
            lines=(("Work", "1", amount),),
            issue_date=issue_day,
        )
    return {"hourly": hourly, "retainer": retainer, "block": block}


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    # Then another practice's member and a client contact see nothing, a secretary the page
    assert outsider_client.get(dashboard(world)).status_code == 404
    assert contact_client.get(dashboard(world)).status_code == 404
    assert secretary_client.get(dashboard(world)).status_code == 200


def test_it_shows_each_clients_plan_instead_of_a_zero_rate(world, secretary_client, figures):
    # When a secretary opens the dashboard
    response = secretary_client.get(dashboard(world))
    body = response.content.decode()
    unbilled = body[body.index("unbilled-h") : body.index("drafts-h")]
    # Then hourly time is priced at its rate, with the money filter
    rows = {row["name"]: row for row in response.context["unbilled"]}
    assert rows["Hourly Harbour"]["hours"] == Decimal("1.50")
    assert rows["Hourly Harbour"]["amount"] == Decimal("90.00")
    assert "AUD\xa060.00/h" in unbilled and "AUD\xa090.00" in unbilled
    # And a retainer shows its fee and its rate beyond the included hours, not a zero rate
    assert "retainer AUD\xa01,450.00 / month · AUD\xa080.00/h beyond 2 h" in unbilled
    assert "block of 10 h for AUD\xa0900.00 · AUD\xa095.00/h beyond" in unbilled
    assert rows["Retainer Reef"]["amount"] is None
    assert "billed against the plan" in unbilled
    assert not re.search(r"(?<![\d.,])0(\.00)? AUD", unbilled)  # no zero rate nor amount


def test_it_shows_sums_padded_and_grouped_as_quantized_decimals(world, secretary_client, figures):
    # When a secretary opens the dashboard
    response = secretary_client.get(dashboard(world))
    body = response.content.decode()
    # Then the overdue total, the receivables and what is over 30 days read AUD 1,103.00
    overdue = body[body.index("overdue-h") : body.index("aging-h")]
    receivables = body[body.index("aging-h") :]
    assert "AUD\xa01,103.00" in overdue and "AUD\xa01103" not in overdue
    assert "AUD\xa01,000.50" in overdue and "AUD\xa0102.50" in overdue
    assert receivables.count("AUD\xa01,103.00") == 2, receivables
    # And the sums behind them are Decimals with the currency's two places
    (overdue_row,) = response.context["overdue"]
    (aging_row,) = response.context["aging"]
    for value in (overdue_row["total"], aging_row["owed"], aging_row["over_30"]):
        assert isinstance(value, Decimal) and value == Decimal("1103.00")
        assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("raw", "currency", "expected"),
    [
        (1103, "AUD", "1103.00"),
        (1103.5, "AUD", "1103.50"),
        (Decimal("1103.005"), "AUD", "1103.01"),
        (Decimal("1103"), "JPY", "1103"),
        (None, "AUD", "0.00"),
    ],
)
def test_it_quantizes_a_sum_half_up_to_its_currency(raw, currency, expected):
    # Given a sum as a database may answer it; then it reads as the currency's amount
    value = money_sum(raw, currency)
    assert isinstance(value, Decimal) and str(value) == expected
