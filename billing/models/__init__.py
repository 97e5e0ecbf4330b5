"""Billing models: the double-entry ledger, bank statements, trust money and month-end closing.

One module per family; everything is re-exported here so ``from billing.models import Book``
keeps working as the package grows.
"""

from billing.models.bank import (
    BankFeed,
    BankReconciliation,
    BankRule,
    ImportFormat,
    ImportStatus,
    ReconciliationStatus,
    StatementImport,
    StatementLine,
    StatementMatch,
)
from billing.models.closing import BillingSettings, CloseReminder, MonthEndPack, PackStatus
from billing.models.ledger import (
    Account,
    AccountRole,
    AccountType,
    Book,
    EntrySource,
    EntryStatus,
    JournalEntry,
    JournalLine,
    LedgerContact,
    NormalBalance,
    TaxCode,
)
from billing.models.trust import TrustMatter, TrustReconciliation

__all__ = [
    "Account",
    "AccountRole",
    "AccountType",
    "BankFeed",
    "BankReconciliation",
    "BankRule",
    "BillingSettings",
    "Book",
    "CloseReminder",
    "EntrySource",
    "EntryStatus",
    "ImportFormat",
    "ImportStatus",
    "JournalEntry",
    "JournalLine",
    "LedgerContact",
    "MonthEndPack",
    "NormalBalance",
    "PackStatus",
    "ReconciliationStatus",
    "StatementImport",
    "StatementLine",
    "StatementMatch",
    "TaxCode",
    "TrustMatter",
    "TrustReconciliation",
]
