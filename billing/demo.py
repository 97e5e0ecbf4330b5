"""Demo bookkeeping: the practice's own books, a bookkeeping client and a law firm's trust
account (idempotent).

- The practice's own books (the Australian chart for an AUD practice, else the US one): the
  last three full months of client fees invoiced and paid (one contact per client), software
  subscriptions, phone, contractors and bank fees, with GST where the chart charges it.
- A bookkeeping client (Nightjar Ventures) with opening balances and two months of activity,
  and the last month's bank statement to reconcile (``billing.bank.demo``).
- The law firm (Northwind Legal) with the law-firm chart when it ships, else the US chart plus
  a trust bank account and a trust liability account; its matters and trust money come from
  ``billing.trust.demo``.
Books are filled only when they are first opened: running the seed again changes nothing.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from billing.bank import demo as bank_demo
from billing.invoicing import demo as invoicing_demo
from billing.ledger.books import book_create, chart_templates
from billing.ledger.chart import account_save
from billing.ledger.posting import LineInput, entry_create
from billing.models import (
    Account,
    AccountRole,
    AccountType,
    Book,
    EntrySource,
    LedgerContact,
    TaxCode,
)
from billing.trust import demo as trust_demo
from clients.models import Client, ClientStatus
from secretary.limits import in_zone

BOOKKEEPING_CLIENT = "Nightjar Ventures"
LAW_FIRM = "Northwind Legal"

# Monthly fee per client of the practice (before tax), by client name; others get the default.
MONTHLY_FEES = {
    "Northwind Legal": Decimal("2400.00"),
    "Nightjar Ventures": Decimal("3150.00"),
    "Quiet Harbour Consulting": Decimal("980.00"),
}
DEFAULT_FEE = Decimal("1250.00")
# (supplier, expense account words, monthly amount before tax, day of month)
MONTHLY_COSTS = [
    ("Stackwise Software", ("software", "subscription"), Decimal("189.00"), 3),
    ("Inboxly", ("software", "subscription"), Decimal("45.00"), 8),
    ("Harbourline Telecom", ("telephone", "phone"), Decimal("132.00"), 14),
    ("Maya Patel Admin Services", ("contractor",), Decimal("1860.00"), 26),
]


def _quarter(today: date) -> list[date]:
    """The first days of the last three full months before ``today``'s."""
    first = today.replace(day=1)
    months = []
    for _ in range(3):
        first = (first - timedelta(days=1)).replace(day=1)
        months.insert(0, first)
    return months


def _day(month: date, day: int) -> date:
    return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))


class Chart:
    """Finds the accounts the demo posts to, in any chart (by role, flags, type and name)."""

    def __init__(self, book: Book):
        self.book = book
        self.accounts = list(Account.objects.for_practice(book.practice_id).filter(book=book))
        parents = {a.parent_id for a in self.accounts if a.parent_id}
        self.leaves = [a for a in self.accounts if a.pk not in parents and not a.archived]

    def role(self, role: str) -> Account | None:
        return next((a for a in self.accounts if a.role == role), None)

    def bank(self) -> Account:
        return next(
            a for a in self.leaves if a.is_bank and not a.is_trust and a.type == AccountType.ASSET
        )

    def find(self, account_type: str, *words: str) -> Account:
        """The first leaf of ``account_type`` whose name holds one of ``words`` (or the first
        leaf of that type without a role)."""
        candidates = [a for a in self.leaves if a.type == account_type and not a.is_trust]
        for word in words:
            for account in candidates:
                if word in account.name.lower():
                    return account
        return next(a for a in candidates if not a.role)


