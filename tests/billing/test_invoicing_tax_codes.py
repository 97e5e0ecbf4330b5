"""Invoice postings carry the book's tax codes, so a tax return read from the ledger (BAS, VAT)
sees the tax invoices collected and the sales it was collected on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from billing.invoicing import services
from billing.invoicing.posting import practice_book
from billing.invoicing.setup import tax_rate_save
from billing.models import AccountRole, AccountType, JournalLine, TaxCode, TaxRate
from billing.models.ledger import MONEY
from secretary.models import ActivityEvent
from tests.billing.invoicing_helpers import billed_client, issued, tax

pytestmark = pytest.mark.django_db

ZERO = Value(Decimal(0), output_field=DecimalField(**MONEY))


def tax_return(practice, currency: str = "AUD") -> dict[str, dict[str, Decimal]]:
    """Per tax code of the practice's book, the sales (net income) and the tax collected, as a
    tax return reads the posted lines: one grouped query, credits less debits."""
    book = practice_book(practice=practice, currency=currency)

    def side(condition: Q):
        return Coalesce(Sum("credit", filter=condition), ZERO) - Coalesce(
            Sum("debit", filter=condition), ZERO
        )

    rows = (
        JournalLine.objects.for_practice(practice)
        .filter(book=book, posted=True, tax_code__isnull=False)
        .values("tax_code__code")
        .annotate(
            sales=side(Q(account__type=AccountType.INCOME)),
            tax=side(Q(account__role=AccountRole.TAX_COLLECTED)),
        )
        .order_by("tax_code__code")
    )
    return {row["tax_code__code"]: {"sales": row["sales"], "tax": row["tax"]} for row in rows}


def test_it_puts_the_books_gst_codes_on_an_invoice_with_taxed_and_gst_free_lines(world):
    # Given an AUD client billed for GST 10% and GST-free work
    client = billed_client(world.practice)
    gst, free = tax(world.practice, "GST 10%"), tax(world.practice, "GST-free")
    # When the invoice is issued
    invoice = issued(
        world.practice,
        client,
        ("Bookkeeping", "3", "110.00", gst),
        ("Payroll", "1", "45.55", gst),
        ("Export paperwork", "1", "80.00", free),
        ("Courier", "1", "12.00", None),
    )

    # Then the tax return of the ledger shows the GST collected equal to the invoice's tax, on
    # the GST-taxed sales, and the GST-free sales under the chart's GST-free code
    report = tax_return(world.practice)
    assert invoice.tax_total == Decimal("37.56")
    assert report == {
        "FRE": {"sales": Decimal("80.00"), "tax": Decimal("0")},
        "GST": {"sales": Decimal("375.55"), "tax": invoice.tax_total},
    }
    # And no code is made or used beyond the chart's (not input taxed, not BAS excluded)
    book = practice_book(practice=world.practice, currency="AUD")
    codes = TaxCode.objects.for_practice(world.practice).filter(book=book)
    assert sorted(codes.values_list("code", flat=True)) == ["BAS", "FRE", "GST", "INP"]
    # And the untaxed line carries no code, nor does the receivable
    lines = JournalLine.objects.for_practice(world.practice).filter(entry=invoice.journal_entry)
    assert lines.get(description="Courier").tax_code is None
    assert lines.get(account__role=AccountRole.RECEIVABLE).tax_code is None


def test_it_takes_the_codes_off_again_with_a_credit_note(world):
    # Given an issued invoice with GST and GST-free lines
    client = billed_client(world.practice)
    gst, free = tax(world.practice, "GST 10%"), tax(world.practice, "GST-free")
    invoice = issued(
        world.practice,
        client,
        ("Bookkeeping", "2", "100.00", gst),
        ("Export paperwork", "1", "80.00", free),
    )
    taxed = invoice.lines.get(description="Bookkeeping")
    # When half the taxed line is credited
    note = services.credit_note_create(
        practice=world.practice, invoice=invoice, lines={taxed: Decimal("100.00")}
    )

    # Then the return shows what is left: the note posted the reverse under the same code
    assert note.tax_total == Decimal("10.00")
    report = tax_return(world.practice)
    assert report["GST"] == {"sales": Decimal("100.00"), "tax": Decimal("10.00")}
    assert report["FRE"] == {"sales": Decimal("80.00"), "tax": Decimal("0")}
    reversed_tax = JournalLine.objects.for_practice(world.practice).get(
        entry=note.journal_entry, account__role=AccountRole.TAX_COLLECTED
    )
    assert (reversed_tax.debit, reversed_tax.tax_code.code) == (Decimal("10.00"), "GST")


def test_it_opens_a_code_named_after_a_rate_the_chart_lacks_and_reuses_it(world):
    # Given a GBP client billed VAT 20% and zero-rated work (the book's chart has no VAT code)
    client = billed_client(world.practice, name="Thames Ltd", currency="GBP")
    vat = tax_rate_save(practice=world.practice, name="VAT 20%", rate="20")
    zero = tax_rate_save(practice=world.practice, name="Zero-rated", rate="0")
    # When two invoices are issued
    for _n in range(2):
        issued(
            world.practice,
            client,
            ("Consulting", "1", "250.00", vat),
            ("Books", "1", "40.00", zero),
            user=world.owner.user,
        )

    # Then one code was opened, named after the rate, and both invoices' VAT sits under it;
    # the zero-rated sales sit under the chart's code for sales free of tax
    book = practice_book(practice=world.practice, currency="GBP")
    code = TaxCode.objects.for_practice(world.practice).get(book=book, name="VAT 20%")
    assert (code.code, code.rate) == ("VAT-20", Decimal("20"))
    report = tax_return(world.practice, "GBP")
    assert report == {
        "EXEMPT": {"sales": Decimal("80.00"), "tax": Decimal("0")},
        "VAT-20": {"sales": Decimal("500.00"), "tax": Decimal("100.00")},
    }
    # And it was opened through the chart's service (on the record, by the issuer)
    opened = ActivityEvent.objects.filter(practice=world.practice, verb="ledger.tax_code_saved")
    assert opened.count() == 1
    assert opened.get().actor == world.owner.user


def test_it_codes_a_line_at_the_rate_it_was_priced_at(world):
    # Given a line priced at GST 10%, and the rate changed to 12.5% before the invoice is issued
    client = billed_client(world.practice)
    gst = tax(world.practice, "GST 10%")
    invoice = services.invoice_create(practice=world.practice, client=client)
    services.invoice_line_add(
        practice=world.practice,
        invoice=invoice,
        description="Bookkeeping",
        quantity=Decimal(1),
        unit_price=Decimal("100.00"),
        tax_rate=gst,
    )
    tax_rate_save(practice=world.practice, tax_rate=gst, name="GST 10%", rate="12.5")
    # When it is issued
    invoice = services.invoice_issue(practice=world.practice, invoice=invoice)

    # Then its tax and sales sit under the 10% code it was charged at
    assert TaxRate.objects.for_practice(world.practice).get(pk=gst.pk).rate == Decimal("12.5")
    assert tax_return(world.practice)["GST"] == {
        "sales": Decimal("100.00"),
        "tax": invoice.tax_total,
    }
    assert invoice.tax_total == Decimal("10.00")
