"""Shared pieces of the bank statement tests."""

from __future__ import annotations

from billing.bank import services
from billing.models import StatementImport

CSV_HEADER = "Date,Description,Amount,Reference\n"


def feed(ledger, **overrides):
    data = {
        "date_column": "Date",
        "description_column": "Description",
        "amount_column": "Amount",
        "reference_column": "Reference",
        "date_format": "%Y-%m-%d",
        "account_number": "123456789",
    }
    data.update(overrides)
    return services.feed_save(practice=ledger.practice, account=ledger.account("1010"), data=data)


def upload(ledger, content: str | bytes, name: str = "statement.csv") -> StatementImport:
    raw = content.encode() if isinstance(content, str) else content
    made = services.statement_upload_bytes(
        practice=ledger.practice,
        book=ledger.book,
        account=ledger.account("1010"),
        content=raw,
        name=name,
    )
    return StatementImport.objects.for_practice(ledger.practice).get(pk=made.pk)
