"""Reads of invoicing: a client's credit, aged receivables, and the practice's defaults (tax
rates and numbering series, made on first need)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from billing.invoicing.numbering import series_default
from billing.models import (
    OPEN_INVOICE_STATUSES,
    Invoice,
    InvoiceKind,
    Payment,
    PaymentAllocation,
    TaxRate,
)
from billing.models.ledger import ZERO
from clients.models import Client

__all__ = [
    "AgingRow",
    "ArAging",
    "ar_aging",
    "client_credit",
    "invoice_get",
    "series_default",
    "taxes_seed",
]

TAXES_FILE = Path(__file__).resolve().parent / "taxes.json"
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def invoice_get(*, practice, invoice_id: int) -> Invoice:
    """One invoice or credit note of the practice (404 for any other id)."""
    return get_object_or_404(
        Invoice.objects.for_practice(practice).select_related("client", "series"), pk=invoice_id
    )


def _credits(*, practice, currency: str, client=None) -> dict[int, Decimal]:
    """Unallocated money per client: payments minus their allocations (two grouped queries)."""
    payments = Payment.objects.for_practice(practice).filter(currency=currency)
    allocations = PaymentAllocation.objects.for_practice(practice).filter(
        payment__currency=currency
    )
    if client is not None:
        payments = payments.filter(client=client)
        allocations = allocations.filter(payment__client=client)
    received = dict(
        payments.values_list("client_id").annotate(total=Sum("amount")).order_by("client_id")
    )
    used = dict(
        allocations.values_list("payment__client_id")
        .annotate(total=Sum("amount"))
        .order_by("payment__client_id")
    )
    return {
        client_id: total - used.get(client_id, ZERO)
        for client_id, total in received.items()
        if total - used.get(client_id, ZERO) > 0
    }


def client_credit(*, practice, client, currency: str) -> Decimal:
    """What ``client`` paid in ``currency`` and is not allocated to any invoice."""
    return _credits(practice=practice, currency=currency, client=client).get(client.pk, ZERO)


@dataclass
class AgingRow:
    """One client's open balance by how long it is overdue, less its unallocated credit."""

    client: Client | None
    current: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_over_90: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, name) for name in BUCKETS), ZERO) - self.credit


@dataclass
class ArAging:
    """Aged receivables: a row per client (by name) and the total row."""

    rows: list[AgingRow] = field(default_factory=list)
    total: AgingRow = field(default_factory=lambda: AgingRow(client=None))

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def ar_aging(*, practice, currency: str, as_of: date) -> ArAging:
    """Open invoices of ``currency`` issued by ``as_of``, per client by days past their due
    date (current = not yet due, 1–30, 31–60, 61–90, over 90), less each client's unallocated
    credit; one grouped query for the invoices, two for the credit.

    Balances are today's (payments and credit notes recorded since ``as_of`` count).
    """
    balance = ExpressionWrapper(
        F("total") - F("amount_paid") - F("amount_credited"),
        output_field=DecimalField(max_digits=18, decimal_places=2),
    )

    def bucket(condition: Q):
        return Coalesce(Sum(balance, filter=condition), ZERO)

    def overdue(low: int, high: int | None) -> Q:
        condition = Q(due_date__lte=as_of - timedelta(days=low))
        if high is not None:
            condition &= Q(due_date__gte=as_of - timedelta(days=high))
        return condition

    grouped = (
        Invoice.objects.for_practice(practice)
        .filter(
            currency=currency,
            kind=InvoiceKind.INVOICE,
            status__in=OPEN_INVOICE_STATUSES,
            issue_date__lte=as_of,
        )
        .values("client_id")
        .annotate(
            current=bucket(Q(due_date__gte=as_of)),
            days_1_30=bucket(overdue(1, 30)),
            days_31_60=bucket(overdue(31, 60)),
            days_61_90=bucket(overdue(61, 90)),
            days_over_90=bucket(overdue(91, None)),
        )
        .order_by("client_id")
    )
    by_client = {row.pop("client_id"): row for row in grouped}
    credits = _credits(practice=practice, currency=currency)
    ids = set(by_client) | set(credits)
    clients = Client.objects.for_practice(practice).filter(pk__in=ids).order_by("name", "id")
    report = ArAging()
    for client in clients:
        row = AgingRow(client=client, credit=credits.get(client.pk, ZERO))
        for name, value in by_client.get(client.pk, {}).items():
            setattr(row, name, value)
        report.rows.append(row)
        for name in (*BUCKETS, "credit"):
            setattr(report.total, name, getattr(report.total, name) + getattr(row, name))
    return report


@functools.cache
def _default_taxes() -> dict[str, list[dict]]:
    return json.loads(TAXES_FILE.read_text("utf-8"))


def taxes_seed(*, practice) -> list[TaxRate]:
    """The default tax rates of the practice's currency, made once (idempotent)."""
    defaults = _default_taxes()
    rates = []
    for row in defaults.get(practice.currency, defaults["*"]):
        existing = TaxRate.objects.for_practice(practice).filter(name=row["name"]).first()
        if existing is None:
            try:
                with transaction.atomic():
                    existing = TaxRate.objects.create(
                        practice=practice,
                        name=row["name"],
                        rate=Decimal(row["rate"]),
                        inclusive=bool(row.get("inclusive")),
                    )
            except IntegrityError:  # seeded at the same moment elsewhere
                existing = TaxRate.objects.for_practice(practice).get(name=row["name"])
        rates.append(existing)
    return rates
