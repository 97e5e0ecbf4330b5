"""Demo bank statements: a month of the bookkeeping client's cheque account, imported with a
saved column mapping, most lines already posted in the ledger and ready to match, the rest
left for rules and the one-click entry (idempotent).

The month is the last full month before today, so a fresh demo has a current month to
reconcile: the statement is made from a template month (``demo_data``), each line moved to the
same day of the demo month (the last day when the month is shorter), with the account's
movements of that month the books already hold, its opening balance and running balance (the
closing balance to reconcile to). Seeded once: later runs, in any month, add nothing.
"""

from __future__ import annotations

import calendar
import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from billing.bank import services
from billing.ledger.posting import LineInput, entry_create
from billing.models import (
    Account,
    AccountType,
    BankFeed,
    BankRule,
    Book,
    EntrySource,
    JournalLine,
    StatementImport,
)

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DEMO_STATEMENT = "cheque_account_2025_05.csv"
TEMPLATE_MONTH = date(2025, 5, 1)  # the month the template file is written in
DEMO_ACCOUNT_NUMBER = "062000-10457821"
DATE_FORMAT = "%d/%m/%Y"
DEMO_REFERENCE = "DEMO-BANK-"
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
    """The template statement (a CSV of the bookkeeping client's cheque account, written in
    ``TEMPLATE_MONTH``)."""
    return DEMO_DATA / DEMO_STATEMENT


def demo_month(today: date | None = None) -> date:
    """The first day of the last full month before ``today`` (default: today's local date)."""
    today = today or timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def demo_statement_rows(month: date) -> list[dict]:
    """The template's lines moved to ``month``: same day (at most the month's last), the
    template month's name and dates in descriptions and references replaced by the new ones.
    Each row: ``{"date": date, "Date", "Description", "Amount", "Reference"}``."""
    last_day = calendar.monthrange(month.year, month.month)[1]
    template_name, name = f"{TEMPLATE_MONTH:%B}", f"{month:%B}"
    rows = []
    with demo_statement_path().open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            template_day = datetime.strptime(row["Date"], DATE_FORMAT).date()
            day = month.replace(day=min(template_day.day, last_day))
            rows.append(
                {
                    "date": day,
                    "Date": day.strftime(DATE_FORMAT),
                    "Description": row["Description"].replace(template_name, name),
                    "Amount": row["Amount"],
                    "Reference": row["Reference"].replace(f"{template_day:%m%d}", f"{day:%m%d}"),
                }
            )
    return rows


def statement_rows(*, book: Book, bank: Account, month: date) -> list[dict]:
    """The demo month's statement of ``bank``: the template's lines moved to ``month`` and the
    account's movements of that month the books posted themselves (a statement shows every
    movement of the account), by date."""
    start = month
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    booked = (
        JournalLine.objects.for_practice(book.practice_id)
        .filter(account=bank, posted=True, date__gte=start, date__lte=end)
        .exclude(entry__reference__startswith=DEMO_REFERENCE)
        .select_related("entry")
        .order_by("date", "id")
    )
    rows = demo_statement_rows(month) + [
        {
            "date": line.date,
            "Date": line.date.strftime(DATE_FORMAT),
            "Description": (line.entry.memo or line.description)[:200],
            "Amount": str(line.debit - line.credit),
            "Reference": line.entry.reference,
        }
        for line in booked
    ]
    return sorted(rows, key=lambda row: row["date"])


def demo_statement(rows: list[dict], *, opening: Decimal = Decimal("0.00")) -> bytes:
    """The statement as the bank's CSV: the opening balance first (a line without an amount,
    which imports skip), then each line with the running balance."""
    out = io.StringIO()
    fields = ["Date", "Description", "Amount", "Reference", "Balance"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    balance = opening
    if rows:
        first = rows[0]["date"].replace(day=1)
        writer.writerow(
            {
                "Date": first.strftime(DATE_FORMAT),
                "Description": "Opening balance",
                "Amount": "",
                "Reference": "",
                "Balance": f"{balance:.2f}",
            }
        )
    for row in rows:
        balance += Decimal(row["Amount"])
        writer.writerow({**{key: row[key] for key in fields[:4]}, "Balance": f"{balance:.2f}"})
    return out.getvalue().encode("utf-8")


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


def seed(demo, bookkeeping: Book | None = None, month: date | None = None, **books) -> None:
    """Seed the bookkeeping client's bank month (``month``, default the last full month before
    today); does nothing without that book, nor once a month was seeded."""
    book = bookkeeping
    if book is None:
        return
    bank = cheque_account(book)
    if bank is None:
        return
    practice = book.practice
    user = getattr(getattr(demo, "owner", None), "user", None)
    # A month already posted stays the demo's month (its statement matches its entries).
    month = _posted_month(book) or month or demo_month()
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
        _post_month(book=book, bank=bank, leaves=leaves, rows=demo_statement_rows(month), user=user)
    if StatementImport.objects.for_practice(practice).filter(account=bank).exists():
        return
    opening = services.ledger_balance(
        practice=practice, account=bank, as_of=month - timedelta(days=1)
    )
    content = demo_statement(statement_rows(book=book, bank=bank, month=month), opening=opening)
    with transaction.atomic():
        made = services.statement_upload_bytes(
            practice=practice,
            book=book,
            account=bank,
            content=content,
            name=f"cheque_account_{month:%Y_%m}.csv",
            user=user,
        )
    # The demo is ready without a worker: import it here (the queued task then finds it done).
    claimed = services.import_claim(practice_id=practice.pk, statement_import_id=made.pk)
    if claimed is not None:
        services.import_run(statement_import=claimed)


def _demo_entries(book: Book):
    return book.entries.filter(source=EntrySource.MANUAL, reference__startswith=DEMO_REFERENCE)


def _posted_month(book: Book) -> date | None:
    first = _demo_entries(book).order_by("date").values_list("date", flat=True).first()
    return first.replace(day=1) if first else None


def _post_month(*, book: Book, bank: Account, leaves: list[Account], rows, user) -> None:
    """The ledger side of the month, as the bookkeeper posted it (once)."""
    if _demo_entries(book).exists():
        return
    practice = book.practice
    income = next((a for a in leaves if a.type == AccountType.INCOME), None)
    fallback = _by_name(leaves, ("uncategorised",)) or income
    for row in rows:
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
            date=row["date"],
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
            reference=f"{DEMO_REFERENCE}{row['Reference']}",
            user=user,
            post=True,
        )
