"""Keeping a book's chart: accounts, tax codes, ledger contacts, the book's settings and its
lock date (who may move it), and the opening balances.

Every function is keyword-only, runs in one transaction and raises ``LedgerError`` with a
message on the field at fault.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.ledger import selectors
from billing.ledger.posting import LedgerError, LineInput, book_lock, entry_create, role_account
from billing.models import (
    Account,
    AccountRole,
    AccountType,
    Book,
    EntrySource,
    JournalEntry,
    LedgerContact,
    TaxCode,
)
from billing.models.ledger import NORMAL_BALANCE, ZERO
from secretary.audit import activity_record
from secretary.limits import date_range_message, dates_out_of_range

ACCOUNT_FIELDS = (
    "code",
    "name",
    "type",
    "parent",
    "role",
    "is_bank",
    "is_trust",
    "default_tax_code",
    "description",
)


def _same_book(value, *, book: Book, field: str) -> None:
    if value is not None and (value.book_id != book.pk or value.practice_id != book.practice_id):
        message = _("Choose a value of this book.")
        raise LedgerError(message, errors={field: message})


def _check_account(*, practice, book: Book, account: Account | None, data: dict) -> None:
    data["code"] = (data.get("code") or "").strip()
    if not data["code"]:
        raise LedgerError(_("Enter a code."), errors={"code": _("Enter a code.")})
    money_types = (AccountType.ASSET, AccountType.LIABILITY)
    if data.get("is_trust") and data["type"] not in money_types:
        message = _("Only asset (the trust bank) and liability accounts hold client money.")
        raise LedgerError(message, errors={"is_trust": message})
    if data.get("is_bank") and data["type"] not in money_types:
        message = _("A bank account is an asset (or a liability, such as a credit card).")
        raise LedgerError(message, errors={"is_bank": message})
    accounts = Account.objects.for_practice(practice).filter(book=book)
    if account is not None:
        accounts = accounts.exclude(pk=account.pk)
    if accounts.filter(code=data["code"]).exists():
        message = _("Another account of this book has this code.")
        raise LedgerError(message, errors={"code": message})
    if data.get("role") and accounts.filter(role=data["role"]).exists():
        message = _("Another account of this book is already used for this.")
        raise LedgerError(message, errors={"role": message})
    parent = data.get("parent")
    _same_book(parent, book=book, field="parent")
    _same_book(data.get("default_tax_code"), book=book, field="default_tax_code")
    if parent is not None:
        if parent.type != data["type"]:
            message = _("A parent account has the same type as the accounts under it.")
            raise LedgerError(message, errors={"parent": message})
        # Walk up from the parent: the account itself may not be found (no cycles).
        seen, current = set(), parent
        while current is not None and current.pk not in seen:
            if account is not None and current.pk == account.pk:
                message = _("An account cannot sit under itself or one of its own accounts.")
                raise LedgerError(message, errors={"parent": message})
            seen.add(current.pk)
            current = current.parent
    if data.get("role") == AccountRole.TRUST_LIABILITY and (
        data["type"] != AccountType.LIABILITY or not data.get("is_trust")
    ):
        message = _("The trust liability account is a liability marked as a trust account.")
        raise LedgerError(message, errors={"role": message})


def account_save(
    *, practice, book: Book, data: dict, account: Account | None = None, user=None, request=None
) -> Account:
    """Create (``account`` None) or change an account of ``book``."""
    if book.practice_id != practice.pk:
        raise LedgerError(_("Choose a book of this practice."))
    with transaction.atomic():
        _check_account(practice=practice, book=book, account=account, data=data)
        if account is not None and account.type != data["type"]:
            if account.lines.exists():
                message = _("This account has lines: its type cannot change.")
                raise LedgerError(message, errors={"type": message})
        if account is None:
            account = Account(practice=practice, book=book)
        for name in ACCOUNT_FIELDS:
            setattr(account, name, data.get(name) if name in data else getattr(account, name))
        account.role = account.role or ""
        account.description = account.description or ""
        account.normal_balance = NORMAL_BALANCE[AccountType(account.type)]
        account.name = (account.name or "").strip()[:160]
        try:
            with transaction.atomic():
                account.save()
        except IntegrityError:
            # Someone saved the same code or role at the same moment: the constraint kept one.
            message = _("Another account of this book has this code.")
            raise LedgerError(message, errors={"code": message}) from None
        activity_record(
            practice=practice,
            actor=user,
            verb="ledger.account_saved",
            target=account,
            data={"book": book.pk, "code": account.code},
            request=request,
        )
    return account


def account_archive(
    *, practice, account: Account, archived: bool = True, user=None, request=None
) -> Account:
    """Archive (or restore) an account: it keeps its lines, takes no new ones."""
    with transaction.atomic():
        account = Account.objects.for_practice(practice).select_for_update().get(pk=account.pk)
        if archived and account.role:
            message = _(
                "This account is used for “%(role)s”: give that role to another account first."
            ) % {"role": AccountRole(account.role).label}
            raise LedgerError(message)
        if archived and account.children.filter(archived=False).exists():
            raise LedgerError(_("Archive the accounts under this one first."))
        account.archived = archived
        account.save(update_fields=["archived"])
        activity_record(
            practice=practice,
            actor=user,
            verb="ledger.account_archived" if archived else "ledger.account_restored",
            target=account,
            request=request,
        )
    return account


def tax_code_save(
    *, practice, book: Book, data: dict, tax_code: TaxCode | None = None, user=None, request=None
) -> TaxCode:
    with transaction.atomic():
        others = TaxCode.objects.for_practice(practice).filter(book=book, code=data["code"])
        if tax_code is not None:
            others = others.exclude(pk=tax_code.pk)
        if others.exists():
            message = _("Another tax code of this book has this code.")
            raise LedgerError(message, errors={"code": message})
        if tax_code is None:
            tax_code = TaxCode(practice=practice, book=book)
        tax_code.code, tax_code.name = data["code"], data["name"]
        tax_code.rate = data.get("rate") or ZERO
        tax_code.archived = bool(data.get("archived"))
        tax_code.save()
        activity_record(
            practice=practice,
            actor=user,
            verb="ledger.tax_code_saved",
            target=tax_code,
            data={"book": book.pk},
            request=request,
        )
    return tax_code


def ledger_contact_save(
    *,
    practice,
    book: Book,
    data: dict,
    contact: LedgerContact | None = None,
    user=None,
    request=None,
) -> LedgerContact:
    with transaction.atomic():
        others = LedgerContact.objects.for_practice(practice).filter(book=book, name=data["name"])
        if contact is not None:
            others = others.exclude(pk=contact.pk)
        if others.exists():
            message = _("Another contact of this book has this name.")
            raise LedgerError(message, errors={"name": message})
        client = data.get("client")
        if client is not None and client.practice_id != practice.pk:
            message = _("Choose a client of this practice.")
            raise LedgerError(message, errors={"client": message})
        if contact is None:
            contact = LedgerContact(practice=practice, book=book)
        contact.name = data["name"]
        contact.email = data.get("email") or ""
        contact.client = client
        contact.archived = bool(data.get("archived"))
        contact.save()
        activity_record(
            practice=practice,
            actor=user,
            verb="ledger.contact_saved",
            target=contact,
            data={"book": book.pk},
            request=request,
        )
    return contact


def book_settings_update(
    *, practice, book: Book, name: str, fiscal_year_start_month: int, user=None, request=None
) -> Book:
    if not 1 <= int(fiscal_year_start_month) <= 12:
        message = _("Choose a month from 1 to 12.")
        raise LedgerError(message, errors={"fiscal_year_start_month": message})
    with transaction.atomic():
        book = Book.objects.for_practice(practice).select_for_update().get(pk=book.pk)
        book.name = name[:160]
        book.fiscal_year_start_month = int(fiscal_year_start_month)
        book.save(update_fields=["name", "fiscal_year_start_month"])
        activity_record(
            practice=practice,
            actor=user,
            verb="ledger.book_updated",
            target=book,
            request=request,
        )
    return book


def book_lock_move(
    *, practice, book: Book, lock_date: date | None, membership, request=None
) -> Book:
    """Set the period lock. Any staff member who keeps the book may lock it or move the lock
    date forward; moving it back or lifting it reopens closed periods, so only owners and
    admins may."""
    current = book.lock_date
    backwards = current is not None and (lock_date is None or lock_date < current)
    if backwards and not membership.is_admin:
        message = _(
            "Only an owner or admin may move the lock date back or lift it: the periods up to "
            "%(date)s are closed."
        ) % {"date": current.isoformat()}
        raise LedgerError(message, errors={"lock_date": message})
    return book_lock(
        practice=practice, book=book, lock_date=lock_date, user=membership.user, request=request
    )


def opening_balances_post(
    *,
    practice,
    book: Book,
    start_date: date,
    amounts: list[tuple[Account, Decimal, Decimal]],
    user=None,
    request=None,
) -> JournalEntry:
    """Post ONE entry dated the day before ``start_date`` with the given (account, debit,
    credit) balances; whatever does not balance goes to the opening-balance equity account.
    A second opening entry is refused while the first stands (reverse it to start over)."""
    if dates_out_of_range(start_date=start_date) or start_date.year <= 1900:
        raise LedgerError(date_range_message(), errors={"start_date": date_range_message()})
    with transaction.atomic():
        Book.objects.for_practice(practice).select_for_update().get(pk=book.pk)
        if selectors.opening_entry(practice=practice, book=book) is not None:
            message = _(
                "These books already have opening balances. Reverse that entry first to enter "
                "them again."
            )
            raise LedgerError(message)
        equity = role_account(practice=practice, book=book, role=AccountRole.OPENING_BALANCE)
        lines = [
            LineInput(account=account, debit=debit, credit=credit)
            for account, debit, credit in amounts
            if (debit or credit) and account.pk != equity.pk
        ]
        if not lines:
            message = _("Enter at least one balance.")
            raise LedgerError(message, errors={"lines": message})
        gap = sum((line.debit or ZERO) - (line.credit or ZERO) for line in lines)
        if gap > 0:
            lines.append(LineInput(account=equity, credit=gap))
        elif gap < 0:
            lines.append(LineInput(account=equity, debit=-gap))
        return entry_create(
            practice=practice,
            book=book,
            date=start_date - timedelta(days=1),
            lines=lines,
            memo=_("Opening balances"),
            source=EntrySource.OPENING_BALANCE,
            user=user,
            post=True,
            request=request,
        )
