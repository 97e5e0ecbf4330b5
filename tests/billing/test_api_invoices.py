"""The invoicing API: invoices and their lines, issue, send, credit notes, payments, expenses
and tax rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.invoicing import services
from billing.invoicing.expenses import expense_create
from billing.models import (
    Expense,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    TaxRate,
)
from tests.billing.invoice_factories import issued_invoice
from tests.billing.invoicing_helpers import billed_client, draft
from tests.billing.isolation_invoices_portal import contact_client_of
from tests.clients.factories import ClientFactory
from tests.tasks.factories import TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def url(world, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def client(world):
    return billed_client(world.practice)


@pytest.fixture
def gst(world) -> TaxRate:
    return TaxRate.objects.create(practice=world.practice, name="GST", rate=Decimal("10"))


def line_body(**extra) -> dict:
    return {"description": "Bookkeeping", "quantity": "2", "unit_price": "150.00", **extra}


def counts(invoice: Invoice) -> tuple[int, Decimal]:
    invoice.refresh_from_db()
    return InvoiceLine.objects.for_practice(invoice.practice).filter(invoice=invoice).count(), (
        invoice.total
    )


def test_it_checks_ownership(
    world, client, outsider_client, contact_client, secretary_client, admin_client_
):
    # Given a draft and an issued invoice of another client than the contact's
    draft_invoice = draft(world.practice, client, ("Work", "1", "100.00", None))
    issued = issued_invoice(practice=world.practice, client=client)
    contact_client_of(world)
    # Then an outsider gets 404 everywhere
    assert outsider_client.get(url(world, "api_invoice_list")).status_code == 404
    detail = url(world, "api_invoice_detail", invoice_id=issued.pk)
    assert outsider_client.get(detail).status_code == 404
    # And the client contact gets 404 for another client's invoice, 404 on staff routes,
    # and 403 on writes
    assert contact_client.get(detail).status_code == 404
    assert contact_client.get(url(world, "api_expense_list")).status_code == 404
    assert contact_client.get(url(world, "api_taxrate_list")).status_code == 404
    issue = url(world, "api_invoice_issue", invoice_id=draft_invoice.pk)
    assert contact_client.post(issue, {}, content_type=JSON).status_code == 404
    body = {"client": client.pk}
    assert (
        contact_client.post(url(world, "api_invoice_list"), body, content_type=JSON).status_code
        == 403
    )
    # And a secretary may neither credit nor add tax rates (403), an admin may
    credit = url(world, "api_invoice_credit", invoice_id=issued.pk)
    assert secretary_client.post(credit, {}, content_type=JSON).status_code == 403
    rate = {"name": "VAT", "rate": "20"}
    taxes = url(world, "api_taxrate_list")
    assert secretary_client.post(taxes, rate, content_type=JSON).status_code == 403
    assert secretary_client.get(taxes).status_code == 200
    assert admin_client_.post(taxes, rate, content_type=JSON).status_code == 201


def test_it_drafts_prices_and_issues_an_invoice(world, client, gst, secretary_client):
    # Given a secretary drafting an invoice
    response = secretary_client.post(
        url(world, "api_invoice_list"),
        {"client": client.pk, "payment_terms": "net_30", "notes": "Thank you"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    invoice_id = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["currency"] == "AUD"

    # When two lines are added, one taxed
    lines = url(world, "api_invoice_line_list", invoice_id=invoice_id)
    response = secretary_client.post(lines, line_body(tax_rate=gst.pk), content_type=JSON)
    assert response.status_code == 201, response.json()
    response = secretary_client.post(
        lines, line_body(description="Courier", quantity="1", unit_price="19.99"), content_type=JSON
    )
    assert response.json()["total"] == "349.99"
    # And it is issued
    response = secretary_client.post(
        url(world, "api_invoice_issue", invoice_id=invoice_id),
        {"issue_date": "2026-03-02"},
        content_type=JSON,
    )

    # Then it is numbered, due in 30 days, with its lines and tax summary as decimal strings
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "issued" and data["number"]
    assert data["due_date"] == "2026-04-01"
    assert (data["subtotal"], data["tax_total"], data["total"]) == ("319.99", "30.00", "349.99")
    assert data["balance_due"] == "349.99"
    assert [line["amount"] for line in data["lines"]] == ["300.00", "19.99"]
    assert {
        "name": "GST",
        "rate": "10.0000",
        "inclusive": False,
        "net": "300.00",
        "tax": "30.00",
    } in data["tax_summary"]
    assert data["payments"] == []


def test_it_lists_invoices_with_filters_in_constant_queries(
    world, client, owner_client, django_assert_max_num_queries
):
    # Given invoices of two clients, issued and draft
    other = ClientFactory(practice=world.practice, name="Other Client", currency="AUD")
    issued_invoice(practice=world.practice, client=client, issue_date=date(2026, 1, 10))
    march = issued_invoice(practice=world.practice, client=client, issue_date=date(2026, 3, 10))
    draft(world.practice, other, ("Work", "1", "10.00", None))
    list_url = url(world, "api_invoice_list")

    # When filtered by client, status and dates
    response = owner_client.get(
        list_url, {"client": client.pk, "status": "issued", "date_from": "2026-03-01"}
    )

    # Then only the matching invoice is listed
    assert [row["id"] for row in response.json()["results"]] == [march.pk]
    assert owner_client.get(list_url, {"status": "draft"}).json()["count"] == 1
    assert owner_client.get(list_url, {"client": "x"}).status_code == 400
    # And the list costs the same whatever its length
    with django_assert_max_num_queries(12) as few:
        owner_client.get(list_url)
    for _ in range(5):
        issued_invoice(practice=world.practice, client=other)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert owner_client.get(list_url).json()["count"] == 8


def test_it_shows_a_contact_its_own_issued_invoices_and_payments_only(
    world, client, contact_client
):
    # Given the contact's client with an issued invoice, a draft and a payment, and another
    # client's invoice
    own = contact_client_of(world)
    mine = issued_invoice(practice=world.practice, client=own)
    own_draft = draft(world.practice, own, ("Work", "1", "10.00", None), currency="AUD")
    issued_invoice(practice=world.practice, client=client)
    services.payment_record(
        practice=world.practice,
        client=own,
        date=date(2026, 3, 5),
        amount=Decimal("100.00"),
        currency="AUD",
        allocations={mine: Decimal("100.00")},
    )

    # When the contact lists
    invoices = contact_client.get(url(world, "api_invoice_list")).json()["results"]
    payments = contact_client.get(url(world, "api_payment_list")).json()["results"]

    # Then it sees its issued invoice and its payment only; its draft is 404
    assert [row["id"] for row in invoices] == [mine.pk]
    assert [row["client"] for row in payments] == [own.pk]
    detail = contact_client.get(url(world, "api_invoice_detail", invoice_id=mine.pk)).json()
    assert detail["payments"][0]["amount"] == "100.00"
    draft_url = url(world, "api_invoice_detail", invoice_id=own_draft.pk)
    assert contact_client.get(draft_url).status_code == 404


def test_it_changes_and_deletes_a_draft_and_its_lines(world, client, secretary_client):
    # Given a draft with two lines
    invoice = draft(
        world.practice, client, ("Work", "1", "100.00", None), ("More", "2", "10.00", None)
    )
    first, second = InvoiceLine.objects.for_practice(world.practice).filter(invoice=invoice)
    detail = url(world, "api_invoice_detail", invoice_id=invoice.pk)

    # When the header and a line change, and the other line goes
    response = secretary_client.patch(detail, {"payment_terms": "net_7"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["payment_terms"] == "net_7"
    line_url = url(world, "api_invoice_line_detail", invoice_id=invoice.pk, line_id=first.pk)
    response = secretary_client.patch(line_url, {"quantity": "3"}, content_type=JSON)
    assert response.status_code == 200, response.json()
    second_url = url(world, "api_invoice_line_detail", invoice_id=invoice.pk, line_id=second.pk)
    assert secretary_client.delete(second_url).status_code == 204

    # Then the totals follow, and the draft can be deleted
    assert counts(invoice) == (1, Decimal("300.00"))
    assert secretary_client.delete(detail).status_code == 204
    assert not Invoice.objects.for_practice(world.practice).filter(pk=invoice.pk).exists()


def test_it_refuses_to_change_an_issued_invoice(world, client, secretary_client):
    # Given an issued invoice
    invoice = issued_invoice(practice=world.practice, client=client)
    line = InvoiceLine.objects.for_practice(world.practice).get(invoice=invoice)
    before = counts(invoice)
    detail = url(world, "api_invoice_detail", invoice_id=invoice.pk)
    line_url = url(world, "api_invoice_line_detail", invoice_id=invoice.pk, line_id=line.pk)

    # When its header, lines or the invoice itself are changed
    answers = [
        secretary_client.patch(detail, {"notes": "Changed"}, content_type=JSON),
        secretary_client.post(
            url(world, "api_invoice_line_list", invoice_id=invoice.pk),
            line_body(),
            content_type=JSON,
        ),
        secretary_client.patch(line_url, {"quantity": "5"}, content_type=JSON),
        secretary_client.delete(line_url),
        secretary_client.delete(detail),
    ]

    # Then each is a 400 saying to credit it, and nothing changed
    for response in answers:
        assert response.status_code == 400
        assert "credit it instead" in response.json()["message"]
    assert counts(invoice) == before
    invoice.refresh_from_db()
    assert invoice.notes == ""


@pytest.mark.parametrize(
    "field,value", [("quantity", "-1"), ("unit_price", "-0.01")], ids=["quantity", "price"]
)
def test_it_refuses_a_negative_quantity_or_price(world, client, secretary_client, field, value):
    # Given a draft
    invoice = draft(world.practice, client)

    # When a line with a negative figure is added
    response = secretary_client.post(
        url(world, "api_invoice_line_list", invoice_id=invoice.pk),
        line_body(**{field: value}),
        content_type=JSON,
    )

    # Then it is a 400 on that field, and nothing is saved
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert counts(invoice) == (0, Decimal("0.00"))


def test_it_refuses_time_already_billed(world, client, secretary_client):
    # Given time of the client already on a draft
    task = TaskFactory(client=client)
    entry = TimeEntryFactory(task=task)
    first = draft(world.practice, client)
    services.invoice_line_add(
        practice=world.practice,
        invoice=first,
        description="Hours",
        quantity=Decimal(1),
        unit_price=Decimal("80.00"),
        time_entries=[entry],
    )
    second = draft(world.practice, client)

    # When another draft bills it again
    response = secretary_client.post(
        url(world, "api_invoice_line_list", invoice_id=second.pk),
        line_body(time_entries=[entry.pk]),
        content_type=JSON,
    )

    # Then it is a 400 on the time, and no line is added
    assert response.status_code == 400
    assert "time_entries" in response.json()["errors"]
    assert counts(second) == (0, Decimal("0.00"))


def test_it_bills_an_expense_of_the_client_and_refuses_another_clients(
    world, client, secretary_client
):
    # Given an expense of the invoice's client and one of another client
    other = ClientFactory(practice=world.practice, name="Other Client", currency="AUD")
    own = expense_create(
        practice=world.practice,
        client=client,
        date=date(2026, 3, 1),
        description="Courier",
        amount=Decimal("20.00"),
        markup_percent=Decimal("10"),
    )
    foreign = expense_create(
        practice=world.practice,
        client=other,
        date=date(2026, 3, 1),
        description="Filing fee",
        amount=Decimal("50.00"),
    )
    invoice = draft(world.practice, client)
    lines = url(world, "api_invoice_line_list", invoice_id=invoice.pk)

    # When another client's expense is billed
    response = secretary_client.post(lines, {"expense": foreign.pk}, content_type=JSON)

    # Then it is a 400 on the expense, and nothing is saved
    assert response.status_code == 400
    assert "expense" in response.json()["errors"]
    assert counts(invoice) == (0, Decimal("0.00"))
    foreign.refresh_from_db()
    assert foreign.invoice_line_id is None
    # And the client's own expense is billed with its markup
    response = secretary_client.post(lines, {"expense": own.pk}, content_type=JSON)
    assert response.status_code == 201, response.json()
    assert response.json()["lines"][0]["amount"] == "22.00"
    assert Expense.objects.for_practice(world.practice).get(pk=own.pk).invoice_line_id


def test_it_refuses_to_issue_a_draft_without_lines(world, client, secretary_client):
    # Given an empty draft
    invoice = draft(world.practice, client)

    # When it is issued
    response = secretary_client.post(
        url(world, "api_invoice_issue", invoice_id=invoice.pk), {}, content_type=JSON
    )

    # Then it is a 400 on the lines, and it stays a draft without a number
    assert response.status_code == 400
    assert "lines" in response.json()["errors"]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number == ""


def test_it_sends_an_issued_invoice_through_the_sending_service(
    world, client, secretary_client, monkeypatch
):
    # Given an issued invoice and a draft
    invoice = issued_invoice(practice=world.practice, client=client)
    unissued = draft(world.practice, client, ("Work", "1", "10.00", None))
    calls = []

    def send(*, practice, invoice, user=None, request=None):
        calls.append(invoice.pk)
        return "abc123"

    monkeypatch.setattr("billing.api.invoices.invoice_send", send)

    # When both are sent
    response = secretary_client.post(url(world, "api_invoice_send", invoice_id=invoice.pk))

    # Then the issued one is handed to the sending service
    assert response.status_code == 202
    assert response.json()["send_id"] == "abc123" and calls == [invoice.pk]
    monkeypatch.undo()
    response = secretary_client.post(url(world, "api_invoice_send", invoice_id=unissued.pk))
    assert response.status_code == 400
    assert response.json()["errors"]


def test_it_credits_an_invoice_in_whole_or_by_line(world, client, admin_client_):
    # Given two issued invoices of two lines each
    lines = (("Retainer", "1", "1000.00"), ("Extra", "1", "200.00"))
    whole = issued_invoice(practice=world.practice, client=client, lines=lines)
    part = issued_invoice(practice=world.practice, client=client, lines=lines)
    extra = InvoiceLine.objects.for_practice(world.practice).get(invoice=part, position=1)

    # When an admin credits one in whole and 50.00 of the other's second line
    response = admin_client_.post(
        url(world, "api_invoice_credit", invoice_id=whole.pk), {}, content_type=JSON
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "credit_note" and response.json()["total"] == "1200.00"
    response = admin_client_.post(
        url(world, "api_invoice_credit", invoice_id=part.pk),
        {"lines": [{"line": extra.pk, "amount": "50.00"}], "reason": "Discount"},
        content_type=JSON,
    )

    # Then the credit notes are issued and the invoices' balances follow
    assert response.status_code == 201, response.json()
    assert response.json()["credit_of"] == part.pk and response.json()["total"] == "50.00"
    whole.refresh_from_db()
    part.refresh_from_db()
    assert whole.status == InvoiceStatus.VOID
    assert part.balance_due == Decimal("1150.00")
    # And a line of another invoice is "does not exist"
    response = admin_client_.post(
        url(world, "api_invoice_credit", invoice_id=whole.pk),
        {"lines": [{"line": extra.pk}]},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert (
        Invoice.objects.for_practice(world.practice).filter(kind=InvoiceKind.CREDIT_NOTE).count()
        == 2
    )


def test_it_records_payments_with_allocations_and_credit(world, client, secretary_client):
    # Given an issued invoice of 1,000.00
    invoice = issued_invoice(practice=world.practice, client=client)
    payments = url(world, "api_payment_list")
    body = {
        "client": client.pk,
        "date": "2026-03-05",
        "amount": "1200.00",
        "currency": "AUD",
        "allocations": [{"invoice": invoice.pk, "amount": "1000.00"}],
    }

    # When more than its balance is paid without keeping the rest as credit
    response = secretary_client.post(payments, body, content_type=JSON)

    # Then it is refused on the amount, and nothing is saved
    assert response.status_code == 400
    assert "amount" in response.json()["errors"]
    assert not Payment.objects.for_practice(world.practice).exists()
    # And with keep_as_credit the rest is the client's credit
    response = secretary_client.post(payments, {**body, "keep_as_credit": True}, content_type=JSON)
    assert response.status_code == 201, response.json()
    assert response.json()["unallocated"] == "200.00"
    assert response.json()["allocations"] == [{"invoice": invoice.pk, "amount": "1000.00"}]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_it_refuses_a_payment_in_another_currency(world, client, secretary_client):
    # Given an invoice in AUD
    invoice = issued_invoice(practice=world.practice, client=client)

    # When a payment in USD is allocated to it
    response = secretary_client.post(
        url(world, "api_payment_list"),
        {
            "client": client.pk,
            "date": "2026-03-05",
            "amount": "100.00",
            "currency": "USD",
            "allocations": [{"invoice": invoice.pk, "amount": "100.00"}],
        },
        content_type=JSON,
    )

    # Then it is a 400 on the currency, and nothing is saved
    assert response.status_code == 400
    assert "currency" in response.json()["errors"]
    assert not Payment.objects.for_practice(world.practice).exists()


def test_it_records_and_lists_expenses_as_json(world, client, secretary_client):
    # Given a secretary recording an expense
    expenses = url(world, "api_expense_list")
    response = secretary_client.post(
        expenses,
        {"client": client.pk, "date": "2026-03-01", "description": "Courier", "amount": "15.50"},
        content_type=JSON,
    )

    # Then it is saved in the client's currency, billable and not billed yet
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["amount"], data["currency"], data["billable"]) == ("15.50", "AUD", True)
    assert data["invoice_line"] is None and data["has_receipt"] is False
    assert secretary_client.get(expenses, {"billed": "false"}).json()["count"] == 1
    assert secretary_client.get(expenses, {"billed": "true"}).json()["count"] == 0


def test_it_adds_and_changes_tax_rates_up_to_100(world, admin_client_):
    # Given an admin
    taxes = url(world, "api_taxrate_list")

    # When a rate of 101 % is added
    response = admin_client_.post(taxes, {"name": "Too much", "rate": "101"}, content_type=JSON)

    # Then it is refused on the rate, and nothing is saved
    assert response.status_code == 400
    assert "rate" in response.json()["errors"]
    assert not TaxRate.objects.for_practice(world.practice).exists()
    # And a valid rate is added, changed, and its name is unique
    response = admin_client_.post(taxes, {"name": "VAT", "rate": "20"}, content_type=JSON)
    assert response.status_code == 201, response.json()
    detail = url(world, "api_taxrate_detail", tax_rate_id=response.json()["id"])
    response = admin_client_.patch(detail, {"rate": "12.5", "inclusive": True}, content_type=JSON)
    assert response.json()["rate"] == "12.5000" and response.json()["inclusive"] is True
    response = admin_client_.post(taxes, {"name": "vat", "rate": "5"}, content_type=JSON)
    assert response.status_code == 400 and "name" in response.json()["errors"]


def test_it_refuses_ids_of_another_practice(world, client, secretary_client):
    # Given rows of another practice
    other = world.other_practice
    foreign_client = ClientFactory(practice=other, name="Foreign", currency="AUD")
    foreign_invoice = issued_invoice(practice=other, client=foreign_client)
    foreign_rate = TaxRate.objects.create(practice=other, name="Foreign tax", rate=Decimal(5))
    invoice = draft(world.practice, client)

    # When they are named in practice A's API
    new = secretary_client.post(
        url(world, "api_invoice_list"), {"client": foreign_client.pk}, content_type=JSON
    )
    line = secretary_client.post(
        url(world, "api_invoice_line_list", invoice_id=invoice.pk),
        line_body(tax_rate=foreign_rate.pk),
        content_type=JSON,
    )
    payment = secretary_client.post(
        url(world, "api_payment_list"),
        {
            "client": client.pk,
            "date": "2026-03-05",
            "amount": "10.00",
            "currency": "AUD",
            "allocations": [{"invoice": foreign_invoice.pk, "amount": "10.00"}],
        },
        content_type=JSON,
    )
    detail = secretary_client.get(url(world, "api_invoice_detail", invoice_id=foreign_invoice.pk))

    # Then each is a field error (or 404 for the URL), and nothing is saved
    assert new.status_code == 400 and "client" in new.json()["errors"]
    assert line.status_code == 400 and "tax_rate" in line.json()["errors"]
    assert payment.status_code == 400 and "allocations" in payment.json()["errors"]
    assert detail.status_code == 404
    assert Invoice.objects.for_practice(world.practice).count() == 1
    assert counts(invoice) == (0, Decimal("0.00"))
    assert not Payment.objects.for_practice(world.practice).exists()