class Poster:
    """Posts the demo's entries in one book, with tax split out where the chart charges it."""

    def __init__(self, book: Book, user):
        self.book = book
        self.user = user
        self.chart = Chart(book)
        self.collected = self.chart.role(AccountRole.TAX_COLLECTED)
        self.paid = self.chart.role(AccountRole.TAX_PAID)
        self.codes = {
            code.pk: code
            for code in TaxCode.objects.for_practice(book.practice_id).filter(book=book)
        }

    def _tax(self, account: Account, net: Decimal) -> tuple[Decimal, TaxCode | None]:
        code = self.codes.get(account.default_tax_code_id)
        if code is None or not code.rate:
            return Decimal(0), code
        tax = (net * code.rate / 100).quantize(self.book.quantum, rounding=ROUND_HALF_UP)
        return tax, code

    def post(self, day: date, lines: list[LineInput], memo: str, reference: str = "", **kw):
        return entry_create(
            practice=self.book.practice,
            book=self.book,
            date=day,
            lines=lines,
            memo=memo,
            reference=reference,
            user=self.user,
            post=True,
            **kw,
        )

    def sale(self, day, contact, income: Account, net: Decimal, reference: str) -> Decimal:
        """An invoice to ``contact``: receivable against income (and tax collected)."""
        tax, code = self._tax(income, net)
        receivable = self.chart.role(AccountRole.RECEIVABLE)
        lines = [
            LineInput(account=receivable, debit=net + tax, contact=contact),
            LineInput(account=income, credit=net, contact=contact, tax_code=code),
        ]
        if tax and self.collected:
            lines.append(LineInput(account=self.collected, credit=tax, tax_code=code))
        else:
            lines[0].debit = net
        self.post(day, lines, f"Invoice {reference} — {contact.name}", reference, source="invoice")
        return lines[0].debit

    def receipt(self, day, contact, amount: Decimal, reference: str) -> None:
        self.post(
            day,
            [
                LineInput(account=self.chart.bank(), debit=amount, contact=contact),
                LineInput(
                    account=self.chart.role(AccountRole.RECEIVABLE), credit=amount, contact=contact
                ),
            ],
            f"Payment {reference} — {contact.name}",
            reference,
            source="payment",
        )

    def purchase(self, day, contact, expense: Account, net: Decimal, memo: str) -> None:
        """A cost paid from the bank at once (expense and tax paid against the bank)."""
        tax, code = self._tax(expense, net)
        lines = [LineInput(account=expense, debit=net, contact=contact, tax_code=code)]
        if tax and self.paid:
            lines.append(LineInput(account=self.paid, debit=tax, tax_code=code))
        else:
            tax = Decimal(0)
        lines.append(LineInput(account=self.chart.bank(), credit=net + tax, contact=contact))
        self.post(day, lines, memo)


def _contact(book: Book, name: str, *, client: Client | None = None, email: str = ""):
    contact, _ = LedgerContact.objects.for_practice(book.practice_id).get_or_create(
        practice_id=book.practice_id,
        book=book,
        name=name,
        defaults={"client": client, "email": email},
    )
    return contact


def _chart_for(currency: str) -> str:
    return "au_service" if currency == "AUD" else "us_service"


def _open(demo, *, name: str, chart: str, client: Client | None = None) -> tuple[Book, bool]:
    practice = demo.practice
    book = Book.objects.for_practice(practice).filter(client=client).first()
    if book is not None:
        return book, False
    book = book_create(
        practice=practice, name=name, chart=chart, client=client, user=demo.owner.user
    )
    return book, True


def _opening(poster: Poster, day: date, balances: list[tuple[Account, Decimal]]) -> None:
    """Opening balances (signed: debit positive) against opening balance equity."""
    lines = [
        LineInput(
            account=account,
            debit=amount if amount > 0 else None,
            credit=-amount if amount < 0 else None,
        )
        for account, amount in balances
    ]
    rest = sum((amount for _account, amount in balances), Decimal(0))
    equity = poster.chart.role(AccountRole.OPENING_BALANCE)
    lines.append(
        LineInput(
            account=equity, credit=rest if rest > 0 else None, debit=-rest if rest < 0 else None
        )
    )
    poster.post(day, lines, "Opening balances", source=EntrySource.OPENING_BALANCE)


def _seed_practice_books(demo, months: list[date]) -> Book:
    practice = demo.practice
    book, created = _open(demo, name=practice.name, chart=_chart_for(practice.currency))
    clients = list(
        Client.objects.for_practice(practice)
        .filter(status__in=[ClientStatus.ACTIVE, ClientStatus.PAUSED])
        .order_by("name", "pk")
    )
    contacts = [
        (
            _contact(book, c.name, client=c, email=c.billing_email),
            MONTHLY_FEES.get(c.name, DEFAULT_FEE),
        )
        for c in clients
    ]
    suppliers = {name: _contact(book, name) for name, *_rest in MONTHLY_COSTS}
    if not created:
        return book
    poster = Poster(book, demo.owner.user)
    chart = poster.chart
    income = chart.find(AccountType.INCOME, "service", "fee")
    bank_fees = chart.find(AccountType.EXPENSE, "bank")
    _opening(poster, months[0], [(chart.bank(), Decimal("24500.00"))])
    number = 1001
    for index, month in enumerate(months):
        last = index == len(months) - 1
        for position, (contact, fee) in enumerate(contacts):
            reference = f"INV-{number}"
            number += 1
            total = poster.sale(_day(month, 2 + position), contact, income, fee, reference)
            # The last month's invoices are partly still open (aged receivables).
            if not (last and position % 2 == 0):
                poster.receipt(_day(month, 18 + position), contact, total, reference)
        for name, words, amount, day in MONTHLY_COSTS:
            expense = chart.find(AccountType.EXPENSE, *words)
            poster.purchase(_day(month, day), suppliers[name], expense, amount, name)
        poster.purchase(_day(month, 28), None, bank_fees, Decimal("12.50"), "Monthly account fee")
    return book


