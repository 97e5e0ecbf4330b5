"""Reads of trust money: matters and their balances, a matter's ledger, the three-way figures.

A matter's ledger is its posted lines on trust liability accounts (credit minus debit); the
trust bank accounts are the book's accounts flagged both bank and trust. Accounts are found by
their flags and role, never by their codes (every chart numbers them its own way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from billing.models import (
    Account,
    AccountRole,
    AccountType,
    Book,
    JournalLine,
    TrustMatter,
    TrustReconciliation,
)
from billing.models.ledger import MONEY, ZERO
from secretary.limits import parse_id

MONEY_FIELD = DecimalField(**MONEY)


def trust_bank_accounts(*, practice, book: Book) -> QuerySet[Account]:
    """The book's trust bank accounts (asset, bank and trust), open ones first by code."""
    return Account.objects.for_practice(practice).filter(
        book=book, is_trust=True, is_bank=True, type=AccountType.ASSET, archived=False
    )


def trust_liability_account(*, practice, book: Book) -> Account | None:
    """The account the book holds client money owed on: the one with the trust liability role,
    else its only open trust liability account."""
    liabilities = list(
        Account.objects.for_practice(practice)
        .filter(book=book, is_trust=True, type=AccountType.LIABILITY, archived=False)
        .order_by("code")
    )
    with_role = [a for a in liabilities if a.role == AccountRole.TRUST_LIABILITY]
    if with_role:
        return with_role[0]
    return liabilities[0] if len(liabilities) == 1 else None


def _ledger_lines() -> Q:
    """Lines that make up matter ledgers (as a filter on ``JournalLine``)."""
    return Q(posted=True, account__is_trust=True, account__type=AccountType.LIABILITY)


def _balance_of_lines(prefix: str = "", *, as_of: date | None = None) -> Coalesce:
    """``Sum(credit - debit)`` over a matter's ledger lines, through the relation ``prefix``."""
    condition = Q(
        **{
            f"{prefix}posted": True,
            f"{prefix}account__is_trust": True,
            f"{prefix}account__type": AccountType.LIABILITY,
        }
    )
    if as_of is not None:
        condition &= Q(**{f"{prefix}date__lte": as_of})
    return Coalesce(
        Sum(F(f"{prefix}credit") - F(f"{prefix}debit"), filter=condition),
        Value(ZERO),
        output_field=MONEY_FIELD,
    )


def matters_with_balances(
    *, practice, book: Book, as_of: date | None = None, open_only: bool = False
) -> QuerySet[TrustMatter]:
    """The book's matters, each with ``balance`` (its ledger, up to ``as_of`` when given),
    in one aggregate query."""
    matters = TrustMatter.objects.for_practice(practice).filter(book=book)
    if open_only:
        matters = matters.filter(closed_on__isnull=True)
    return matters.annotate(balance=_balance_of_lines("lines__", as_of=as_of)).order_by(
        "closed_on", "reference", "id"
    )


def matter_get(*, practice, book: Book, matter_id) -> TrustMatter:
    """A matter of the book, with ``balance`` (404 otherwise)."""
    return get_object_or_404(
        matters_with_balances(practice=practice, book=book), pk=parse_id(matter_id)
    )


def matter_balance(*, practice, matter: TrustMatter, as_of: date | None = None) -> Decimal:
    lines = JournalLine.objects.for_practice(practice).filter(_ledger_lines(), matter=matter)
    if as_of is not None:
        lines = lines.filter(date__lte=as_of)
    return lines.aggregate(total=_balance_of_lines())["total"]


