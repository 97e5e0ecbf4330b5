"""Demo trust money for a law firm client's books: three matters, money in, a payment out, a
transfer and a three-way reconciliation at the end of last month (idempotent)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from billing.models import Book, TrustMatter, TrustReconciliation
from billing.trust import selectors, services

MATTERS = (
    ("2024-031", "Conveyance: 14 Harbour Street", "Purchase deposit held until settlement."),
    ("2024-047", "Estate of M. Okafor", "Proceeds of sale held for the beneficiaries."),
    ("2024-052", "Lease review: Northwind Cafe", "Retainer for fees."),
)


def seed(demo, *, book: Book) -> None:
    """Add the demo matters and their money to ``book`` (whose chart has trust accounts)."""
    practice = book.practice
    banks = list(selectors.trust_bank_accounts(practice=practice, book=book))
    if not banks or selectors.trust_liability_account(practice=practice, book=book) is None:
        return
    user = demo.owner.user
    month_start = timezone.localdate().replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    start = (last_month_end.replace(day=1) - timedelta(days=1)).replace(day=1)

    existing = {
        m.reference: m for m in TrustMatter.objects.for_practice(practice).filter(book=book)
    }
    made: dict[str, TrustMatter] = {}
    for reference, name, description in MATTERS:
        if reference in existing:
            continue
        made[reference] = services.matter_create(
            practice=practice,
            book=book,
            reference=reference,
            name=name,
            description=description,
            opened_on=start,
            user=user,
        )
    if len(made) == len(MATTERS):
        _money(practice=practice, book=book, matters=made, start=start, user=user)

    if (
        not TrustReconciliation.objects.for_practice(practice)
        .filter(book=book, as_of=last_month_end)
        .exists()
    ):
        figures = selectors.three_way(
            practice=practice, book=book, account=banks[0], as_of=last_month_end
        )
        services.trust_reconcile(
            practice=practice,
            book=book,
            account=banks[0],
            as_of=last_month_end,
            statement_balance=figures.account_balance,
            user=user,
        )


def _day(start: date, days: int) -> date:
    return start + timedelta(days=days)


def _money(*, practice, book: Book, matters: dict[str, TrustMatter], start: date, user) -> None:
    conveyance, estate, lease = (matters[reference] for reference, _n, _d in MATTERS)
    for matter, day, amount, reference in (
        (conveyance, 2, "45000.00", "DEP-1101"),
        (estate, 5, "182500.00", "DEP-1102"),
        (lease, 9, "2500.00", "DEP-1103"),
    ):
        services.trust_deposit(
            practice=practice,
            book=book,
            matter=matter,
            date=_day(start, day),
            amount=Decimal(amount),
            reference=reference,
            user=user,
        )
    services.trust_withdrawal(
        practice=practice,
        book=book,
        matter=estate,
        date=_day(start, 20),
        amount=Decimal("60000.00"),
        purpose=services.Purpose.CLIENT,
        reference="CHQ-2207",
        user=user,
    )
    services.trust_withdrawal(
        practice=practice,
        book=book,
        matter=lease,
        date=_day(start, 24),
        amount=Decimal("1650.00"),
        purpose=services.Purpose.FEES,
        reference="INV-0412",
        user=user,
    )
    services.trust_transfer(
        practice=practice,
        book=book,
        from_matter=estate,
        to_matter=conveyance,
        date=_day(start, 27),
        amount=Decimal("5000.00"),
        memo="Estate contribution to the purchase deposit",
        user=user,
    )