def _seed_bookkeeping_client(demo, months: list[date]) -> Book | None:
    client = Client.objects.for_practice(demo.practice).filter(name=BOOKKEEPING_CLIENT).first()
    if client is None:
        return None
    book, created = _open(demo, name=client.name, chart=_chart_for(client.currency), client=client)
    customers = [
        _contact(book, "Lumen Analytics", email="ap@lumen.example"),
        _contact(book, "Orchard Street Cafe", email="owner@orchard.example"),
    ]
    vendors = [_contact(book, "Skyline Coworking"), _contact(book, "Pixel & Co Design")]
    if not created:
        return book
    poster = Poster(book, demo.owner.user)
    chart = poster.chart
    start = months[1]
    _opening(
        poster,
        start,
        [
            (chart.bank(), Decimal("18500.00")),
            (chart.role(AccountRole.RECEIVABLE), Decimal("4200.00")),
            (chart.role(AccountRole.PAYABLE), Decimal("-1300.00")),
        ],
    )
    income = chart.find(AccountType.INCOME, "service", "fee")
    rent = chart.find(AccountType.EXPENSE, "rent")
    design = chart.find(AccountType.EXPENSE, "contractor")
    number = 501
    for month in months[1:]:
        for position, (customer, fee) in enumerate(
            zip(customers, (Decimal("6400.00"), Decimal("850.00")), strict=True)
        ):
            reference = f"NV-{number}"
            number += 1
            total = poster.sale(_day(month, 5 + position), customer, income, fee, reference)
            poster.receipt(_day(month, 22 + position), customer, total, reference)
        poster.purchase(_day(month, 1), vendors[0], rent, Decimal("1450.00"), "Desk rent")
        poster.purchase(_day(month, 15), vendors[1], design, Decimal("720.00"), "Design work")
    return book


def _trust_account(book: Book, demo, *, account_type: str, **fields) -> Account:
    existing = (
        Account.objects.for_practice(book.practice_id)
        .filter(book=book, type=account_type, is_trust=True)
        .first()
    )
    if existing is not None:
        return existing
    taken = set(
        Account.objects.for_practice(book.practice_id)
        .filter(book=book)
        .values_list("code", flat=True)
    )
    base = 1050 if account_type == AccountType.ASSET else 2250
    code = next(str(n) for n in range(base, base + 100) if str(n) not in taken)
    return account_save(
        practice=demo.practice,
        book=book,
        data={"code": code, "type": account_type, "is_trust": True, **fields},
        user=demo.owner.user,
    )


def _seed_law_firm(demo, months: list[date]) -> Book | None:
    client = Client.objects.for_practice(demo.practice).filter(name=LAW_FIRM).first()
    if client is None:
        return None
    chart = "law_firm" if "law_firm" in chart_templates() else _chart_for(client.currency)
    book, created = _open(demo, name=client.name, chart=chart, client=client)
    # The law-firm chart has them; the fallback chart gets them (found by their flags).
    _trust_account(
        book, demo, account_type=AccountType.ASSET, name="Client trust account", is_bank=True
    )
    _trust_account(
        book,
        demo,
        account_type=AccountType.LIABILITY,
        name="Client money held in trust",
        role=AccountRole.TRUST_LIABILITY,
    )
    clients = [_contact(book, "Estate of H. Moreno"), _contact(book, "Castro Holdings LLC")]
    if not created:
        return book
    poster = Poster(book, demo.owner.user)
    accounts = poster.chart
    _opening(poster, months[1], [(accounts.bank(), Decimal("42000.00"))])
    income = accounts.find(AccountType.INCOME, "legal", "service", "fee")
    rent = accounts.find(AccountType.EXPENSE, "rent")
    number = 2201
    for month in months[1:]:
        for position, (contact, fee) in enumerate(
            zip(clients, (Decimal("8800.00"), Decimal("3650.00")), strict=True)
        ):
            reference = f"NL-{number}"
            number += 1
            total = poster.sale(_day(month, 6 + position), contact, income, fee, reference)
            poster.receipt(_day(month, 24 + position), contact, total, reference)
        poster.purchase(_day(month, 1), None, rent, Decimal("6200.00"), "Office rent")
    return book


def seed(demo) -> None:
    today = in_zone(timezone.now(), demo.practice.time_zone).date()
    months = _quarter(today)
    _seed_practice_books(demo, months)
    bookkeeping = _seed_bookkeeping_client(demo, months)
    law_firm = _seed_law_firm(demo, months)
    # The bank month is the last of the quarter: a current month to reconcile.
    bank_demo.seed(demo, bookkeeping=bookkeeping, month=months[-1])
    if law_firm is not None:
        trust_demo.seed(demo, book=law_firm)
    invoicing_demo.seed(demo)
