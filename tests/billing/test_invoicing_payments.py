"""Credit notes, payments, client credit and aged receivables."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from billing.invoicing import services
from billing.invoicing.selectors import ar_aging, client_credit
from billing.models import (
    AccountRole,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    JournalEntry,
    PaymentAllocation,
)
from tests.billing.invoicing_helpers import (
    ISSUE_DAY,
    account_balance,
    billed_client,
    issued,
    receivable_balance,
    tax,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(world):
    return billed_client(world.practice)


@pytest.fixture
def invoice(world, client):
    """INV-2026-00001: 2 x 100.00 + GST (220.00) and 1 x 50.00 GST-free: 270.00."""
    return issued(
        world.practice,
        client,
        ("Hours", "2", "100.00", tax(world.practice, "GST 10%")),
        ("Filing", "1", "50.00", tax(world.practice, "GST-free")),
    )


def _pay(world, client, amount, **kwargs):
    kwargs.setdefault("currency", "AUD")
    return services.payment_record(
        practice=world.practice, client=client, date=ISSUE_DAY, amount=Decimal(amount), **kwargs
    )


def test_it_credits_a_whole_unpaid_invoice_and_voids_it(world, invoice):
    # When the whole invoice is credited
    note = services.credit_note_create(practice=world.practice, invoice=invoice, reason="Error")
    # Then a credit note of the same amount is issued in its own series and posts the reverse
    invoice.refresh_from_db()
    assert note.kind == InvoiceKind.CREDIT_NOTE and note.credit_of == invoice
    assert note.number.startswith("CN-") and note.number.endswith("-00001")
    assert note.total == Decimal("270.00")
    assert (invoice.amount_credited, invoice.status) == (Decimal("270.00"), InvoiceStatus.VOID)
    assert receivable_balance(world.practice) == 0
    assert account_balance(world.practice, code="4-1000") == 0
    assert account_balance(world.practice, role=AccountRole.TAX_COLLECTED) == 0
    # And nothing is left to credit
    with pytest.raises(services.InvoiceError):
        services.credit_note_create(practice=world.practice, invoice=invoice)


def test_it_credits_part_of_a_line_up_to_what_remains(world, invoice):
    # Given the hours line (200.00 + 20.00 tax)
    hours = InvoiceLine.objects.for_practice(world.practice).get(invoice=invoice, position=0)
    # When 150.00 of it is credited, then the rest of it
    first = services.credit_note_create(
        practice=world.practice, invoice=invoice, lines={hours: Decimal("150.00")}
    )
    # Then a further 60.00 is refused (50.00 is left), and the rest credits exactly
    with pytest.raises(services.InvoiceError) as error:
        services.credit_note_create(
            practice=world.practice, invoice=invoice, lines=[(hours, Decimal("60.00"))]
        )
    assert "lines" in error.value.errors
    rest = services.credit_note_create(practice=world.practice, invoice=invoice, lines=[hours])
    invoice.refresh_from_db()
    assert (first.total, rest.total) == (Decimal("165.00"), Decimal("55.00"))
    assert invoice.amount_credited == Decimal("220.00")
    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.balance_due == Decimal("50.00")
    assert receivable_balance(world.practice) == Decimal("50.00")
    assert account_balance(world.practice, role=AccountRole.TAX_COLLECTED) == 0


def test_it_marks_a_partly_paid_invoice_paid_when_the_rest_is_credited(world, client, invoice):
    # Given 200.00 paid of 270.00
    _pay(world, client, "200.00", allocations={invoice: Decimal("200.00")})
    filing = InvoiceLine.objects.for_practice(world.practice).get(invoice=invoice, position=1)
    # When the 50.00 filing and 20.00 of the hours are credited
    hours = InvoiceLine.objects.for_practice(world.practice).get(invoice=invoice, position=0)
    services.credit_note_create(
        practice=world.practice,
        invoice=invoice,
        lines={filing: None, hours: Decimal("18.19")},  # 18.19 + 1.82 tax: 70.01, a cent over
    )
    invoice.refresh_from_db()
    # Then nothing is due and the cent over the balance is the client's credit again
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.balance_due == 0
    assert client_credit(practice=world.practice, client=client, currency="AUD") == Decimal("0.01")
    assert receivable_balance(world.practice) == Decimal("-0.01")


def test_it_releases_the_paid_money_to_credit_when_a_paid_invoice_is_credited_whole(
    world, client, invoice
):
    # Given an invoice paid 100.00 of 270.00
    _pay(world, client, "100.00")
    # When it is credited whole
    services.credit_note_create(practice=world.practice, invoice=invoice)
    # Then it is void and the 100.00 is the client's credit (a credit balance on receivable)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.VOID, Decimal("0.00"))
    assert client_credit(practice=world.practice, client=client, currency="AUD") == Decimal("100")
    assert receivable_balance(world.practice) == Decimal("-100.00")


def test_it_records_partial_and_full_payments_and_posts_bank_against_receivable(
    world, client, invoice
):
    # When 70.00, then 200.00 are paid
    first = _pay(world, client, "70.00", reference="EFT 1")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (InvoiceStatus.PARTLY_PAID, Decimal("200.00"))
    _pay(world, client, "200.00", allocations={invoice: Decimal("200.00")})
    # Then it is paid, and the bank holds the money
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert receivable_balance(world.practice) == 0
    assert account_balance(world.practice, code="1-1110") == Decimal("-270.00")  # a debit
    entry = JournalEntry.objects.for_practice(world.practice).get(pk=first.journal_entry_id)
    assert (entry.source_type, entry.source_id) == ("billing.payment", first.pk)


def test_it_refuses_a_payment_in_another_currency_or_above_the_balance(world, client, invoice):
    # When a USD payment is allocated to the AUD invoice, then the currency is refused
    with pytest.raises(services.InvoiceError) as error:
        _pay(world, client, "10.00", currency="USD", allocations={invoice: Decimal("10.00")})
    assert "currency" in error.value.errors
    # And an allocation above the balance is refused on that invoice
    with pytest.raises(services.InvoiceError) as error:
        _pay(world, client, "300.00", allocations={invoice: Decimal("300.00")})
    assert f"allocations.{invoice.pk}" in error.value.errors
    # And more than the open balance is refused unless kept as credit
    with pytest.raises(services.InvoiceError) as error:
        _pay(world, client, "300.00")
    assert "amount" in error.value.errors
    assert not PaymentAllocation.objects.for_practice(world.practice).exists()


def test_it_keeps_an_overpayment_as_credit_and_applies_it_to_the_next_invoice(
    world, client, invoice
):
    # Given 300.00 paid on the 270.00 invoice, the rest kept as credit
    _pay(world, client, "300.00", keep_as_credit=True)
    assert client_credit(practice=world.practice, client=client, currency="AUD") == Decimal("30")
    assert receivable_balance(world.practice) == Decimal("-30.00")
    # When a new invoice of 50.00 gets the credit
    later = issued(world.practice, client, ("More", "1", "50.00", None))
    entries = JournalEntry.objects.for_practice(world.practice).count()
    applied = services.credit_apply(practice=world.practice, invoice=later)
    # Then 30.00 is applied, 20.00 is due, and nothing more was posted
    later.refresh_from_db()
    assert applied == Decimal("30.00")
    assert (later.status, later.balance_due) == (InvoiceStatus.PARTLY_PAID, Decimal("20.00"))
    assert client_credit(practice=world.practice, client=client, currency="AUD") == 0
    assert JournalEntry.objects.for_practice(world.practice).count() == entries
    assert receivable_balance(world.practice) == Decimal("20.00")


def test_it_ages_receivables_by_due_date_and_matches_the_receivable_account(world, client):
    # Given invoices due 10, 45, 75 and 120 days before the report, and one not yet due
    as_of = date(2026, 6, 30)
    other = billed_client(world.practice, name="Acme Pty")
    amounts = {10: "100.00", 45: "200.00", 75: "300.00", 120: "400.00", -5: "50.00"}
    invoices = {}
    for days, amount in amounts.items():
        invoices[days] = (
            issued(
                world.practice,
                client,
                ("Work", "1", amount, None),
                day=as_of - timedelta(days=days),
                payment_terms="on_receipt",
            )
            if days >= 0
            else issued(
                world.practice,
                other,
                ("Work", "1", amount, None),
                day=as_of - timedelta(days=9),
                payment_terms="net_14",
            )
        )
    # And part paid, part credited, and an overpayment of the other client kept as credit
    _pay(world, client, "150.00", allocations={invoices[45]: Decimal("150.00")})
    services.credit_note_create(
        practice=world.practice,
        invoice=invoices[120],
        lines={invoices[120].lines.get(): Decimal("100.00")},
    )
    services.credit_note_create(practice=world.practice, invoice=invoices[10])
    _pay(world, other, "80.00", keep_as_credit=True)
    # When the receivables are aged
    aging = ar_aging(practice=world.practice, currency="AUD", as_of=as_of)
    # Then each client's balance lands in its bucket
    rows = {row.client.name: row for row in aging}
    north = rows["Northwind Legal"]
    assert (north.current, north.days_1_30, north.days_31_60) == (0, 0, Decimal("50.00"))
    assert (north.days_61_90, north.days_over_90) == (Decimal("300.00"), Decimal("300.00"))
    acme = rows["Acme Pty"]
    assert (acme.current, acme.credit, acme.total) == (Decimal("0"), Decimal("30.00"), -30)
    # And the total equals the balance of the receivable account
    assert aging.total.total == Decimal("620.00")
    assert aging.total.total == receivable_balance(world.practice)
