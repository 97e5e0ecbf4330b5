"""Expense routes for the isolation harness."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile

from billing.models import Expense
from tests.clients.factories import ClientFactory


def routes(world) -> dict:
    client = ClientFactory(practice=world.practice)
    expense = Expense(
        practice=world.practice,
        client=client,
        date=date(2026, 11, 2),
        description="Courier",
        amount=Decimal("12.50"),
        currency=client.currency,
    )
    expense.receipt.save("receipt.pdf", ContentFile(b"%PDF-1.4 receipt"), save=False)
    expense.save()
    return {
        "expense_list": {},
        "expense_receipt": {"expense_id": expense.pk},
        "expense_delete": {"expense_id": expense.pk},
    }
