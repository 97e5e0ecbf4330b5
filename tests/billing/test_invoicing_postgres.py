"""What PostgreSQL guarantees of invoices: issued ones refuse raw SQL, and numbers given by
simultaneous issues are consecutive with no gap and no duplicate."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from billing.invoicing import services
from billing.models import Invoice, InvoiceLine, InvoiceStatus
from secretary.tenancy import practice_scope
from tests.billing.invoicing_helpers import billed_client, draft, issued
from tests.concurrency import DEADLINE
from tests.conftest import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("database triggers and row locks are tested on PostgreSQL only")


def test_it_refuses_raw_sql_changing_an_issued_invoice_or_its_lines(world):
    # Given an issued invoice
    invoice = issued(world.practice, billed_client(world.practice), ("Work", "1", "10.00", None))
    line = InvoiceLine.objects.for_practice(world.practice).get(invoice=invoice)
    # When raw SQL changes its total, or deletes its line, then the database refuses
    with pytest.raises(IntegrityError, match="cannot be changed"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE billing_invoice SET total = 1 WHERE id = %s", [invoice.pk])
    with pytest.raises(IntegrityError, match="cannot change"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM billing_invoiceline WHERE id = %s", [line.pk])
    # And both stay as issued
    invoice.refresh_from_db()
    assert invoice.total == Decimal("10.00")
    assert InvoiceLine.objects.for_practice(world.practice).filter(pk=line.pk).exists()


def test_it_gives_simultaneous_issues_consecutive_numbers_without_gaps():
    # Given twenty drafts of one practice
    world = build_world()
    client = billed_client(world.practice)
    drafts = [draft(world.practice, client, (f"Work {n}", "1", "10.00", None)) for n in range(20)]
    start = threading.Barrier(len(drafts), timeout=DEADLINE)
    outcome: dict[int, object] = {}

    def issue(invoice: Invoice):
        try:
            start.wait()
            with practice_scope(world.practice):  # as a request would
                services.invoice_issue(practice=world.practice, invoice=invoice)
            outcome[invoice.pk] = "done"
        except BaseException as error:  # reported by the main thread
            outcome[invoice.pk] = error
        finally:
            connections.close_all()

    # When all twenty are issued at once, each from its own thread
    threads = [threading.Thread(target=issue, args=(invoice,)) for invoice in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE * 3)

    # Then every issue succeeded with numbers 1..20 of one series, none twice, none missing
    assert set(outcome.values()) == {"done"}, outcome
    rows = Invoice.objects.for_practice(world.practice).filter(status=InvoiceStatus.ISSUED)
    sequences = sorted(rows.values_list("sequence", flat=True))
    assert sequences == list(range(1, 21))
    assert len(set(rows.values_list("number", flat=True))) == 20
    assert len(set(rows.values_list("series_id", flat=True))) == 1
