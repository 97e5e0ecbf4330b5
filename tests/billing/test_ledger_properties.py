"""Properties of the ledger for any sequence of postings and reversals (hypothesis).

Whatever is posted and reversed, in any order, on any dates, to any accounts of the US chart:
- the trial balance is zero (posted debits equal posted credits);
- assets = liabilities + equity + income - expenses, in normal-balance terms;
- reversing every entry still standing brings every account back to zero.
Each example runs in a savepoint that is rolled back, so examples do not see each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.ledger.posting import LineInput, entry_create, entry_reverse
from billing.models import Account, AccountType, JournalEntry, JournalLine

pytestmark = pytest.mark.django_db

ZERO = Decimal("0.00")
# The account codes of the US chart (billing/charts/us_service.json), by position.
CODES = [
    "1010", "1020", "1100", "1500", "2010", "2020", "2100", "3010", "3020", "3900",
    "3950", "4010", "4020", "4900", "6010", "6020", "6030", "6080", "6090", "6900",
]  # fmt: skip

amounts = st.integers(min_value=1, max_value=10_000_000).map(lambda cents: Decimal(cents) / 100)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
pairs = st.lists(
    st.tuples(st.sampled_from(CODES), st.sampled_from(CODES), amounts), min_size=1, max_size=3
)


@dataclass(frozen=True)
class Post:
    day: date
    pairs: list[tuple[str, str, Decimal]]


@dataclass(frozen=True)
class Reverse:
    which: int  # index into the entries posted so far that stand (not reversed)
    day: date | None


operations = st.lists(
    st.one_of(
        st.builds(Post, day=days, pairs=pairs),
        st.builds(Reverse, which=st.integers(min_value=0, max_value=50), day=st.none() | days),
    ),
    min_size=1,
    max_size=6,
)

PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def balances(ledger) -> dict[str, Decimal]:
    """Posted debits minus credits per account type, aggregated in SQL."""
    rows = (
        JournalLine.objects.for_practice(ledger.practice)
        .filter(book=ledger.book, posted=True)
        .values("account__type")
        .annotate(debits=Sum("debit"), credits=Sum("credit"))
    )
    totals = {t: ZERO for t in AccountType.values}
    for row in rows:
        totals[row["account__type"]] = row["debits"] - row["credits"]
    return totals


def account_balances(ledger) -> dict[int, Decimal]:
    rows = (
        JournalLine.objects.for_practice(ledger.practice)
        .filter(book=ledger.book, posted=True)
        .values("account_id")
        .annotate(debits=Sum("debit"), credits=Sum("credit"))
    )
    return {row["account_id"]: row["debits"] - row["credits"] for row in rows}


def run(ledger, steps) -> list[JournalEntry]:
    """Apply the steps; returns the entries still standing (posted, not reversed)."""
    accounts = {
        a.code: a for a in Account.objects.for_practice(ledger.practice).filter(book=ledger.book)
    }
    standing: list[JournalEntry] = []
    for step in steps:
        if isinstance(step, Post):
            lines = []
            for debit, credit, amount in step.pairs:
                lines.append(LineInput(account=accounts[debit], debit=amount))
                lines.append(LineInput(account=accounts[credit], credit=amount))
            standing.append(
                entry_create(
                    practice=ledger.practice,
                    book=ledger.book,
                    date=step.day,
                    lines=lines,
                    post=True,
                )
            )
        elif standing:
            entry = standing.pop(step.which % len(standing))
            entry_reverse(practice=ledger.practice, entry=entry, date=step.day)
    return standing


@PROPERTY_SETTINGS
@given(steps=operations)
def test_it_keeps_the_books_balanced_for_any_postings_and_reversals(ledger, steps):
    with transaction.atomic():
        # When any sequence of postings and reversals is applied
        standing = run(ledger, steps)
        totals = balances(ledger)
        # Then the trial balance is zero
        assert sum(totals.values(), ZERO) == ZERO
        # And assets = liabilities + equity + income - expenses (normal-balance terms)
        assets = totals[AccountType.ASSET]
        liabilities = -totals[AccountType.LIABILITY]
        equity = -totals[AccountType.EQUITY]
        income = -totals[AccountType.INCOME]
        expenses = totals[AccountType.EXPENSE]
        assert assets == liabilities + equity + income - expenses
        # And posted entries are numbered without gaps
        numbers = sorted(
            JournalEntry.objects.for_practice(ledger.practice)
            .filter(book=ledger.book)
            .values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
        # When every entry still standing is reversed
        for entry in standing:
            entry_reverse(practice=ledger.practice, entry=entry)
        # Then every account is back to zero
        assert set(account_balances(ledger).values()) <= {ZERO}
        # (Each example starts from empty books.)
        transaction.set_rollback(True)
