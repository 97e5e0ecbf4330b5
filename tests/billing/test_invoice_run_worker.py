"""A retainer client's November, end to end on real services: the hourly invoice run just after
the month ends in the engagement's time zone, the invoice issued and its PDF rendered by the
real worker, the billed time locked, the receivable posted, and half of it paid."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.db import transaction

from billing.invoicing import services
from billing.invoicing.documents import invoice_request_pdf
from billing.invoicing.selectors import ar_aging, taxes_seed
from billing.models import Invoice, InvoiceLineTime, LineKind
from billing.tasks import run_invoices
from documents.models import DocumentStatus
from secretary.tenancy import practice_scope
from tasks.models import TimeEntry
from tests.billing.invoicing_helpers import receivable_balance
from tests.clients.factories import ClientFactory
from tests.tasks.factories import EngagementFactory, TaskFactory, TimeEntryFactory

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SYDNEY = ZoneInfo("Australia/Sydney")
# Just after 1 December 00:00 in the engagement's time zone: November has ended there.
RUN_AT = datetime(2026, 12, 1, 0, 5, tzinfo=SYDNEY)
ISSUE_DAY = date(2026, 12, 1)


def _retainer_client(practice):
    """The demo's business-hours retainer: AUD 1,450 a month for 2 included hours (kept small
    here), AUD 80 an hour beyond, each entry rounded up to 15 minutes."""
    client = ClientFactory(
        practice=practice,
        name="Quiet Harbour Consulting",
        currency="AUD",
        time_zone="Australia/Sydney",
        address="12 Harbour Street\nSydney NSW 2000",
    )
    engagement = EngagementFactory(
        practice=practice,
        client=client,
        currency="AUD",
        coverage_time_zone="Australia/Sydney",
        monthly_fee=Decimal("1450.00"),
        included_hours=Decimal("2.00"),
        overage_rate=Decimal("80.00"),
        hourly_rate=Decimal("72.00"),
        rounding_minutes=15,
        start_date=date(2026, 1, 1),
    )
    task = TaskFactory(practice=practice, client=client)
    entries = []
    # 50 + 50 + 37 minutes logged; rounded up: 60 + 60 + 45 = 165, so 45 minutes beyond the plan
    # (17 minutes without the rounding).
    for day, minutes in ((3, 50), (12, 50), (27, 37)):
        start = datetime(2026, 11, day, 10, tzinfo=SYDNEY)
        entries.append(
            TimeEntryFactory(
                practice=practice,
                task=task,
                client=client,
                started_at=start,
                ended_at=start + timedelta(minutes=minutes),
                minutes=minutes,
            )
        )
    # Time of 1 December (Sydney) belongs to December's invoice.
    start = datetime(2026, 12, 1, 0, 1, tzinfo=SYDNEY)
    TimeEntryFactory(
        practice=practice,
        task=task,
        client=client,
        started_at=start,
        ended_at=start + timedelta(minutes=3),
        minutes=3,
    )
    return client, engagement, entries


def _pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        pdf = handle.read()
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_it_runs_issues_renders_and_collects_the_retainer_month(world, celery_worker_live):
    # Given a retainer client with November's time logged, and the practice's GST rates
    practice, user = world.practice, world.owner.user
    with transaction.atomic(), practice_scope(practice):
        taxes_seed(practice=practice)
        client, engagement, entries = _retainer_client(practice)

    # When the hourly invoice run fires just after November ends in Sydney
    with mock.patch("django.utils.timezone.now", return_value=RUN_AT):
        built = run_invoices()
    assert built == 1
    with transaction.atomic(), practice_scope(practice):
        invoice = Invoice.objects.for_practice(practice).get(engagement=engagement)
        assert (invoice.period_start, invoice.period_end) == (
            date(2026, 11, 1),
            date(2026, 11, 30),
        )
        lines = {line.kind: line for line in invoice.lines.all()}
        overage = lines[LineKind.OVERAGE]
        assert (overage.quantity, overage.unit_price) == (Decimal("0.75"), Decimal("80.00"))
        # And the draft is issued and its PDF asked for
        invoice = services.invoice_issue(
            practice=practice, invoice=invoice, issue_date=ISSUE_DAY, user=user
        )
        document = invoice_request_pdf(practice=practice, invoice=invoice, user=user)

    def rendered():
        with practice_scope(practice):
            document.refresh_from_db()
        return document.status in (DocumentStatus.READY, DocumentStatus.FAILED)

    celery_worker_live.wait_for(rendered, timeout=120, what="the invoice PDF")

    # Then the worker's PDF holds the number, the fee, the overage, the GST and the total
    assert document.status == DocumentStatus.READY, document.failure_reason
    text = _pdf_text(document)
    assert invoice.number and invoice.number in text
    assert "AUD 1,450.00" in text  # the retainer fee
    assert "Hours beyond the plan" in text
    assert "0.75 AUD 80.00 10% AUD 60.00" in text  # 45 minutes (after rounding) at 80
    assert re.search(r"GST 10%.* on AUD 1,510\.00 AUD 151\.00", text)
    assert invoice.total == Decimal("1661.00") and "AUD 1,661.00" in text

    with practice_scope(practice):
        # And November's billed time is locked, December's is not
        billed = set(
            InvoiceLineTime.objects.for_practice(practice)
            .filter(line__invoice=invoice)
            .values_list("time_entry_id", flat=True)
        )
        assert billed == {entry.pk for entry in entries}
        times = TimeEntry.objects.for_practice(practice).filter(client=client)
        assert all(entry.locked_at is not None for entry in times.filter(pk__in=billed))
        assert not times.exclude(pk__in=billed).filter(locked_at__isnull=False).exists()
        # And the practice book's receivable holds the invoice total
        assert receivable_balance(practice) == invoice.total

    # When half the total is paid
    half = invoice.total / 2
    with transaction.atomic(), practice_scope(practice):
        services.payment_record(
            practice=practice,
            client=client,
            date=ISSUE_DAY + timedelta(days=3),
            amount=half,
            currency="AUD",
            reference="Half now",
            user=user,
        )
    # Then the other half is what the aged receivables show for the client
    with practice_scope(practice):
        aging = ar_aging(practice=practice, currency="AUD", as_of=ISSUE_DAY + timedelta(days=3))
        rows = {row.client.pk: row for row in aging}
        assert rows[client.pk].total == invoice.total - half == Decimal("830.50")
        assert aging.total.total == Decimal("830.50")
        assert receivable_balance(practice) == Decimal("830.50")
