"""Posting invoices, credit notes and payments into the practice's own book of their currency.

The book is opened from the chart on first need (``au_service`` for AUD, else ``us_service``).
Issue: Dr receivable (the client's contact) / Cr service income per line's net / Cr tax
collected per tax code. Income and tax lines carry the book's tax code of the line's tax rate,
so a tax return read from the ledger (BAS, VAT) sees invoice tax. A credit note posts the
reverse of its lines; a payment Dr bank / Cr receivable. A client's credit (a payment's
unallocated remainder) stays a credit balance on receivable, so applying it to a later invoice
moves nothing in the ledger.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from billing.ledger.books import book_create
from billing.ledger.chart import tax_code_save
from billing.ledger.posting import LedgerError, LineInput, entry_create, role_account
from billing.models import (
    Account,
    AccountRole,
    AccountType,
    Book,
    EntrySource,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    JournalEntry,
    LedgerContact,
    Payment,
    TaxCode,
    TaxRate,
)
from billing.models.ledger import ZERO

SOURCE_INVOICE = "billing.invoice"
SOURCE_PAYMENT = "billing.payment"


def chart_for(currency: str) -> str:
    return "au_service" if currency == "AUD" else "us_service"


def practice_book(*, practice, currency: str, user=None) -> Book:
    """The practice's own book in ``currency``, opened from the chart on first need."""
    books = Book.objects.for_practice(practice).filter(client__isnull=True, currency=currency)
    book = books.first()
    if book is not None:
        return book
    try:
        return book_create(
            practice=practice,
            name=f"{practice.name} ({currency})",
            chart=chart_for(currency),
            currency=currency,
            user=user,
        )
    except LedgerError:
        # Opened by someone else at the same moment: use theirs.
        book = books.first()
        if book is None:
            raise
        return book


def income_account(*, practice, book: Book) -> Account:
    """The chart's service income: the first non-archived income account without children."""
    account = (
        Account.objects.for_practice(practice)
        .filter(book=book, type=AccountType.INCOME, archived=False, role="")
        .exclude(children__isnull=False)
        .order_by("code")
        .first()
    )
    if account is None:
        raise LedgerError(_("These books have no income account: add one to the chart."))
    return account


def bank_account(*, practice, book: Book) -> Account:
    """The first bank account of the book (an asset, by code)."""
    account = (
        Account.objects.for_practice(practice)
        .filter(book=book, is_bank=True, is_trust=False, type=AccountType.ASSET, archived=False)
        .order_by("code")
        .first()
    )
    if account is None:
        raise LedgerError(_("These books have no bank account: add one to the chart."))
    return account


def client_contact(*, practice, book: Book, client) -> LedgerContact:
    """The book's contact standing for ``client``, created on first need."""
    contacts = LedgerContact.objects.for_practice(practice).filter(book=book, client=client)
    contact = contacts.first()
    if contact is not None:
        return contact
    for name in (client.name, f"{client.name} (#{client.pk})"):
        try:
            with transaction.atomic():
                return LedgerContact.objects.create(
                    practice=practice,
                    book=book,
                    client=client,
                    name=name[:160],
                    email=client.billing_email or "",
                )
        except IntegrityError:
            contact = contacts.first()
            if contact is not None:
                return contact
    raise LedgerError(_("The client's ledger contact could not be opened."))


# Codes of the shipped charts (``billing/charts/*.json``) whose zero rate is the nature of the
# supply: GST free, not taxable. The other zero-rate codes are other treatments (input taxed,
# excluded from the return, a sales tax whose rate the chart leaves open) and never stand for
# an invoice's untaxed lines.
TAX_FREE_CODES = frozenset({"FRE", "EXEMPT"})
TAX_CODE_LENGTH = TaxCode._meta.get_field("code").max_length


def _same_kind(code: TaxCode, percent: Decimal) -> bool:
    """Whether ``code`` is the treatment a tax rate of ``percent`` is: taxed at that rate, or
    free of tax."""
    if code.rate != percent:
        return False
    return percent > 0 or code.code in TAX_FREE_CODES


def _new_code(name: str, taken: set[str]) -> str:
    """A code for a tax code named ``name``: its letters and digits, unique in the book."""
    base = (slugify(name).upper() or "TAX")[:TAX_CODE_LENGTH]
    code, suffix = base, 1
    while code.upper() in taken:
        suffix += 1
        tail = f"-{suffix}"
        code = base[: TAX_CODE_LENGTH - len(tail)] + tail
    return code


