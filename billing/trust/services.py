"""Writes of trust money: matters, money in, money out, transfers, three-way reconciliations.

Money moves only through ``billing.ledger.posting.entry_create(post=True)``, which checks (and,
on PostgreSQL, the database checks again at commit) that no matter ends a day below zero. The
services here check it first against the matter's available balance, so people read how much
they may pay out. Locks: the book first, then the matters in id order, the same order as the
posting service, so two payments from one matter serialise and the second sees the first.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.ledger.posting import LedgerError, LineInput, entry_create, money
from billing.models import Account, Book, JournalEntry, TrustMatter, TrustReconciliation
from billing.trust import selectors
from secretary.audit import activity_record
from secretary.limits import date_range_message, dates_out_of_range
from secretary.money import format_money

SOURCE_DEPOSIT = "billing.trust_deposit"
SOURCE_WITHDRAWAL = "billing.trust_withdrawal"
SOURCE_TRANSFER = "billing.trust_transfer"


class Purpose:
    """Whom money paid out of trust goes to (it shows on the entry)."""

    CLIENT = "client"
    FEES = "fees"

    @staticmethod
    def choices():
        return [
            (Purpose.CLIENT, _("Payment to the client")),
            (Purpose.FEES, _("Transfer to the firm for fees")),
        ]


def _check_dates(**values) -> None:
    errors = dates_out_of_range(**values)
    if errors:
        raise LedgerError(date_range_message(), errors=errors)


def _lock(*, practice, book: Book, matters: list[TrustMatter]) -> list[TrustMatter]:
    """Lock the book, then the matters (id order); the matters as they are now."""
    Book.objects.for_practice(practice).select_for_update().get(pk=book.pk)
    locked = {
        m.pk: m
        for m in TrustMatter.objects.for_practice(practice)
        .select_for_update()
        .filter(book=book, pk__in=sorted({m.pk for m in matters}))
        .order_by("pk")
    }
    if len(locked) != len({m.pk for m in matters}):
        message = _("Choose a matter of these books.")
        raise LedgerError(message, errors={"matter": message})
    return [locked[m.pk] for m in matters]


def _check_open(matter: TrustMatter, *, on: date, field: str) -> None:
    if matter.closed_on is not None:
        message = _("The matter %(matter)s is closed.") % {"matter": matter.reference}
        raise LedgerError(message, errors={field: message})
    if on < matter.opened_on:
        message = _("The matter %(matter)s was opened on %(date)s: choose a later date.") % {
            "matter": matter.reference,
            "date": matter.opened_on.isoformat(),
        }
        raise LedgerError(message, errors={"date": message})


def _check_available(
    *, practice, book: Book, matter: TrustMatter, on: date, amount: Decimal, field: str
) -> None:
    available = selectors.matter_available(practice=practice, matter=matter, on=on).quantize(
        book.quantum
    )
    if amount > available:
        message = _(
            "The matter %(matter)s has %(available)s available on %(date)s: "
            "%(amount)s cannot be paid out of it."
        ) % {
            "matter": matter.reference,
            "available": format_money(available, book.currency),
            "amount": format_money(amount, book.currency),
            "date": on.isoformat(),
        }
        raise LedgerError(message, errors={field: message})


def _accounts(*, practice, book: Book, bank_account: Account | None) -> tuple[Account, Account]:
    """The trust bank account to use (``bank_account``, or the book's only one) and the trust
    liability account; LedgerError when the book lacks either."""
    banks = list(selectors.trust_bank_accounts(practice=practice, book=book))
    if bank_account is None:
        if len(banks) != 1:
            message = (
                _("Choose the trust bank account.")
                if banks
                else _("These books have no trust bank account: add one to the chart.")
            )
            raise LedgerError(message, errors={"bank_account": message})
        bank_account = banks[0]
    elif bank_account.pk not in {b.pk for b in banks}:
        message = _("Choose a trust bank account of these books.")
        raise LedgerError(message, errors={"bank_account": message})
    liability = selectors.trust_liability_account(practice=practice, book=book)
    if liability is None:
        message = _("These books have no trust liability account: add one to the chart.")
        raise LedgerError(message)
    return bank_account, liability


# --- Matters ---------------------------------------------------------------------------------


def _matter_fields(*, reference: str, name: str) -> tuple[str, str]:
    reference, name = (reference or "").strip(), (name or "").strip()
    if not reference:
        raise LedgerError(
            _("Enter the matter number."), errors={"reference": _("Enter the matter number.")}
        )
    if not name:
        raise LedgerError(_("Enter a name."), errors={"name": _("Enter a name.")})
    return reference[:40], name[:160]


def _save_matter(matter: TrustMatter, **kwargs) -> TrustMatter:
    try:
        with transaction.atomic():
            matter.save(**kwargs)
    except IntegrityError:
        message = _("Another matter of these books has this number.")
        raise LedgerError(message, errors={"reference": message}) from None
    return matter


def matter_create(
    *,
    practice,
    book: Book,
    reference: str,
    name: str,
    opened_on: date,
    description: str = "",
    user=None,
    request=None,
) -> TrustMatter:
    """Open a matter in ``book``."""
    if book.practice_id != practice.pk:
        raise LedgerError(_("Choose a book of this practice."))
    _check_dates(opened_on=opened_on)
    reference, name = _matter_fields(reference=reference, name=name)
    if TrustMatter.objects.for_practice(practice).filter(book=book, reference=reference).exists():
        message = _("Another matter of these books has this number.")
        raise LedgerError(message, errors={"reference": message})
    with transaction.atomic():
        matter = _save_matter(
            TrustMatter(
                practice=practice,
                book=book,
                reference=reference,
                name=name,
                description=description or "",
                opened_on=opened_on,
            )
        )
        activity_record(
            practice=practice,
            actor=user,
            verb="trust.matter_opened",
            target=matter,
            data={"book": book.pk, "reference": reference},
            request=request,
        )
    return matter


def matter_update(
    *,
    practice,
    matter: TrustMatter,
    reference: str,
    name: str,
    opened_on: date,
    description: str = "",
    user=None,
    request=None,
) -> TrustMatter:
    """Change a matter's number, name, description or opening date."""
    _check_dates(opened_on=opened_on)
    reference, name = _matter_fields(reference=reference, name=name)
    with transaction.atomic():
        matter = TrustMatter.objects.for_practice(practice).select_for_update().get(pk=matter.pk)
        first_line = matter.lines.order_by("date").values_list("date", flat=True).first()
        if first_line is not None and opened_on > first_line:
            message = _("The matter has money from %(date)s: it was opened by then.") % {
                "date": first_line.isoformat()
            }
            raise LedgerError(message, errors={"opened_on": message})
        matter.reference, matter.name = reference, name
        matter.description, matter.opened_on = description or "", opened_on
        _save_matter(matter, update_fields=["reference", "name", "description", "opened_on"])
        activity_record(
            practice=practice,
            actor=user,
            verb="trust.matter_updated",
            target=matter,
            data={"reference": reference},
            request=request,
        )
    return matter


def matter_close(
    *, practice, matter: TrustMatter, closed_on: date, user=None, request=None
) -> TrustMatter:
    """Close a matter whose ledger is at zero (and stays there: no later lines)."""
    _check_dates(closed_on=closed_on)
    with transaction.atomic():
        book = matter.book
        (matter,) = _lock(practice=practice, book=book, matters=[matter])
        if matter.closed_on is not None:
            raise LedgerError(_("This matter is already closed."))
        if closed_on < matter.opened_on:
            message = _("A matter closes on or after the day it opened.")
            raise LedgerError(message, errors={"closed_on": message})
        balance = selectors.matter_balance(practice=practice, matter=matter)
        if balance != 0:
            message = _(
                "The matter still holds %(balance)s: pay it out or transfer it "
                "before closing the matter."
            ) % {"balance": format_money(balance, book.currency)}
            raise LedgerError(message, errors={"closed_on": message})
        if matter.lines.filter(date__gt=closed_on).exists():
            message = _("The matter has lines after this date.")
            raise LedgerError(message, errors={"closed_on": message})
        matter.closed_on = closed_on
        matter.save(update_fields=["closed_on"])
        activity_record(
            practice=practice,
            actor=user,
            verb="trust.matter_closed",
            target=matter,
            data={"closed_on": closed_on.isoformat()},
            request=request,
        )
    return matter


# --- Money in, money out, transfers ------------------------------------------------------------


def trust_deposit(
    *,
    practice,
    book: Book,
    matter: TrustMatter,
    date: date,
    amount,
    bank_account: Account | None = None,
    memo: str = "",
    reference: str = "",
    user=None,
    request=None,
) -> JournalEntry:
    """Money received for ``matter``: Dr trust bank / Cr trust liability, both on the matter."""
    _check_dates(date=date)
    amount = money(amount, book=book, field="amount")
    if amount <= 0:
        raise LedgerError(_("Enter an amount."), errors={"amount": _("Enter an amount.")})
    with transaction.atomic():
        (matter,) = _lock(practice=practice, book=book, matters=[matter])
        _check_open(matter, on=date, field="matter")
        bank, liability = _accounts(practice=practice, book=book, bank_account=bank_account)
        memo = memo or _("Received for %(matter)s") % {"matter": matter}
        return entry_create(
            practice=practice,
            book=book,
            date=date,
            memo=memo,
            reference=reference,
            source_type=SOURCE_DEPOSIT,
            lines=[
                LineInput(account=bank, debit=amount, matter=matter, description=memo),
                LineInput(account=liability, credit=amount, matter=matter, description=memo),
            ],
            user=user,
            post=True,
            request=request,
        )


def trust_withdrawal(
    *,
    practice,
    book: Book,
    matter: TrustMatter,
    date: date,
    amount,
    purpose: str = Purpose.CLIENT,
    bank_account: Account | None = None,
    memo: str = "",
    reference: str = "",
    user=None,
    request=None,
) -> JournalEntry:
    """Money paid out of ``matter`` (to the client, or to the firm for its fees):
    Dr trust liability / Cr trust bank. Never more than the matter has available."""
    _check_dates(date=date)
    amount = money(amount, book=book, field="amount")
    if amount <= 0:
        raise LedgerError(_("Enter an amount."), errors={"amount": _("Enter an amount.")})
    if purpose not in {Purpose.CLIENT, Purpose.FEES}:
        raise LedgerError(_("Choose whom it is paid to."), errors={"purpose": _("Choose one.")})
    with transaction.atomic():
        (matter,) = _lock(practice=practice, book=book, matters=[matter])
        _check_open(matter, on=date, field="matter")
        bank, liability = _accounts(practice=practice, book=book, bank_account=bank_account)
        _check_available(
            practice=practice, book=book, matter=matter, on=date, amount=amount, field="amount"
        )
        if not memo:
            memo = (
                _("Fees transferred from trust for %(matter)s")
                if purpose == Purpose.FEES
                else _("Paid to the client for %(matter)s")
            ) % {"matter": matter}
        return entry_create(
            practice=practice,
            book=book,
            date=date,
            memo=memo,
            reference=reference,
            source_type=SOURCE_WITHDRAWAL,
            lines=[
                LineInput(account=liability, debit=amount, matter=matter, description=memo),
                LineInput(account=bank, credit=amount, matter=matter, description=memo),
            ],
            user=user,
            post=True,
            request=request,
        )


def trust_transfer(
    *,
    practice,
    book: Book,
    from_matter: TrustMatter,
    to_matter: TrustMatter,
    date: date,
    amount,
    memo: str = "",
    reference: str = "",
    user=None,
    request=None,
) -> JournalEntry:
    """Move money held for one matter to another: Dr liability (from) / Cr liability (to)."""
    _check_dates(date=date)
    amount = money(amount, book=book, field="amount")
    if amount <= 0:
        raise LedgerError(_("Enter an amount."), errors={"amount": _("Enter an amount.")})
    if from_matter.pk == to_matter.pk:
        message = _("Choose two different matters.")
        raise LedgerError(message, errors={"to_matter": message})
    with transaction.atomic():
        source, target = _lock(practice=practice, book=book, matters=[from_matter, to_matter])
        _check_open(source, on=date, field="from_matter")
        _check_open(target, on=date, field="to_matter")
        _bank, liability = _accounts(practice=practice, book=book, bank_account=None)
        _check_available(
            practice=practice, book=book, matter=source, on=date, amount=amount, field="amount"
        )
        memo = memo or _("Transfer from %(source)s to %(target)s") % {
            "source": source,
            "target": target,
        }
        return entry_create(
            practice=practice,
            book=book,
            date=date,
            memo=memo,
            reference=reference,
            source_type=SOURCE_TRANSFER,
            lines=[
                LineInput(account=liability, debit=amount, matter=source, description=memo),
                LineInput(account=liability, credit=amount, matter=target, description=memo),
            ],
            user=user,
            post=True,
            request=request,
        )


# --- Three-way reconciliation ----------------------------------------------------------------


def trust_reconcile(
    *,
    practice,
    book: Book,
    account: Account,
    as_of: date,
    statement_balance,
    user=None,
    request=None,
) -> TrustReconciliation:
    """Record a three-way reconciliation on ``as_of``: the bank statement's balance (as
    entered), the trust account's and the sum of the matter ledgers (both computed now).

    It is recorded whether or not the three agree: the record is the evidence either way, and
    its page shows each difference.
    """
    _check_dates(as_of=as_of)
    if as_of > timezone.localdate():
        message = _("Reconcile on today or an earlier date.")
        raise LedgerError(message, errors={"as_of": message})
    if account.pk not in set(
        selectors.trust_bank_accounts(practice=practice, book=book).values_list("pk", flat=True)
    ):
        message = _("Choose a trust bank account of these books.")
        raise LedgerError(message, errors={"account": message})
    statement = _signed_money(statement_balance, book=book, field="statement_balance")
    with transaction.atomic():
        figures = selectors.three_way(
            practice=practice, book=book, account=account, as_of=as_of, statement_balance=statement
        )
        reconciliation = TrustReconciliation.objects.create(
            practice=practice,
            book=book,
            account=account,
            as_of=as_of,
            statement_balance=statement,
            account_balance=figures.account_balance,
            matters_total=figures.matters_total,
            reconciled_by=user if getattr(user, "is_authenticated", False) else None,
        )
        activity_record(
            practice=practice,
            actor=user,
            verb="trust.reconciled",
            target=reconciliation,
            data={
                "book": book.pk,
                "as_of": as_of.isoformat(),
                "balanced": reconciliation.is_balanced,
            },
            request=request,
        )
    return reconciliation


def _signed_money(value, *, book: Book, field: str) -> Decimal:
    """A balance in the book's currency; a bank balance may be overdrawn (negative)."""
    text = str(value if value is not None else "").strip()
    negative = text.startswith("-")
    amount = money(text[1:] if negative else text, book=book, field=field)
    return -amount if negative else amount
