"""Expenses: the services' rules and the staff page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.invoicing.expenses import expense_create, expense_delete, expense_update
from billing.invoicing.runs import bill_expenses
from billing.models import Expense, Invoice, TaxRate
from secretary.errors import ApplicationError
from tests.clients.factories import ClientFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _client(world):
    return ClientFactory(practice=world.practice, currency="AUD")


def _create(world, client, **fields):
    values = {"date": date(2026, 11, 2), "description": "Courier", "amount": Decimal("12.50")}
    values.update(fields)
    return expense_create(practice=world.practice, client=client, **values)


def test_it_records_an_expense_with_a_receipt_typed_by_its_bytes(world):
    client = _client(world)
    rate = TaxRate.objects.create(practice=world.practice, name="GST", rate=Decimal("10"))
    receipt = SimpleUploadedFile("scan.html", PNG)
    expense = _create(world, client, tax_rate=rate, markup_percent="15", receipt=receipt)
    assert expense.currency == "AUD" and expense.markup_percent == Decimal("15")
    assert expense.receipt.name.endswith(".png")


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount", "-5"), ("amount", "0"), ("amount", "1.005"), ("markup_percent", "1001")],
)
def test_it_refuses_bad_amounts_and_markups(world, field, value):
    with pytest.raises(ApplicationError) as error:
        _create(world, _client(world), **{field: value})
    assert field in error.value.errors


def test_it_refuses_a_receipt_that_is_html_named_pdf(world):
    receipt = SimpleUploadedFile("receipt.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ApplicationError) as error:
        _create(world, _client(world), receipt=receipt)
    assert "receipt" in error.value.errors
    assert not Expense.objects.for_practice(world.practice).exists()


def test_it_refuses_a_tax_rate_or_client_of_another_practice(world):
    foreign_rate = TaxRate.objects.create(
        practice=world.other_practice, name="VAT", rate=Decimal("20")
    )
    with pytest.raises(ApplicationError) as error:
        _create(world, _client(world), tax_rate=foreign_rate)
    assert "tax_rate" in error.value.errors
    with pytest.raises(ApplicationError):
        _create(world, ClientFactory(practice=world.other_practice))


def test_it_never_bills_another_clients_expense_and_freezes_billed_ones(world):
    mine, theirs = _client(world), _client(world)
    expense = _create(world, mine)
    other = _create(world, theirs)
    invoice = Invoice.objects.create(practice=world.practice, client=mine, currency="AUD")
    invoice._next_position = 0
    assert (
        bill_expenses(invoice, client_id=mine.pk, start=date(2026, 11, 1), end=date(2026, 11, 30))
        == 1
    )
    other.refresh_from_db()
    assert other.invoice_line_id is None
    expense.refresh_from_db()
    with pytest.raises(ApplicationError):
        expense_update(practice=world.practice, expense=expense, amount="20")
    with pytest.raises(ApplicationError):
        expense_delete(practice=world.practice, expense=expense)


def test_it_lists_and_adds_expenses_in_constant_queries(
    world, secretary_client, django_assert_max_num_queries
):
    client = _client(world)
    url = reverse("expense_list", args=[world.practice.slug])
    _create(world, client)
    with django_assert_max_num_queries(30) as few:
        secretary_client.get(url)
    for _ in range(5):
        _create(world, client)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_client.get(url)
    assert response.status_code == 200 and "Courier" in response.content.decode()
    page = secretary_client.get(url)
    token = page.context["form"]["idempotency_token"].value()
    data = {
        "client": client.pk,
        "date": "2026-11-03",
        "description": "Taxi",
        "amount": "30.00",
        "markup_percent": "0",
        "billable": "on",
    }
    data["idempotency_token"] = token
    response = secretary_client.post(url, data)
    assert response.status_code == 302
    assert Expense.objects.for_practice(world.practice).filter(description="Taxi").exists()


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    url = reverse("expense_list", args=[world.practice.slug])
    assert outsider_client.get(url).status_code == 404
    assert contact_client.get(url).status_code == 404
    assert secretary_client.get(url).status_code == 200
