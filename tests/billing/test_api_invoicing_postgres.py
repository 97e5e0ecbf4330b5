"""The invoicing API on PostgreSQL: issuing under row-level security opens the tax code a rate
needs, and one client's credit applied from two requests at once is spent once."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from billing.invoicing import services
from billing.invoicing.posting import practice_book
from billing.invoicing.selectors import client_credit
from billing.invoicing.setup import tax_rate_save
from billing.models import AccountRole, JournalLine, PaymentAllocation, TaxCode
from secretary.tenancy import practice_scope
from tests.billing.invoicing_helpers import billed_client, draft, issued
from tests.concurrency import DEADLINE, backend_is_waiting_for_a_lock, wait_for
from tests.conftest import build_world

pytestmark = pytest.mark.postgres

JSON = "application/json"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level security and row locks are tested on PostgreSQL only")


@pytest.mark.django_db
def test_it_opens_the_tax_code_of_a_rate_when_issued_through_the_api(world, secretary_client):
    # Given a GBP draft billed at VAT 20%, a rate the chart of the practice's books lacks
    client = billed_client(world.practice, name="Thames Ltd", currency="GBP")
    vat = tax_rate_save(practice=world.practice, name="VAT 20%", rate="20")
    invoice = draft(world.practice, client, ("Consulting", "2", "125.00", vat))

    # When a secretary issues it through the API (as the app's role, under row security)
    response = secretary_client.post(
        reverse(
            "api_invoice_issue",
            kwargs={"practice_slug": world.practice.slug, "invoice_id": invoice.pk},
        ),
        {"issue_date": "2026-03-02"},
        content_type=JSON,
    )

    # Then the book has a code named after the rate, on the income and the tax lines
    assert response.status_code == 200, response.json()
    book = practice_book(practice=world.practice, currency="GBP")
    code = TaxCode.objects.for_practice(world.practice).get(book=book, name="VAT 20%")
    lines = JournalLine.objects.for_practice(world.practice).filter(
        book=book, posted=True, tax_code=code
    )
    assert sorted(lines.values_list("account__role", "credit")) == [
        ("", Decimal("250.00")),
        (AccountRole.TAX_COLLECTED, Decimal("50.00")),
    ]


@pytest.mark.django_db(transaction=True)
def test_it_spends_one_credit_once_when_two_invoices_ask_for_it_at_once():
    # Given 30.00 of a client's credit and two open invoices of 50.00
    world = build_world()
    client = billed_client(world.practice)
    services.payment_record(
        practice=world.practice,
        client=client,
        date=date(2026, 3, 5),
        amount=Decimal("30.00"),
        currency="AUD",
        allocations={},
        keep_as_credit=True,
    )
    first_invoice = issued(world.practice, client, ("Work", "1", "50.00", None))
    second_invoice = issued(world.practice, client, ("More work", "1", "50.00", None))
    first_done, first_may_commit = threading.Event(), threading.Event()
    second_pid: list[int] = []
    outcome: dict[str, object] = {}

    def apply(invoice):
        return services.credit_apply(practice=world.practice, invoice=invoice, required=True)

    def first_apply():
        try:
            with transaction.atomic(), practice_scope(world.practice):  # as a request would
                outcome["first_applied"] = apply(first_invoice)
                first_done.set()
                # Hold the transaction open until the second waits on our locks.
                assert first_may_commit.wait(DEADLINE)
            outcome["first"] = "done"
        except BaseException as error:  # reported by the main thread
            outcome["first"] = error
            first_done.set()
        finally:
            connections.close_all()

    def second_apply():
        try:
            assert first_done.wait(DEADLINE)
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            with practice_scope(world.practice):
                apply(second_invoice)
            outcome["second"] = "done"
        except BaseException as error:
            outcome["second"] = error
        finally:
            connections.close_all()

    # When both apply the credit, the second while the first has not committed yet
    threads = [threading.Thread(target=first_apply), threading.Thread(target=second_apply)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: second_pid or "second" in outcome, "the second apply to start")
        wait_for(
            lambda: backend_is_waiting_for_a_lock(second_pid[0]) or "second" in outcome,
            "the second apply to wait for the first one's locks",
        )
        assert "second" not in outcome, f"The second apply did not wait: {outcome}"
    finally:
        first_may_commit.set()
        for thread in threads:
            thread.join(DEADLINE)

    # Then the first got all of it, the second was told there is none left
    assert (outcome["first"], outcome["first_applied"]) == ("done", Decimal("30.00"))
    assert isinstance(outcome["second"], services.InvoiceError)
    assert "amount" in outcome["second"].errors
    allocations = PaymentAllocation.objects.for_practice(world.practice)
    assert list(allocations.values_list("invoice_id", "amount")) == [
        (first_invoice.pk, Decimal("30.00"))
    ]
    assert client_credit(practice=world.practice, client=client, currency="AUD") == 0
