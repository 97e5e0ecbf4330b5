"""Financial reports of one book, aggregated in SQL per account (one query per report).

Every figure is a ``Decimal`` in the book's currency. Balances are signed in the account's
normal direction (an asset's debit balance is positive, an income's credit balance is positive).
Each report can carry a comparison column (the previous period, or an earlier date).

The balance sheet closes the books virtually: income and expenses of earlier fiscal years show in
retained earnings, those of the current fiscal year as "current year earnings", so assets always
equal liabilities plus equity without a closing entry.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from billing.models import Account, AccountRole, AccountType, Book, JournalLine, LedgerContact
from billing.models.ledger import MONEY, ZERO

_MONEY = DecimalField(**MONEY)
_ZERO = Value(ZERO, output_field=_MONEY)

DEBIT_TYPES = (AccountType.ASSET, AccountType.EXPENSE)
SECTION_ORDER = {
    "balance_sheet": (AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY),
    "profit_and_loss": (AccountType.INCOME, AccountType.EXPENSE),
}


# --- Periods ------------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


add_months = _add_months


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before: whole months stay whole months."""
    if start.day == 1 and _is_month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        previous_start = _add_months(start, -months)
        return previous_start, start - timedelta(days=1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def previous_date(as_of: date) -> date:
    """The comparison date of a balance: the same day a year earlier."""
    return _add_months(as_of, -12)


def fiscal_year_start(book: Book, day: date) -> date:
    """The first day of the fiscal year ``day`` falls in."""
    start = date(day.year, book.fiscal_year_start_month, 1)
    return start if start <= day else date(day.year - 1, book.fiscal_year_start_month, 1)


def month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- Rows ---------------------------------------------------------------------------------------


@dataclass
class Row:
    account_id: int | None
    code: str
    name: str
    type: str
    amount: Decimal
    compare: Decimal | None = None
    depth: int = 0
    # Trial balance only: the balance split into its debit or credit column.
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    compare_debit: Decimal = ZERO
    compare_credit: Decimal = ZERO


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)

    @property
    def compare_total(self) -> Decimal:
        return sum((row.compare or ZERO for row in self.rows), ZERO)


@dataclass
class Report:
    kind: str
    title: str
    book: Book
    currency: str
    label: str  # the period or date, in words
    compare_label: str | None
    sections: list[Section]
    totals: dict[str, Decimal] = field(default_factory=dict)
    compare_totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def has_comparison(self) -> bool:
        return self.compare_label is not None


def _normal(account_type: str, debit: Decimal, credit: Decimal) -> Decimal:
    return debit - credit if account_type in DEBIT_TYPES else credit - debit


def _posted_lines(*, practice, book: Book):
    return JournalLine.objects.for_practice(practice).filter(book=book, posted=True)


def _sums(*, practice, book: Book, windows: dict[str, Q]) -> dict[int, dict[str, Decimal]]:
    """``{account_id: {"<window>_debit": .., "<window>_credit": ..}}`` in ONE grouped query,
    each window a condition on the line's date (conditional aggregation, one scan)."""
    aggregates = {}
    for name, condition in windows.items():
        aggregates[f"{name}_debit"] = Coalesce(Sum("debit", filter=condition), _ZERO)
        aggregates[f"{name}_credit"] = Coalesce(Sum("credit", filter=condition), _ZERO)
    combined = Q()
    for condition in windows.values():
        combined |= condition
    rows = (
        _posted_lines(practice=practice, book=book)
        .filter(combined)
        .values("account_id")
        .annotate(**aggregates)
        .order_by()
    )
    return {row.pop("account_id"): row for row in rows}


def _accounts(*, practice, book: Book, types: Iterable[str]) -> list[Account]:
    return list(
        Account.objects.for_practice(practice)
        .filter(book=book, type__in=list(types))
        .order_by("code")
    )


def _depths(accounts: list[Account]) -> dict[int, int]:
    parents = {account.pk: account.parent_id for account in accounts}
    depths = {}
    for account in accounts:
        depth, parent, seen = 0, parents.get(account.pk), set()
        while parent is not None and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = parents.get(parent)
        depths[account.pk] = depth
    return depths


