"""Demo invoicing: settings and tax rates, earlier invoices paid, overdue and credited, a block
client with hours left, and last month's time run into drafts; idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from billing.invoicing.blocks import block_balance
from billing.invoicing.demo import BLOCK_CLIENT, RUN_CLIENTS
from billing.invoicing.issuing import practice_today
from billing.invoicing.runs import previous_period
from billing.invoicing.selectors import ar_aging
from billing.models import (
    BillingSettings,
    HourBlock,
    Invoice,
    InvoiceKind,
    InvoiceLineTime,
    InvoiceStatus,
    Payment,
    ReminderSent,
    TaxRate,
)
from clients.models import Client, Engagement
from secretary.demo import seed_demo
from tasks.models import TimeEntry

pytestmark = pytest.mark.django_db


def counts(practice) -> dict[str, int]:
    return {
        model.__name__: model.objects.for_practice(practice).count()
        for model in (
            Invoice,
            InvoiceLineTime,
            Payment,
            ReminderSent,
            HourBlock,
            TaxRate,
            TimeEntry,
            BillingSettings,
        )
    }


def test_it_seeds_invoices_once(settings):
    # (One test: seeding the whole demo takes a while.)
    # Given the demo seeded
    demo = seed_demo()
    practice = demo.practice
    first = counts(practice)
    # When it is seeded again
    seed_demo()
    # Then nothing changed
    assert counts(practice) == first
    # And the practice has its GST rates and the details every invoice prints
    assert {"GST 10%", "GST-free"} <= set(
        TaxRate.objects.for_practice(practice).values_list("name", flat=True)
    )
    billing = BillingSettings.objects.for_practice(practice).get()
    assert billing.tax_number.startswith("ABN") and billing.payment_instructions
    invoices = Invoice.objects.for_practice(practice).select_related("client")
    # And one earlier invoice is paid, one partly paid and overdue with its reminder sent
    today = practice_today(practice)
    assert invoices.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.PAID).exists()
    overdue = invoices.get(client__name="Quiet Harbour Consulting", kind=InvoiceKind.INVOICE)
    assert 0 < overdue.amount_paid < overdue.total and overdue.due_date < today
    assert ReminderSent.objects.for_practice(practice).filter(invoice=overdue).count() == 1
    assert any(overdue.number in message.subject for message in mail.outbox)
    # And one credit note
    note = invoices.get(kind=InvoiceKind.CREDIT_NOTE)
    assert note.credit_of.client.name == "Nightjar Ventures" and note.total > 0
    aging = ar_aging(practice=practice, currency="AUD", as_of=today)
    assert aging.total.total == overdue.balance_due
    # And last month's time of three clients is in drafts, built for that month
    drafts = invoices.filter(status=InvoiceStatus.DRAFT, kind=InvoiceKind.INVOICE)
    assert {d.client.name for d in drafts} == set(RUN_CLIENTS)
    for draft in drafts:
        engagement = Engagement.objects.for_practice(practice).get(pk=draft.engagement_id)
        assert (draft.period_start, draft.period_end) == previous_period(
            engagement, draft.created_at
        )
        # (the block client's month draws on its prepaid hours: nothing more to pay)
        assert draft.total > 0 or draft.client.name == BLOCK_CLIENT
        assert InvoiceLineTime.objects.for_practice(practice).filter(line__invoice=draft).exists()
    # And the block client has hours left of its block
    client = Client.objects.for_practice(practice).get(name=BLOCK_CLIENT)
    assert Decimal(0) < block_balance(practice=practice, client=client) < Decimal(10)
