"""Bank statement routes for the isolation harness (objects of practice A)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile

from billing.ledger.books import book_create
from billing.models import (
    Account,
    BankReconciliation,
    BankRule,
    StatementImport,
    StatementLine,
)
from tests.clients.factories import ClientFactory


def routes(world) -> dict[str, dict]:
    practice = world.practice
    client = ClientFactory(practice=practice, name="Bank Isolation Client")
    book = book_create(practice=practice, name="Bank isolation", chart="us_service", client=client)
    accounts = Account.objects.for_practice(practice).filter(book=book)
    bank = accounts.get(code="1010")
    statement_import = StatementImport(
        practice=practice, book=book, account=bank, format="csv", filename="s.csv", checksum="0"
    )
    statement_import.file.save("isolation.csv", ContentFile(b"Date\n"), save=False)
    statement_import.save()
    line = StatementLine.objects.create(
        practice=practice,
        book=book,
        account=bank,
        date=date(2025, 1, 5),
        description="Isolation",
        amount=Decimal("10.00"),
        line_hash="isolation",
    )
    rule = BankRule.objects.create(
        practice=practice, book=book, contains="fee", account=accounts.get(code="6020")
    )
    reconciliation = BankReconciliation.objects.create(
        practice=practice,
        book=book,
        account=bank,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 1, 31),
        statement_balance=Decimal("0.00"),
    )
    b, a = {"book_id": book.pk}, {"book_id": book.pk, "account_id": bank.pk}
    r = {**a, "reconciliation_id": reconciliation.pk}
    return {
        "bank_home": {},
        "bank_account": a,
        "bank_feed": a,
        "bank_upload": a,
        "bank_reconcile": a,
        "bank_match": a,
        "bank_rules_apply": a,
        "bank_reconciliation_start": a,
        "bank_reconciliation": r,
        "bank_reconciliation_close": r,
        "bank_import": {**b, "import_id": statement_import.pk},
        "bank_line_entry": {**b, "line_id": line.pk},
        "bank_line_unmatch": {**b, "line_id": line.pk},
        "bank_rules": b,
        "bank_rule_create": b,
        "bank_rule_edit": {**b, "rule_id": rule.pk},
        "bank_rule_delete": {**b, "rule_id": rule.pk},
        "api_bank_imports": b,
        "api_bank_import": {**b, "import_id": statement_import.pk},
        "api_bank_lines": b,
        "api_bank_line_match": {**b, "line_id": line.pk},
    }