def _label_period(start: date, end: date) -> str:
    return _("%(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


def _label_date(as_of: date) -> str:
    return _("as of %(date)s") % {"date": as_of.isoformat()}


# --- Reports ------------------------------------------------------------------------------------


def trial_balance(
    *, practice, book: Book, as_of: date, compare_as_of: date | None = None
) -> Report:
    """Every account's balance as of a date, in a debit or a credit column; both columns are
    equal when the books balance (they always do: the database refuses the rest)."""
    windows = {"now": Q(date__lte=as_of)}
    if compare_as_of:
        windows["then"] = Q(date__lte=compare_as_of)
    sums = _sums(practice=practice, book=book, windows=windows)
    accounts = _accounts(practice=practice, book=book, types=AccountType.values)
    section = Section(key="accounts", title=_("Accounts"))
    totals = {"debit": ZERO, "credit": ZERO}
    compare_totals = {"debit": ZERO, "credit": ZERO}
    for account in accounts:
        figures = sums.get(account.pk)
        if figures is None:
            continue
        net = figures["now_debit"] - figures["now_credit"]
        row = Row(
            account_id=account.pk,
            code=account.code,
            name=account.name,
            type=account.type,
            amount=net,
            debit=net if net > 0 else ZERO,
            credit=-net if net < 0 else ZERO,
        )
        if compare_as_of:
            then = figures["then_debit"] - figures["then_credit"]
            row.compare = then
            row.compare_debit = then if then > 0 else ZERO
            row.compare_credit = -then if then < 0 else ZERO
            compare_totals["debit"] += row.compare_debit
            compare_totals["credit"] += row.compare_credit
        if row.amount == 0 and not row.compare:
            continue
        totals["debit"] += row.debit
        totals["credit"] += row.credit
        section.rows.append(row)
    return Report(
        kind="trial_balance",
        title=_("Trial balance"),
        book=book,
        currency=book.currency,
        label=_label_date(as_of),
        compare_label=_label_date(compare_as_of) if compare_as_of else None,
        sections=[section],
        totals=totals,
        compare_totals=compare_totals if compare_as_of else {},
    )


def profit_and_loss(
    *, practice, book: Book, start: date, end: date, compare: tuple[date, date] | None = None
) -> Report:
    """Income and expenses over a period (and the comparison period), net profit at the end."""
    windows = {"now": Q(date__gte=start, date__lte=end)}
    if compare:
        windows["then"] = Q(date__gte=compare[0], date__lte=compare[1])
    sums = _sums(practice=practice, book=book, windows=windows)
    accounts = _accounts(practice=practice, book=book, types=SECTION_ORDER["profit_and_loss"])
    depths = _depths(accounts)
    sections = {
        AccountType.INCOME: Section(key="income", title=_("Income")),
        AccountType.EXPENSE: Section(key="expense", title=_("Expenses")),
    }
    for account in accounts:
        figures = sums.get(account.pk)
        if figures is None:
            continue
        row = Row(
            account_id=account.pk,
            code=account.code,
            name=account.name,
            type=account.type,
            amount=_normal(account.type, figures["now_debit"], figures["now_credit"]),
            depth=depths[account.pk],
        )
        if compare:
            row.compare = _normal(account.type, figures["then_debit"], figures["then_credit"])
        if row.amount == 0 and not row.compare:
            continue
        sections[account.type].rows.append(row)
    income, expense = sections[AccountType.INCOME], sections[AccountType.EXPENSE]
    report = Report(
        kind="profit_and_loss",
        title=_("Profit and loss"),
        book=book,
        currency=book.currency,
        label=_label_period(start, end),
        compare_label=_label_period(*compare) if compare else None,
        sections=[income, expense],
        totals={
            "income": income.total,
            "expense": expense.total,
            "net_profit": income.total - expense.total,
        },
    )
    if compare:
        report.compare_totals = {
            "income": income.compare_total,
            "expense": expense.compare_total,
            "net_profit": income.compare_total - expense.compare_total,
        }
    return report


def balance_sheet(
    *, practice, book: Book, as_of: date, compare_as_of: date | None = None
) -> Report:
    """Assets, liabilities and equity as of a date, earnings closed virtually into equity."""
    year_start = fiscal_year_start(book, as_of)
    windows = {"now": Q(date__lte=as_of), "now_year": Q(date__gte=year_start, date__lte=as_of)}
    if compare_as_of:
        compare_year_start = fiscal_year_start(book, compare_as_of)
        windows["then"] = Q(date__lte=compare_as_of)
        windows["then_year"] = Q(date__gte=compare_year_start, date__lte=compare_as_of)
    sums = _sums(practice=practice, book=book, windows=windows)
    accounts = _accounts(practice=practice, book=book, types=AccountType.values)
    depths = _depths(accounts)
    sections = {
        AccountType.ASSET: Section(key="assets", title=_("Assets")),
        AccountType.LIABILITY: Section(key="liabilities", title=_("Liabilities")),
        AccountType.EQUITY: Section(key="equity", title=_("Equity")),
    }
    # Earnings: this fiscal year's (current) and all earlier years' (retained).
    earnings = {"now_year": ZERO, "now_prior": ZERO, "then_year": ZERO, "then_prior": ZERO}
    retained_row = None
    for account in accounts:
        figures = sums.get(account.pk, {})
        if account.type in (AccountType.INCOME, AccountType.EXPENSE):
            for moment in ("now", "then"):
                if f"{moment}_debit" not in figures:
                    continue
                total = figures[f"{moment}_credit"] - figures[f"{moment}_debit"]
                year = figures[f"{moment}_year_credit"] - figures[f"{moment}_year_debit"]
                earnings[f"{moment}_year"] += year
                earnings[f"{moment}_prior"] += total - year
            continue
        now = (
            _normal(account.type, figures["now_debit"], figures["now_credit"]) if figures else ZERO
        )
        then = None
        if compare_as_of:
            then = (
                _normal(account.type, figures["then_debit"], figures["then_credit"])
                if figures
                else ZERO
            )
        row = Row(
            account_id=account.pk,
            code=account.code,
            name=account.name,
            type=account.type,
            amount=now,
            compare=then,
            depth=depths[account.pk],
        )
        if account.role == AccountRole.RETAINED_EARNINGS:
            retained_row = row
            sections[account.type].rows.append(row)
            continue
        if now == 0 and not then:
            continue
        sections[account.type].rows.append(row)
    equity = sections[AccountType.EQUITY]
    if retained_row is None:
        retained_row = Row(None, "", _("Retained earnings"), AccountType.EQUITY, ZERO)
        retained_row.compare = ZERO if compare_as_of else None
        equity.rows.append(retained_row)
    retained_row.amount += earnings["now_prior"]
    if compare_as_of:
        retained_row.compare = (retained_row.compare or ZERO) + earnings["then_prior"]
    equity.rows.append(
        Row(
            None,
            "",
            _("Current year earnings"),
            AccountType.EQUITY,
            earnings["now_year"],
            compare=earnings["then_year"] if compare_as_of else None,
        )
    )
    assets, liabilities = sections[AccountType.ASSET], sections[AccountType.LIABILITY]
    report = Report(
        kind="balance_sheet",
        title=_("Balance sheet"),
        book=book,
        currency=book.currency,
        label=_label_date(as_of),
        compare_label=_label_date(compare_as_of) if compare_as_of else None,
        sections=[assets, liabilities, equity],
        totals={
            "assets": assets.total,
            "liabilities": liabilities.total,
            "equity": equity.total,
            "liabilities_and_equity": liabilities.total + equity.total,
        },
    )
    if compare_as_of:
        report.compare_totals = {
            "assets": assets.compare_total,
            "liabilities": liabilities.compare_total,
            "equity": equity.compare_total,
            "liabilities_and_equity": liabilities.compare_total + equity.compare_total,
        }
    return report


def account_balance(
    *, practice, book: Book, account: Account, as_of: date | None = None
) -> Decimal:
    """One account's balance in its normal direction (as of a date, or everything posted)."""
    lines = _posted_lines(practice=practice, book=book).filter(account=account)
    if as_of is not None:
        lines = lines.filter(date__lte=as_of)
    totals = lines.aggregate(
        debit=Coalesce(Sum("debit"), _ZERO), credit=Coalesce(Sum("credit"), _ZERO)
    )
    return _normal(account.type, totals["debit"], totals["credit"])


@dataclass
class LedgerPage:
    account: Account
    start: date
    end: date
    opening: Decimal
    closing: Decimal
    lines: list  # JournalLine rows annotated with ``running`` (normal direction)
    count: int


def general_ledger(
    *,
    practice,
    book: Book,
    account: Account,
    start: date,
    end: date,
    offset: int = 0,
    limit: int = 50,
) -> LedgerPage:
    """One account's posted lines over a period with a running balance, one page of them.

    Three queries whatever the number of lines: the opening and closing balances (one
    conditional aggregate), the count, and the page with its running balance computed by the
    database (a window over the period, ordered by date then id).
    """
    lines = _posted_lines(practice=practice, book=book).filter(account=account)
    totals = lines.aggregate(
        before_debit=Coalesce(Sum("debit", filter=Q(date__lt=start)), _ZERO),
        before_credit=Coalesce(Sum("credit", filter=Q(date__lt=start)), _ZERO),
        end_debit=Coalesce(Sum("debit", filter=Q(date__lte=end)), _ZERO),
        end_credit=Coalesce(Sum("credit", filter=Q(date__lte=end)), _ZERO),
        count=Count("id", filter=Q(date__gte=start, date__lte=end)),
    )
    opening = _normal(account.type, totals["before_debit"], totals["before_credit"])
    closing = _normal(account.type, totals["end_debit"], totals["end_credit"])
    signed = F("debit") - F("credit") if account.type in DEBIT_TYPES else F("credit") - F("debit")
    page = list(
        lines.filter(date__gte=start, date__lte=end)
        .select_related("entry", "contact")
        .annotate(
            movement=Window(Sum(signed), order_by=[F("date").asc(), F("id").asc()]),
        )
        .order_by("date", "id")[offset : offset + limit]
    )
    for line in page:
        line.running = opening + line.movement
    return LedgerPage(
        account=account,
        start=start,
        end=end,
        opening=opening,
        closing=closing,
        lines=page,
        count=totals["count"],
    )


AGE_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))


