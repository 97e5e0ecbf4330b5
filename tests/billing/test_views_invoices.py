"""Invoicing staff pages: dashboard, lists, the draft editor, the invoice page, payments,
credit notes, the setup and the client's billing section."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.invoicing.selectors import taxes_seed
from billing.models import Invoice, InvoiceLine, InvoiceStatus, Payment, TaxRate
from tests.billing.invoicing_helpers import billed_client, draft, issued
from tests.clients.factories import ClientFactory
from tests.tasks.factories import TaskFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(world, name, *args):
    return reverse(name, args=[world.practice.slug, *args])


@pytest.fixture
def client_row(world):
    return billed_client(world.practice)


@pytest.fixture
def gst(world):
    taxes_seed(practice=world.practice)
    return TaxRate.objects.for_practice(world.practice).order_by("-rate").first()


@pytest.fixture
def invoice(world, client_row, gst):
    return issued(world.practice, client_row, ("Retainer", "1", "1000.00", gst))


def _line_post(**fields):
    data = {
        "kind": "other",
        "description": "Courier",
        "quantity": "2",
        "unit_price": "15.00",
        "tax_rate": "",
    }
    data.update(fields)
    return data


def test_it_checks_ownership(
    world, invoice, outsider_client, contact_client, secretary_client, admin_client_
):
    # Given staff pages and admin pages of invoicing
    staff = [url(world, "billing_dashboard"), url(world, "invoice_detail", invoice.pk)]
    admin = [
        url(world, "tax_rate_list"),
        url(world, "series_list"),
        url(world, "invoicing_settings"),
        url(world, "invoice_credit_note", invoice.pk),
    ]
    for page in staff + admin:
        # Then another practice's member and a client contact see nothing
        assert outsider_client.get(page).status_code == 404
        assert contact_client.get(page).status_code == 404
    for page in staff:
        assert secretary_client.get(page).status_code == 200
    for page in admin:
        # And a secretary may not open the admin pages, an admin may
        assert secretary_client.get(page).status_code == 403
        assert admin_client_.get(page).status_code == 200


def test_it_shows_the_dashboard_in_a_constant_number_of_queries(
    world, secretary_client, client_row, gst, django_assert_max_num_queries
):
    # Given unbilled time and overdue invoices of several clients
    def add_rows(count):
        for index in range(count):
            other = billed_client(world.practice, name=f"Client {count}-{index}")
            task = TaskFactory(practice=world.practice, client=other)
            start = timezone.now() - timedelta(days=2)
            task.time_entries.create(
                practice=world.practice,
                client=other,
                started_at=start,
                ended_at=start + timedelta(hours=1),
                minutes=60,
            )
            issued(world.practice, other, ("Work", "1", "100.00", gst), day=date(2026, 1, 5))

    add_rows(1)
    secretary_client.get(url(world, "billing_dashboard"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = secretary_client.get(url(world, "billing_dashboard"))
    assert response.status_code == 200
    # When there are more rows
    add_rows(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_client.get(url(world, "billing_dashboard"))
    # Then the page costs the same and shows the unbilled hours and the overdue total
    body = response.content.decode()
    assert "Client 4-3" in body
    overdue = body[body.index("overdue-h") : body.index("aging-h")]
    assert "AUD\xa0550.00" in overdue, overdue  # five overdue invoices of 110.00


def test_it_lists_invoices_with_filters_in_a_constant_number_of_queries(
    world, secretary_client, client_row, gst, django_assert_max_num_queries
):
    for index in range(3):
        issued(world.practice, client_row, (f"Work {index}", "1", "10.00", gst))
    draft(world.practice, client_row, ("Draft work", "1", "10.00", gst))
    list_url = url(world, "invoice_list")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        secretary_client.get(list_url)
    for index in range(10):
        issued(world.practice, client_row, (f"More {index}", "1", "10.00", gst))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_client.get(list_url)
    assert response.status_code == 200
    # When filtered by status and client
    response = secretary_client.get(
        list_url, {"status": "draft", "client": client_row.pk, "date_from": "", "date_to": ""}
    )
    body = response.content.decode()
    assert "INV-" not in body and "Draft invoice" in body


def test_it_adds_a_line_in_place_and_renders_the_totals(world, secretary_client, client_row, gst):
    # Given a draft
    invoice = draft(world.practice, client_row)
    # When a line is added with HTMX
    response = secretary_client.post(
        url(world, "invoice_line_add", invoice.pk),
        _line_post(tax_rate=gst.pk, unit_price="100.00", quantity="1.5"),
        **HTMX,
    )
    # Then the lines fragment comes back with the server's totals
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="invoice-lines"' in body and "<html" not in body
    assert "AUD\xa0150.00" in body and "AUD\xa0165.00" in body


@pytest.mark.parametrize("field", ["quantity", "unit_price"])
def test_it_refuses_a_negative_quantity_or_price(world, secretary_client, client_row, field):
    invoice = draft(world.practice, client_row)
    response = secretary_client.post(
        url(world, "invoice_line_add", invoice.pk), _line_post(**{field: "-1"}), **HTMX
    )
    assert "has-error" in response.content.decode()
    assert not InvoiceLine.objects.for_practice(world.practice).filter(invoice=invoice).exists()


def test_it_edits_and_removes_a_draft_line(world, secretary_client, client_row):
    invoice = draft(world.practice, client_row, ("Filing", "1", "50.00", None))
    line = invoice.lines.get()
    form = secretary_client.get(url(world, "invoice_line_edit", invoice.pk, line.pk), **HTMX)
    assert "Save line" in form.content.decode()
    secretary_client.post(
        url(world, "invoice_line_edit", invoice.pk, line.pk),
        _line_post(description="Filing and copies", unit_price="70.00", quantity="1"),
        **HTMX,
    )
    invoice.refresh_from_db()
    assert invoice.total == Decimal("70.00")
    response = secretary_client.post(url(world, "invoice_line_delete", invoice.pk, line.pk), **HTMX)
    invoice.refresh_from_db()
    assert invoice.total == Decimal("0.00") and "No lines yet" in response.content.decode()


def test_it_refuses_to_edit_an_issued_invoice(world, secretary_client, invoice):
    line = invoice.lines.get()
    # When the line of an issued invoice is posted
    response = secretary_client.post(
        url(world, "invoice_line_edit", invoice.pk, line.pk), _line_post(unit_price="1.00")
    )
    # Then it is refused and nothing changes
    assert response.status_code == 400
    assert "cannot be changed" in response.content.decode()
    line.refresh_from_db()
    assert line.unit_price == Decimal("1000.00")
    # And the editor sends people to the invoice page
    edit = secretary_client.get(url(world, "invoice_edit", invoice.pk))
    assert edit.status_code == 302


def test_it_tells_why_an_invoice_without_lines_is_not_issued(world, secretary_client, client_row):
    invoice = draft(world.practice, client_row)
    response = secretary_client.post(url(world, "invoice_issue", invoice.pk), follow=True)
    assert "Add at least one line before issuing." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT


def test_it_issues_drafts_in_bulk_and_reports_the_failures(
    world, secretary_client, client_row, gst
):
    good = draft(world.practice, client_row, ("Work", "1", "10.00", gst))
    empty = draft(world.practice, client_row)
    response = secretary_client.post(
        url(world, "invoice_ready"), {"invoices": [good.pk, empty.pk], "action": "issue"}
    )
    good.refresh_from_db()
    empty.refresh_from_db()
    assert good.status == InvoiceStatus.ISSUED and empty.status == InvoiceStatus.DRAFT
    assert response.status_code == 400
    assert "Add at least one line before issuing." in response.content.decode()


def test_it_creates_a_draft_for_a_client_of_this_practice_only(world, secretary_client):
    other = ClientFactory(practice=world.other_practice)
    response = secretary_client.post(
        url(world, "invoice_new"), {"client": other.pk, "payment_terms": "net_14"}
    )
    assert response.status_code == 400
    assert not Invoice.objects.for_practice(world.other_practice).exists()
    mine = billed_client(world.practice, name="Mine")
    response = secretary_client.post(
        url(world, "invoice_new"), {"client": mine.pk, "payment_terms": "net_14"}
    )
    assert response.status_code == 302


def test_it_shows_the_invoice_page_with_its_timeline(world, secretary_client, invoice):
    response = secretary_client.get(url(world, "invoice_detail", invoice.pk))
    body = response.content.decode()
    assert invoice.number in body and "Issued" in body and "Tax summary" in body


def _pay(world, http, invoice, **fields):
    data = {
        "date": "2026-03-10",
        "method": "bank_transfer",
        "reference": "",
        "amount": "1100.00",
        "currency": invoice.currency,
    }
    data.update(fields)
    return http.post(url(world, "invoice_payment", invoice.pk), data)


def test_it_refuses_a_payment_above_the_balance_unless_kept_as_credit(
    world, secretary_client, invoice
):
    # When more than the balance is paid without keeping the rest as credit
    response = _pay(world, secretary_client, invoice, amount="1200.00")
    # Then the form says so and nothing is recorded
    assert response.status_code == 400
    assert "more than the invoices" in response.content.decode()
    assert not Payment.objects.for_practice(world.practice).exists()
    # When the rest is kept as credit
    response = _pay(world, secretary_client, invoice, amount="1200.00", keep_as_credit="on")
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_it_refuses_a_payment_in_another_currency(world, secretary_client, invoice):
    response = _pay(world, secretary_client, invoice, currency="USD")
    assert response.status_code == 400
    assert "record the payment in that currency" in response.content.decode()
    assert not Payment.objects.for_practice(world.practice).exists()


def test_it_credits_an_invoice_in_whole(world, admin_client_, invoice):
    response = admin_client_.post(
        url(world, "invoice_credit_note", invoice.pk), {"whole": "on", "reason": "Billed twice"}
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID


@pytest.mark.parametrize("rate", ["101", "-1"])
def test_it_refuses_a_tax_rate_outside_0_to_100(world, admin_client_, rate):
    response = admin_client_.post(url(world, "tax_rate_list"), {"name": "Odd tax", "rate": rate})
    assert response.status_code == 400
    assert "has-error" in response.content.decode() or "errorlist" in response.content.decode()
    assert not TaxRate.objects.for_practice(world.practice).filter(name="Odd tax").exists()


def test_it_saves_a_numbering_series_only_with_a_number_in_its_pattern(world, admin_client_):
    data = {"kind": "invoice", "name": "Main", "pattern": "INV-{yyyy}", "next_number": "7"}
    response = admin_client_.post(url(world, "series_list"), data)
    assert response.status_code == 400 and "{seq}" in response.content.decode()
    data["pattern"] = "INV-{yyyy}-{seq:04}"
    assert admin_client_.post(url(world, "series_list"), data).status_code == 302
    preview = admin_client_.get(
        url(world, "series_preview"), {"pattern": "A-{seq:03}", "next_number": "7"}
    )
    assert "A-007" in preview.content.decode()


def test_it_saves_what_invoices_print(world, admin_client_):
    response = admin_client_.post(
        url(world, "invoicing_settings"),
        {
            "tax_number": "51 824 753 556",
            "invoice_address": "1 Harbour St",
            "payment_instructions": "BSB 000-000",
            "default_payment_terms": "net_30",
        },
    )
    assert response.status_code == 302


def test_it_shows_billing_on_the_client_page(world, secretary_client, invoice, client_row):
    page = reverse("client_detail", args=[world.practice.slug, client_row.pk])
    # The Billing tab counts the invoices still to be paid on every tab
    tabs = {tab["key"]: tab["count"] for tab in secretary_client.get(page).context["tabs"]}
    assert tabs["billing"] == 1
    response = secretary_client.get(page, {"tab": "billing"})
    body = response.content.decode()
    assert "Prepaid hours" in body and invoice.number in body and "AUD\xa01,100.00" in body
