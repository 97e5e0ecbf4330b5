"""Demo bank statements: a month of the bookkeeping client's cheque account, imported with a
saved column mapping, most lines already posted in the ledger and ready to match, the rest
left for rules and the one-click entry (idempotent)."""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from billing.bank import services
from billing.ledger.posting import LineInput, entry_create
from billing.models import (
    Account,
    AccountType,
    BankFeed,
    BankRule,
    Book,
    EntrySource,
    StatementImport,
)

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DEMO_STATEMENT = "cheque_account_2025_05.csv"
DEMO_ACCOUNT_NUMBER = "062000-10457821"
DATE_FORMAT = "%d/%m/%Y"
# Lines left unposted: the interest and the fee (a rule suggests the bank fee account) and
# the client lunch (no rule: chosen by hand).
LEFT_FOR_RECONCILING = ("Interest", "Monthly account fee", "Client lunch")
# Where each posted line goes: words of the description → words of an account's name.
CATEGORIES = (
    ("Transfer from savings", ("savings",)),
    ("rent", ("rent",)),
    ("software", ("software",)),
    ("Mobile", ("telephone",)),
    ("Stationery", ("office supplies", "office expenses")),
    ("Insurance", ("insurance",)),
    ("Flights", ("travel",)),
)


def demo_statement_path() -> Path:
    """The demo statement file (a CSV of the bookkeeping client's cheque account)."""
    return DEMO_DATA / DEMO_STATEMENT


def demo_feed_data() -> dict:
    return {
        "account_number": DEMO_ACCOUNT_NUMBER,
        "has_header": True,
        "delimiter": ",",
        "date_column": "Date",
        "description_column": "Description",
        "amount_column": "Amount",
        "reference_column": "Reference",
        "date_format": DATE_FORMAT,
        "decimal_comma": False,
    }


def _accounts(book: Book) -> list[Account]:
    return list(
        Account.objects.for_practice(book.practice_id)
        .filter(book=book, archived=False)
        .order_by("code")
    )


def _leaves(accounts: list[Account]) -> list[Account]:
    parents = {a.parent_id for a in accounts if a.parent_id}
    return [a for a in accounts if a.pk not in parents]


def _by_name(accounts: list[Account], words: tuple[str, ...]) -> Account | None:
    for word in words:
        for account in accounts:
            if word.casefold() in account.name.casefold():
                return account
    return None


def cheque_account(book: Book) -> Account | None:
    banks = [a for a in _accounts(book) if a.is_bank and not a.is_trust]
    return _by_name(banks, ("cheque", "checking")) or (banks[0] if banks else None)


def seed(demo, bookkeeping: Book | None = None, **books) -> None:
    """Seed the bookkeeping client's bank month; does nothing without that book."""
    book = bookkeeping
    if book is None:
        return
    bank = cheque_account(book)
    if bank is None:
        return
    practice = book.practice
    user = getattr(getattr(demo, "owner", None), "user", None)
    content = demo_statement_path().read_bytes()
    leaves = _leaves(_accounts(book))
    with transaction.atomic():
        if not BankFeed.objects.for_practice(practice).filter(account=bank).exists():
            services.feed_save(practice=practice, account=bank, data=demo_feed_data(), user=user)
        fees = _by_name(leaves, ("bank fee", "bank charge"))
        if (
            fees is not None
            and not (
                BankRule.objects.for_practice(practice).filter(book=book, contains="account fee")
            ).exists()
        ):
            services.rule_create(
                practice=practice,
                book=book,
                data={"contains": "account fee", "account": fees, "priority": 10},
                user=user,
            )
        _post_month(practice=practice, book=book, bank=bank, leaves=leaves, user=user)
    if StatementImport.objects.for_practice(practice).filter(account=bank).exists():
        return
    with transaction.atomic():
        made = services.statement_upload_bytes(
            practice=practice,
            book=book,
            account=bank,
            content=content,
            name=DEMO_STATEMENT,
            user=user,
        )
    # The demo is ready without a worker: import it here (the queued task then finds it done).
    claimed = services.import_claim(practice_id=practice.pk, statement_import_id=made.pk)
    if claimed is not None:
        services.import_run(statement_import=claimed)


def _post_month(*, practice, book: Book, bank: Account, leaves: list[Account], user) -> None:
    """The ledger side of the month, as the bookkeeper posted it (once)."""
    if (
        book.entries.filter(source=EntrySource.MANUAL, reference__startswith="DEMO-BANK-")
    ).exists():
        return
    income = next((a for a in leaves if a.type == AccountType.INCOME), None)
    fallback = _by_name(leaves, ("uncategorised",)) or income
    with demo_statement_path().open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            description = row["Description"]
            if description in LEFT_FOR_RECONCILING:
                continue
            amount = Decimal(row["Amount"])
            if description.startswith("Payment from"):
                other = income
            else:
                words = next(
                    (
                        target
                        for needle, target in CATEGORIES
                        if needle.casefold() in description.casefold()
                    ),
                    (),
                )
                other = _by_name([a for a in leaves if a.pk != bank.pk], words) or fallback
            if other is None:
                continue
            money_in = amount > 0
            entry_create(
                practice=practice,
                book=book,
                date=datetime.strptime(row["Date"], DATE_FORMAT).date(),
                lines=[
                    LineInput(
                        account=bank,
                        debit=abs(amount) if money_in else None,
                        credit=None if money_in else abs(amount),
                        description=description,
                    ),
                    LineInput(
                        account=other,
                        debit=None if money_in else abs(amount),
                        credit=abs(amount) if money_in else None,
                        description=description,
                    ),
                ],
                memo=description,
                reference=f"DEMO-BANK-{row['Reference']}",
                user=user,
                post=True,
            )