@dataclass
class AgedRow:
    contact_id: int | None
    name: str
    buckets: list[Decimal]  # current (0–30 days), 31–60, 61–90, over 90

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO)


def aged_balances(
    *, practice, book: Book, as_of: date, role: str = AccountRole.RECEIVABLE
) -> list[AgedRow]:
    """Open receivables (or payables) per contact as of a date, by age.

    One grouped query sums, per contact, what was charged in each age bucket and everything
    paid; payments settle the oldest charges first (per bucket, not per line).
    """
    accounts = Account.objects.for_practice(practice).filter(book=book, role=role)
    receivable = role == AccountRole.RECEIVABLE
    charge, settle = ("debit", "credit") if receivable else ("credit", "debit")
    aggregates = {"settled": Coalesce(Sum(settle), _ZERO)}
    for index, (low, high) in enumerate(AGE_BUCKETS):
        condition = Q(date__lte=as_of - timedelta(days=low))
        if high is not None:
            condition &= Q(date__gte=as_of - timedelta(days=high))
        aggregates[f"bucket{index}"] = Coalesce(Sum(charge, filter=condition), _ZERO)
    rows = (
        _posted_lines(practice=practice, book=book)
        .filter(account__in=accounts, date__lte=as_of)
        .values("contact_id")
        .annotate(**aggregates)
        .order_by()
    )
    names = dict(
        LedgerContact.objects.for_practice(practice).filter(book=book).values_list("pk", "name")
    )
    result = []
    for row in rows:
        buckets = [row[f"bucket{index}"] for index in range(len(AGE_BUCKETS))]
        settled = row["settled"]
        for index in range(len(buckets) - 1, -1, -1):  # oldest first
            used = min(buckets[index], settled)
            buckets[index] -= used
            settled -= used
        if settled:  # paid more than charged: a credit balance, shown as current
            buckets[0] -= settled
        aged = AgedRow(
            contact_id=row["contact_id"],
            name=names.get(row["contact_id"], _("No contact")),
            buckets=buckets,
        )
        if aged.total != 0:
            result.append(aged)
    return sorted(result, key=lambda aged: aged.name.lower())