def matter_available(*, practice, matter: TrustMatter, on: date) -> Decimal:
    """What may be paid out of ``matter`` on ``on`` without its ledger ending any day below
    zero: the lowest end-of-day balance from ``on`` onwards (later lines count too)."""
    by_day = list(
        JournalLine.objects.for_practice(practice)
        .filter(_ledger_lines(), matter=matter)
        .values_list("date")
        .annotate(total=Sum(F("credit") - F("debit"), output_field=MONEY_FIELD))
        .order_by("date")
    )
    balance, lowest = ZERO, None
    for day, total in by_day:
        balance += total
        if day >= on:
            lowest = balance if lowest is None else min(lowest, balance)
    at_date = sum((t for d, t in by_day if d <= on), ZERO)
    candidates = [at_date] + ([lowest] if lowest is not None else [])
    return max(min(candidates), ZERO)


def matter_ledger(*, practice, matter: TrustMatter) -> QuerySet[JournalLine]:
    """The matter's ledger lines, newest first, each with ``running_balance`` (the matter's
    balance after the line, in date and id order) computed by the database."""
    return (
        JournalLine.objects.for_practice(practice)
        .filter(_ledger_lines(), matter=matter)
        .select_related("entry", "account")
        .annotate(
            running_balance=Window(
                Sum(F("credit") - F("debit"), output_field=MONEY_FIELD),
                order_by=[F("date").asc(), F("id").asc()],
            )
        )
        .order_by("-date", "-id")
    )


def trust_held(*, practice, book: Book) -> Decimal:
    """What the book holds in trust for all its matters together (every posted line)."""
    return (
        JournalLine.objects.for_practice(practice)
        .filter(_ledger_lines(), book=book, matter__isnull=False)
        .aggregate(total=_balance_of_lines())["total"]
    )


def trust_account_balance(*, practice, account: Account, as_of: date) -> Decimal:
    """Posted lines on the trust bank account up to ``as_of`` (debit minus credit)."""
    total = (
        JournalLine.objects.for_practice(practice)
        .filter(account=account, posted=True, date__lte=as_of)
        .aggregate(
            total=Coalesce(Sum(F("debit") - F("credit")), Value(ZERO), output_field=MONEY_FIELD)
        )["total"]
    )
    return total


@dataclass
class ThreeWay:
    """Bank statement, trust account and matter ledgers side by side on one date."""

    account: Account
    as_of: date
    statement_balance: Decimal | None
    account_balance: Decimal
    matters: list[TrustMatter]
    matters_total: Decimal

    @property
    def statement_difference(self) -> Decimal | None:
        if self.statement_balance is None:
            return None
        return self.statement_balance - self.account_balance

    @property
    def matters_difference(self) -> Decimal:
        return self.account_balance - self.matters_total

    @property
    def is_balanced(self) -> bool:
        return self.statement_difference == 0 and self.matters_difference == 0


def three_way(
    *,
    practice,
    book: Book,
    account: Account,
    as_of: date,
    statement_balance: Decimal | None = None,
) -> ThreeWay:
    """The three figures of a reconciliation on ``as_of`` (matters with a balance listed)."""
    matters = [
        m
        for m in matters_with_balances(practice=practice, book=book, as_of=as_of)
        if m.balance != 0
    ]
    for matter in matters:
        matter.balance = matter.balance.quantize(book.quantum)
    account_balance = trust_account_balance(practice=practice, account=account, as_of=as_of)
    return ThreeWay(
        account=account,
        as_of=as_of,
        statement_balance=statement_balance,
        account_balance=account_balance.quantize(book.quantum),
        matters=matters,
        matters_total=sum((m.balance for m in matters), ZERO).quantize(book.quantum),
    )


def reconciliations(*, practice, book: Book) -> QuerySet[TrustReconciliation]:
    return (
        TrustReconciliation.objects.for_practice(practice)
        .filter(book=book)
        .select_related("account", "reconciled_by")
        .order_by("-as_of", "-id")
    )


def reconciliation_get(*, practice, book: Book, reconciliation_id) -> TrustReconciliation:
    return get_object_or_404(
        reconciliations(practice=practice, book=book), pk=parse_id(reconciliation_id)
    )
