"""Hours used per period: rounding, included first, then rollover, then overage."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clients import usage as usage_module
from clients.models import EngagementStatus
from clients.usage import (
    billable_minutes,
    period_bounds,
    period_usage,
    register_minutes_source,
    unregister_minutes_source,
    usage_for_clients,
)
from tests.clients.factories import ClientFactory, EngagementFactory


class FakeEntries:
    """A minutes source answering from a dict {(client_id, "YYYY-MM"): [minutes]}."""

    def __init__(self):
        self.entries: dict = {}
        self.calls = 0

    def __call__(self, *, practice, client_ids, start, end):
        self.calls += 1
        key_month = start.strftime("%Y-%m")
        return {cid: self.entries.get((cid, key_month), []) for cid in client_ids}


@pytest.fixture
def source(monkeypatch):
    # Only the fake answers: the sources other apps register (tasks' time entries) are set
    # aside, so the figures and query counts below are this module's alone.
    monkeypatch.setattr(usage_module, "_SOURCES", [])
    fake = FakeEntries()
    register_minutes_source(fake)
    yield fake
    unregister_minutes_source(fake)


AT = datetime(2025, 3, 15, 3, 0, tzinfo=UTC)  # 15 March, 14:00 in Sydney


@pytest.fixture
def engagement(world):
    client = ClientFactory(practice=world.practice)
    return EngagementFactory(
        client=client,
        status=EngagementStatus.ACTIVE,
        included_hours=Decimal("10"),
        rollover_max_hours=Decimal("5"),
        rounding_minutes=15,
        start_date=date(2025, 1, 1),
    )


def test_it_is_zero_without_a_minutes_source(engagement, monkeypatch):
    # Given no time source; when usage is read; then nothing is used
    monkeypatch.setattr(usage_module, "_SOURCES", [])
    usage = period_usage(engagement=engagement, at=AT)
    assert usage.used_hours == Decimal("0.00")
    assert usage.percent == Decimal("0.0")


def test_it_uses_calendar_months_in_the_coverage_time_zone():
    # 31 March 14:00 UTC is already 1 April in Sydney
    start, end = period_bounds(
        time_zone="Australia/Sydney", at=datetime(2025, 3, 31, 14, 0, tzinfo=UTC)
    )
    assert (start.month, start.day, end.month) == (4, 1, 5)
    assert start.utcoffset().total_seconds() == 11 * 3600  # still daylight time on 1 April


def test_it_rounds_each_entry_up(engagement, source):
    # Given two 1-minute entries and a 15-minute rounding rule
    source.entries[(engagement.client_id, "2025-03")] = [1, 1]
    # When usage is computed; then each entry counts 15 minutes
    assert period_usage(engagement=engagement, at=AT).used_hours == Decimal("0.50")


def test_it_consumes_included_then_rollover_then_overage(engagement, source):
    # Given 4 unused included hours last month (6 of 10 used) and 12.5 hours this month
    source.entries[(engagement.client_id, "2025-02")] = [360]
    source.entries[(engagement.client_id, "2025-03")] = [600, 150]
    usage = period_usage(engagement=engagement, at=AT)
    # Then 10 come from included, 2.5 from the 4 rolled over, nothing is overage
    assert usage.rollover_hours == Decimal("4.00")
    assert (usage.from_included, usage.from_rollover, usage.overage_hours) == (
        Decimal("10.00"),
        Decimal("2.50"),
        Decimal("0.00"),
    )
    assert usage.percent == Decimal("125.0")


def test_it_caps_rollover_and_lets_it_expire_after_one_period(engagement, source):
    # Given nothing used in February (10 unused, capped at 5) nor in January
    source.entries[(engagement.client_id, "2025-03")] = [17 * 60]
    usage = period_usage(engagement=engagement, at=AT)
    # Then only February's capped 5 hours roll over (January's never stack)
    assert usage.rollover_hours == Decimal("5.00")
    assert usage.overage_hours == Decimal("2.00")


def test_it_has_no_rollover_in_the_first_month(world, source):
    client = ClientFactory(practice=world.practice)
    engagement = EngagementFactory(
        client=client,
        status=EngagementStatus.ACTIVE,
        rollover_max_hours=Decimal("5"),
        start_date=date(2025, 3, 3),
    )
    assert period_usage(engagement=engagement, at=AT).rollover_hours == Decimal("0.00")


def test_it_batches_usage_for_many_clients(world, source, django_assert_max_num_queries):
    # Given five clients with active engagements in one time zone
    clients = [ClientFactory(practice=world.practice) for _ in range(5)]
    for client in clients:
        EngagementFactory(client=client, status=EngagementStatus.ACTIVE)
    clients.append(ClientFactory(practice=world.practice))  # no engagement
    # When usage is read for all; then one query and one source call per period
    with django_assert_max_num_queries(1):
        usage = usage_for_clients(practice=world.practice, clients=clients, at=AT)
    assert source.calls == 1
    assert usage[clients[-1].pk] is None
    assert all(usage[c.pk] is not None for c in clients[:-1])


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.integers(min_value=0, max_value=10_000),
    rounding=st.sampled_from([0, 1, 5, 6, 10, 15, 30, 60]),
)
def test_it_never_rounds_down(minutes, rounding):
    rounded = billable_minutes(minutes, rounding)
    assert rounded >= minutes
    assert rounded - minutes < max(rounding, 1)
    if rounding:
        assert rounded % rounding == 0


def test_it_names_the_period_by_its_days_in_the_coverage_time_zone(world, source):
    # Given an engagement covered in Sydney time, read by someone in Los Angeles
    from django.template.loader import render_to_string
    from django.utils import timezone

    from clients.views._common import usage_chart

    client = ClientFactory(practice=world.practice)
    engagement = EngagementFactory(
        client=client, status=EngagementStatus.ACTIVE, coverage_time_zone="Australia/Sydney"
    )
    usage = period_usage(engagement=engagement, at=AT)
    # When the chart is shown; then the month is Sydney's March, first to last day
    assert (usage.period_start_date, usage.period_last_date) == (
        date(2025, 3, 1),
        date(2025, 3, 31),
    )
    with timezone.override("America/Los_Angeles"):
        html = render_to_string("clients/partials/usage_chart.html", {"chart": usage_chart(usage)})
    assert "1 Mar – 31 Mar 2025" in html
