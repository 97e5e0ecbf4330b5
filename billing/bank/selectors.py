"""Reads of bank statements: bank accounts, imports, statement lines, open ledger lines and
the figures of a reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from billing.bank.services import ledger_balance
from billing.models import (
    Account,
    BankReconciliation,
    BankRule,
    Book,
    JournalLine,
    StatementImport,
    StatementLine,
    StatementMatch,
)


def bank_accounts(*, practice, book: Book | None = None) -> QuerySet[Account]:
    accounts = (
        Account.objects.for_practice(practice)
        .filter(is_bank=True, archived=False)
        .select_related("book")
    )
    if book is not None:
        accounts = accounts.filter(book=book)
    return accounts.order_by("book__name", "book_id", "code")


def bank_account_get(*, practice, book: Book, account_id) -> Account:
    return get_object_or_404(
        Account.objects.for_practice(practice).select_related("book"),
        pk=account_id,
        book=book,
        is_bank=True,
    )


def imports_for(*, practice, book: Book, account: Account | None = None):
    imports = StatementImport.objects.for_practice(practice).filter(book=book)
    if account is not None:
        imports = imports.filter(account=account)
    return imports.select_related("account").order_by("-created_at", "-id")


def import_get(*, practice, book: Book, import_id) -> StatementImport:
    return get_object_or_404(
        StatementImport.objects.for_practice(practice).select_related("account", "book"),
        pk=import_id,
        book=book,
    )


def statement_lines(
    *,
    practice,
    book: Book,
    account: Account | None = None,
    reconciled: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[StatementLine]:
    lines = StatementLine.objects.for_practice(practice).filter(book=book)
    if account is not None:
        lines = lines.filter(account=account)
    if reconciled is not None:
        lines = lines.filter(reconciled=reconciled)
    if date_from is not None:
        lines = lines.filter(date__gte=date_from)
    if date_to is not None:
        lines = lines.filter(date__lte=date_to)
    return lines.select_related(
        "suggested_account", "suggested_tax_code", "suggested_contact"
    ).order_by("date", "id")


def statement_line_get(*, practice, book: Book, line_id) -> StatementLine:
    return get_object_or_404(
        StatementLine.objects.for_practice(practice).select_related("account", "book"),
        pk=line_id,
        book=book,
    )


def unmatched_ledger_lines(*, practice, account: Account) -> QuerySet[JournalLine]:
    """Posted lines of a bank account that no statement line explains yet."""
    matched = StatementMatch.objects.for_practice(practice).filter(journal_line=OuterRef("pk"))
    return (
        JournalLine.objects.for_practice(practice)
        .filter(account=account, posted=True)
        .filter(~Exists(matched))
        .select_related("entry")
        .order_by("date", "id")
    )


def rules_for(*, practice, book: Book) -> QuerySet[BankRule]:
    return (
        BankRule.objects.for_practice(practice)
        .filter(book=book)
        .select_related("bank_account", "account", "tax_code", "contact")
        .order_by("priority", "id")
    )


def rule_get(*, practice, book: Book, rule_id) -> BankRule:
    return get_object_or_404(
        BankRule.objects.for_practice(practice).select_related("book"), pk=rule_id, book=book
    )


def reconciliations_for(*, practice, account: Account) -> QuerySet[BankReconciliation]:
    return BankReconciliation.objects.for_practice(practice).filter(account=account)


def reconciliation_get(*, practice, account: Account, reconciliation_id) -> BankReconciliation:
    return get_object_or_404(
        BankReconciliation.objects.for_practice(practice).select_related("account", "book"),
        pk=reconciliation_id,
        account=account,
    )


@dataclass
class ReconciliationReport:
    reconciliation: BankReconciliation
    statement_balance: Decimal
    ledger_balance: Decimal
    difference: Decimal
    unmatched_statement: QuerySet[StatementLine]
    unmatched_ledger: QuerySet[JournalLine]


def reconciliation_report(*, practice, reconciliation: BankReconciliation) -> ReconciliationReport:
    """The report's figures: for an open one the ledger balance as it is now, for a closed
    one as it was closed; and the items up to the statement date that nothing matches."""
    account = reconciliation.account
    ledger = reconciliation.ledger_balance
    if reconciliation.status == "open":
        ledger = ledger_balance(practice=practice, account=account, as_of=reconciliation.period_end)
    return ReconciliationReport(
        reconciliation=reconciliation,
        statement_balance=reconciliation.statement_balance,
        ledger_balance=ledger,
        difference=reconciliation.statement_balance - ledger,
        unmatched_statement=StatementLine.objects.for_practice(practice)
        .filter(account=account, reconciled=False, date__lte=reconciliation.period_end)
        .order_by("date", "id"),
        unmatched_ledger=unmatched_ledger_lines(practice=practice, account=account).filter(
            date__lte=reconciliation.period_end
        ),
    )
