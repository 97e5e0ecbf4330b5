"""Books and their charts of accounts.

Charts are data files (``billing/charts/<key>.json``): a name, a description, a currency,
tax codes and accounts (code, name, type, optional parent code, role, bank/trust flags, default
tax code). Creating a book copies one; the accounts stay editable afterwards.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.ledger.posting import LedgerError
from billing.models import Account, AccountType, Book, TaxCode
from billing.models.ledger import NORMAL_BALANCE
from secretary.audit import activity_record

CHART_DIR = Path(__file__).resolve().parent.parent / "charts"


@dataclass(frozen=True)
class ChartTemplate:
    key: str
    name: str
    description: str
    currency: str
    tax_codes: tuple[dict, ...]
    accounts: tuple[dict, ...]


@functools.cache
def chart_templates() -> dict[str, ChartTemplate]:
    """Every chart shipped with the app, by key (the file's name)."""
    charts = {}
    for path in sorted(CHART_DIR.glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        charts[path.stem] = ChartTemplate(
            key=path.stem,
            name=data["name"],
            description=data.get("description", ""),
            currency=data.get("currency", ""),
            tax_codes=tuple(data.get("tax_codes", ())),
            accounts=tuple(data["accounts"]),
        )
    return charts


def chart_choices() -> list[tuple[str, str]]:
    return [(key, chart.name) for key, chart in chart_templates().items()]


def _copy_chart(*, practice, book: Book, chart: ChartTemplate) -> None:
    codes = {}
    for row in chart.tax_codes:
        codes[row["code"]] = TaxCode.objects.create(
            practice=practice,
            book=book,
            code=row["code"],
            name=row["name"],
            rate=Decimal(str(row.get("rate", "0"))),
        )
    accounts: dict[str, Account] = {}
    for row in chart.accounts:
        account_type = AccountType(row["type"])
        accounts[row["code"]] = Account.objects.create(
            practice=practice,
            book=book,
            code=row["code"],
            name=row["name"],
            type=account_type,
            normal_balance=row.get("normal_balance") or NORMAL_BALANCE[account_type],
            role=row.get("role", ""),
            parent=accounts[row["parent"]] if row.get("parent") else None,
            description=row.get("description", ""),
            is_bank=bool(row.get("is_bank")),
            is_trust=bool(row.get("is_trust")),
            default_tax_code=codes.get(row.get("tax", "")),
        )


def book_create(
    *,
    practice,
    name: str,
    chart: str,
    client=None,
    currency: str | None = None,
    fiscal_year_start_month: int = 1,
    user=None,
    request=None,
) -> Book:
    """Open a book for the practice (``client`` None) or one client, from a chart template."""
    template = chart_templates().get(chart)
    if template is None:
        raise LedgerError(
            _("Choose a chart of accounts."), errors={"chart": _("Choose a chart of accounts.")}
        )
    if client is not None and client.practice_id != practice.pk:
        raise LedgerError(
            _("Choose a client of this practice."),
            errors={"client": _("Choose a client of this practice.")},
        )
    if not 1 <= int(fiscal_year_start_month) <= 12:
        message = _("Choose a month from 1 to 12.")
        raise LedgerError(message, errors={"fiscal_year_start_month": message})
    currency = (
        currency or (client.currency if client else None) or template.currency or practice.currency
    )
    exists = Book.objects.for_practice(practice).filter(client=client)
    if client is None:  # the practice keeps one set of books per currency
        exists = exists.filter(currency=currency)
    if exists.exists():
        message = (
            _("This client already has books.")
            if client
            else _("The practice already has its books in this currency.")
        )
        raise LedgerError(message, errors={"client": message})
    try:
        with transaction.atomic():
            book = Book.objects.create(
                practice=practice,
                client=client,
                name=name[:160],
                currency=currency,
                fiscal_year_start_month=fiscal_year_start_month,
                chart_template=chart,
                created_by=user,
            )
            _copy_chart(practice=practice, book=book, chart=template)
            activity_record(
                practice=practice,
                actor=user,
                verb="ledger.book_created",
                target=book,
                data={"chart": chart},
                request=request,
            )
    except IntegrityError:
        # Two people opened the same books at once: the unique constraint kept one.
        message = _("These books were just opened by someone else.")
        raise LedgerError(message, errors={"client": message}) from None
    return book
