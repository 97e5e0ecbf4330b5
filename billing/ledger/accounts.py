"""Changing a book's chart of accounts: adding an account, editing or archiving one.

An account's type (and so its normal balance) is fixed once it exists: reports read lines by
type, so a change would move history from one statement to another. Archive it and add another.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.ledger.posting import LedgerError
from billing.models import Account, AccountRole, AccountType, Book, TaxCode
from billing.models.ledger import NORMAL_BALANCE
from secretary.audit import activity_record

ACCOUNT_UPDATE_FIELDS = ("code", "name", "description", "parent", "default_tax_code", "archived")


def _check_parent(*, book: Book, parent: Account | None, account_type: str, account=None) -> None:
    if parent is None:
        return
    if parent.book_id != book.pk or parent.practice_id != book.practice_id:
        message = _("Choose an account of this book.")
        raise LedgerError(message, errors={"parent": message})
    if parent.type != account_type:
        message = _("A parent account has the same type as its sub-accounts.")
        raise LedgerError(message, errors={"parent": message})
    ancestor = parent
    while ancestor is not None and account is not None:
        if ancestor.pk == account.pk:
            message = _("An account cannot sit below itself.")
            raise LedgerError(message, errors={"parent": message})
        ancestor = ancestor.parent


def _check_tax_code(*, book: Book, tax_code: TaxCode | None) -> None:
    if tax_code is not None and (
        tax_code.book_id != book.pk or tax_code.practice_id != book.practice_id
    ):
        message = _("Choose a tax code of this book.")
        raise LedgerError(message, errors={"default_tax_code": message})


def _code_taken(*, practice, book: Book, code: str, exclude: int | None = None) -> bool:
    taken = Account.objects.for_practice(practice).filter(book=book, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    return taken.exists()


def account_create(
    *,
    practice,
    book: Book,
    code: str,
    name: str,
    type: str,
    parent: Account | None = None,
    role: str = "",
    description: str = "",
    is_bank: bool = False,
    is_trust: bool = False,
    default_tax_code: TaxCode | None = None,
    user=None,
    request=None,
) -> Account:
    """Add an account to ``book``'s chart; codes are unique per book, roles used once."""
    if book.practice_id != practice.pk:
        raise LedgerError(_("Choose a book of this practice."))
    account_type = AccountType(type)
    code = code.strip()
    if not code:
        raise LedgerError(_("Enter a code."), errors={"code": _("Enter a code.")})
    _check_parent(book=book, parent=parent, account_type=account_type)
    _check_tax_code(book=book, tax_code=default_tax_code)
    if is_trust and account_type not in (AccountType.ASSET, AccountType.LIABILITY):
        message = _("Only asset (the trust bank) and liability accounts hold client money.")
        raise LedgerError(message, errors={"is_trust": message})
    if is_bank and account_type not in (AccountType.ASSET, AccountType.LIABILITY):
        message = _("A bank account is an asset (or a liability, such as a credit card).")
        raise LedgerError(message, errors={"is_bank": message})
    if _code_taken(practice=practice, book=book, code=code):
        message = _("This book already has an account with this code.")
        raise LedgerError(message, errors={"code": message})
    if role and Account.objects.for_practice(practice).filter(book=book, role=role).exists():
        message = _("Another account of this book is already used for “%(role)s”.") % {
            "role": AccountRole(role).label
        }
        raise LedgerError(message, errors={"role": message})
    try:
        with transaction.atomic():
            account = Account.objects.create(
                practice=practice,
                book=book,
                code=code,
                name=name.strip()[:160],
                type=account_type,
                normal_balance=NORMAL_BALANCE[account_type],
                role=role,
                parent=parent,
                description=description,
                is_bank=is_bank,
                is_trust=is_trust,
                default_tax_code=default_tax_code,
            )
            activity_record(
                practice=practice,
                actor=user,
                verb="ledger.account_created",
                target=account,
                data={"book": book.pk, "code": code},
                request=request,
            )
    except IntegrityError:
        # Someone added the same code or role at the same moment: the constraint kept one.
        message = _("This account was just added by someone else.")
        raise LedgerError(message, errors={"code": message}) from None
    return account


def account_update(
    *, practice, account: Account, changes: dict, user=None, request=None
) -> Account:
    """Change an account's code, name, description, parent, default tax code or archived flag."""
    unknown = set(changes) - set(ACCOUNT_UPDATE_FIELDS)
    if unknown:
        raise ValueError(f"account_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        account = (
            Account.objects.for_practice(practice)
            .select_for_update()
            .select_related("book")
            .get(pk=account.pk)
        )
        book = account.book
        if "code" in changes:
            changes["code"] = changes["code"].strip()
            if not changes["code"]:
                raise LedgerError(_("Enter a code."), errors={"code": _("Enter a code.")})
            if _code_taken(practice=practice, book=book, code=changes["code"], exclude=account.pk):
                message = _("This book already has an account with this code.")
                raise LedgerError(message, errors={"code": message})
        if "parent" in changes:
            _check_parent(
                book=book, parent=changes["parent"], account_type=account.type, account=account
            )
        if "default_tax_code" in changes:
            _check_tax_code(book=book, tax_code=changes["default_tax_code"])
        if changes.get("archived") and account.role:
            message = _("The product uses this account for “%(role)s”: it stays open.") % {
                "role": account.get_role_display()
            }
            raise LedgerError(message, errors={"archived": message})
        if "name" in changes:
            changes["name"] = changes["name"].strip()[:160]
        for name, value in changes.items():
            setattr(account, name, value)
        if changes:
            try:
                with transaction.atomic():
                    account.save(update_fields=list(changes))
            except IntegrityError:
                message = _("This book already has an account with this code.")
                raise LedgerError(message, errors={"code": message}) from None
            activity_record(
                practice=practice,
                actor=user,
                verb="ledger.account_changed",
                target=account,
                data={"book": book.pk, "fields": sorted(changes)},
                request=request,
            )
    return account