class TaxCodes:
    """The book's tax code of each invoice tax rate, as charged (the rate a line was priced at):
    the code named after the rate, else the first code of the same rate and kind, else a new
    code named after the rate, made through the chart's service."""

    def __init__(self, *, practice, book: Book, user=None):
        self.practice, self.book, self.user = practice, book, user
        self._codes: list[TaxCode] | None = None
        self._found: dict[tuple[int, Decimal], TaxCode] = {}

    def codes(self, *, refresh: bool = False) -> list[TaxCode]:
        if self._codes is None or refresh:
            self._codes = list(
                TaxCode.objects.for_practice(self.practice)
                .filter(book=self.book, archived=False)
                .order_by("code", "pk")
            )
        return self._codes

    def _match(self, tax_rate: TaxRate, percent: Decimal) -> TaxCode | None:
        codes = [code for code in self.codes() if code.rate == percent]
        name = tax_rate.name.casefold()
        return next((code for code in codes if code.name.casefold() == name), None) or next(
            (code for code in codes if _same_kind(code, percent)), None
        )

    def for_rate(self, tax_rate: TaxRate | None, percent: Decimal) -> TaxCode | None:
        """The code of ``tax_rate`` charged at ``percent``; None for a line without a rate."""
        if tax_rate is None:
            return None
        key = (tax_rate.pk, percent)
        if key not in self._found:
            self._found[key] = self._match(tax_rate, percent) or self._create(tax_rate, percent)
        return self._found[key]

    def _create(self, tax_rate: TaxRate, percent: Decimal) -> TaxCode:
        taken = {
            code.upper()
            for code in TaxCode.objects.for_practice(self.practice)
            .filter(book=self.book)
            .values_list("code", flat=True)
        }
        for _attempt in range(5):
            data = {"code": _new_code(tax_rate.name, taken), "name": tax_rate.name, "rate": percent}
            try:
                return tax_code_save(
                    practice=self.practice, book=self.book, data=data, user=self.user
                )
            except (LedgerError, IntegrityError):
                # Taken at the same moment (perhaps by the same rate's code): look again.
                taken.add(data["code"].upper())
                self.codes(refresh=True)
                found = self._match(tax_rate, percent)
                if found is not None:
                    return found
        raise LedgerError(_("The tax code of %(tax)s could not be opened.") % {"tax": tax_rate})


def _lines_of(invoice: Invoice) -> list[InvoiceLine]:
    return list(
        InvoiceLine.objects.for_practice(invoice.practice_id)
        .filter(invoice=invoice)
        .select_related("tax_rate")
        .order_by("position", "id")
    )


def invoice_post(*, practice, invoice: Invoice, user=None, request=None) -> JournalEntry | None:
    """Post an issued invoice (or, reversed, a credit note); None when its total is zero.

    Each income line (the net) and the tax collected of each tax code carry the book's tax
    code of the invoice line's tax rate (``TaxCodes``); lines without a rate carry none.
    """
    if invoice.total <= ZERO:
        return None
    book = practice_book(practice=practice, currency=invoice.currency, user=user)
    receivable = role_account(practice=practice, book=book, role=AccountRole.RECEIVABLE)
    income = income_account(practice=practice, book=book)
    contact = client_contact(practice=practice, book=book, client=invoice.client)
    codes = TaxCodes(practice=practice, book=book, user=user)
    reverse = invoice.kind == InvoiceKind.CREDIT_NOTE

    def side(amount: Decimal, *, debit: bool) -> dict:
        debit = debit != reverse  # a credit note swaps every side
        return {"debit": amount} if debit else {"credit": amount}

    lines = [
        LineInput(
            account=receivable,
            contact=contact,
            description=str(invoice.number),
            **side(invoice.total, debit=True),
        )
    ]
    # Tax collected per code, in the order the codes first appear on the invoice.
    taxes: dict[int | None, tuple[TaxCode | None, Decimal]] = {}
    for line in _lines_of(invoice):
        code = codes.for_rate(line.tax_rate, line.tax_percent)
        if line.amount > 0:
            lines.append(
                LineInput(
                    account=income,
                    contact=contact,
                    description=line.description,
                    tax_code=code,
                    **side(line.amount, debit=False),
                )
            )
        if line.tax_amount > 0:
            key = code.pk if code else None
            taxes[key] = (code, taxes.get(key, (code, ZERO))[1] + line.tax_amount)
    collected = (
        role_account(practice=practice, book=book, role=AccountRole.TAX_COLLECTED)
        if taxes
        else None
    )
    for code, amount in taxes.values():
        lines.append(
            LineInput(
                account=collected,
                contact=contact,
                description=_("Tax on %(number)s") % {"number": invoice.number}
                if code is None
                else _("Tax on %(number)s (%(code)s)")
                % {"number": invoice.number, "code": code.code},
                tax_code=code,
                **side(amount, debit=False),
            )
        )
    memo = (
        _("Credit note %(number)s to %(client)s")
        if reverse
        else _("Invoice %(number)s to %(client)s")
    ) % {"number": invoice.number, "client": invoice.client.name}
    return entry_create(
        practice=practice,
        book=book,
        date=invoice.issue_date,
        lines=lines,
        memo=memo,
        reference=invoice.number,
        source=EntrySource.INVOICE,
        source_type=SOURCE_INVOICE,
        source_id=invoice.pk,
        user=user,
        post=True,
        request=request,
    )


def payment_post(*, practice, payment: Payment, user=None, request=None) -> JournalEntry:
    """Post a payment received: Dr bank / Cr receivable (the client's contact), in full."""
    book = practice_book(practice=practice, currency=payment.currency, user=user)
    contact = client_contact(practice=practice, book=book, client=payment.client)
    description = payment.reference or _("Payment from %(client)s") % {
        "client": payment.client.name
    }
    return entry_create(
        practice=practice,
        book=book,
        date=payment.date,
        lines=[
            LineInput(
                account=bank_account(practice=practice, book=book),
                debit=payment.amount,
                contact=contact,
                description=description,
            ),
            LineInput(
                account=role_account(practice=practice, book=book, role=AccountRole.RECEIVABLE),
                credit=payment.amount,
                contact=contact,
                description=description,
            ),
        ],
        memo=_("Payment from %(client)s") % {"client": payment.client.name},
        reference=payment.reference,
        source=EntrySource.PAYMENT,
        source_type=SOURCE_PAYMENT,
        source_id=payment.pk,
        user=user,
        post=True,
        request=request,
    )
