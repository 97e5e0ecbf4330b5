"""Invoicing API routes for the isolation harness (practice A's invoices, payments, expenses
and tax rates)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.invoicing import services
from billing.invoicing.expenses import expense_create
from billing.models import TaxRate
from tests.billing.invoice_factories import issued_invoice
from tests.clients.factories import ClientFactory


def routes(world) -> dict[str, dict]:
    practice = world.practice
    client = ClientFactory(practice=practice, name="Isolated Invoice Client", currency="AUD")
    draft = services.invoice_create(practice=practice, client=client)
    line = services.invoice_line_add(
        practice=practice,
        invoice=draft,
        description="Isolated work",
        quantity=Decimal(1),
        unit_price=Decimal("100.00"),
    )
    issued = issued_invoice(practice=practice, client=client)
    expense_create(
        practice=practice,
        client=client,
        date=date(2026, 3, 1),
        description="Isolated courier",
        amount=Decimal("12.00"),
    )
    rate, _created = TaxRate.objects.for_practice(practice).get_or_create(
        practice=practice, name="Isolated tax", defaults={"rate": Decimal("10")}
    )
    d = {"invoice_id": draft.pk}
    return {
        "api_invoice_list": {},
        "api_invoice_detail": d,
        "api_invoice_line_list": d,
        "api_invoice_line_detail": {**d, "line_id": line.pk},
        "api_invoice_issue": d,
        "api_invoice_send": {"invoice_id": issued.pk},
        "api_invoice_credit": {"invoice_id": issued.pk},
        "api_payment_list": {},
        "api_expense_list": {},
        "api_taxrate_list": {},
        "api_taxrate_detail": {"tax_rate_id": rate.pk},
    }
