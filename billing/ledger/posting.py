"""Writing to the ledger: draft entries, posting, reversal, the lock date.

Every rule the database enforces on PostgreSQL (see ``billing/migrations/0002``) is checked here
first, on every database, so people get a clear message on the right field and SQLite keeps the
same books as PostgreSQL. Entries are numbered per book as they are posted, under a row lock on
the book (which also serialises postings against a lock-date change).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import (
    Account,
    AccountRole,
    AccountType,
    Book,
    EntrySource,
    EntryStatus,
    JournalEntry,
    JournalLine,
    LedgerContact,
    TaxCode,
    TrustMatter,
)
from billing.models.ledger import ZERO
from secretary.audit import activity_record
from secretary.errors import ApplicationError
from secretary.limits import date_range_message, dates_out_of_range
from secretary.money import format_money

MAX_LINES = 500


class LedgerError(ApplicationError):
    """A ledger rule was broken; the message says which, fit for the user."""


@dataclass
class LineInput:
    """One line as people (or another feature) give it, before it is checked."""

    account: Account | None
    debit: Decimal | None = None
    credit: Decimal | None = None
    description: str = ""
    contact: LedgerContact | None = None
    tax_code: TaxCode | None = None
    matter: TrustMatter | None = None


def money(value, *, book: Book, field: str) -> Decimal:
    """``value`` as a Decimal of the book's currency; LedgerError for negatives or sub-units."""
    if value in (None, ""):
        return ZERO
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise LedgerError(_("Enter an amount."), errors={field: _("Enter an amount.")}) from None
    if not amount.is_finite():
        raise LedgerError(_("Enter an amount."), errors={field: _("Enter an amount.")})
    if amount < 0:
        message = _("Amounts are never negative: put a negative debit in the credit column.")
        raise LedgerError(message, errors={field: message})
    if amount != amount.quantize(book.quantum, rounding=ROUND_HALF_UP):
        message = _("%(currency)s amounts have at most %(places)d decimal places.") % {
            "currency": book.currency,
            "places": max(0, -book.quantum.as_tuple().exponent),
        }
        raise LedgerError(message, errors={field: message})
    if amount >= Decimal(10) ** 16:
        message = _("This amount is too large.")
        raise LedgerError(message, errors={field: message})
    return amount.quantize(book.quantum)


def _check_lines(*, book: Book, lines: list[LineInput]) -> list[JournalLine]:
    """The lines as unsaved rows, after every rule a line must keep; LedgerError otherwise."""
    if len(lines) < 2:
        raise LedgerError(
            _("An entry needs at least two lines."),
            errors={"lines": _("An entry needs at least two lines.")},
        )
    if len(lines) > MAX_LINES:
        message = _("An entry has at most %(max)d lines.") % {"max": MAX_LINES}
        raise LedgerError(message, errors={"lines": message})
    rows = []
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        account = line.account
        if account is None or account.book_id != book.pk or account.practice_id != book.practice_id:
            message = _("Choose an account of this book.")
            raise LedgerError(message, errors={f"{prefix}.account": message})
        if account.archived:
            message = _("The account %(account)s is archived.") % {"account": account}
            raise LedgerError(message, errors={f"{prefix}.account": message})
        debit = money(line.debit, book=book, field=f"{prefix}.debit")
        credit = money(line.credit, book=book, field=f"{prefix}.credit")
        if (debit > 0) == (credit > 0):
            message = _("Enter either a debit or a credit on each line, not both or neither.")
            raise LedgerError(message, errors={f"{prefix}.debit": message})
        for name, value in (
            ("contact", line.contact),
            ("tax_code", line.tax_code),
            ("matter", line.matter),
        ):
            if value is not None and (
                value.book_id != book.pk or value.practice_id != book.practice_id
            ):
                message = _("Choose a value of this book.")
                raise LedgerError(message, errors={f"{prefix}.{name}": message})
        if account.is_trust and line.matter is None:
            message = _("A line on a trust account must name its matter.")
            raise LedgerError(message, errors={f"{prefix}.matter": message})
        rows.append(
            JournalLine(
                practice_id=book.practice_id,
                book=book,
                account=account,
                debit=debit,
                credit=credit,
                description=(line.description or "")[:300],
                contact=line.contact,
                tax_code=line.tax_code,
                matter=line.matter,
                position=index,
            )
        )
    return rows


def difference(rows: list[JournalLine]) -> Decimal:
    """Debits minus credits (zero when the entry balances)."""
    return sum((row.debit for row in rows), ZERO) - sum((row.credit for row in rows), ZERO)


def _check_balanced(*, book: Book, rows: list[JournalLine]) -> None:
    gap = difference(rows)
    if gap != 0:
        message = _("Debits and credits differ by %(amount)s: an entry must balance.") % {
            "amount": format_money(abs(gap), book.currency)
        }
        raise LedgerError(message, errors={"lines": message})


def _check_date(*, book: Book, entry_date: date, field: str = "date") -> None:
    if dates_out_of_range(date=entry_date):
        raise LedgerError(date_range_message(), errors={field: date_range_message()})
    if book.lock_date is not None and entry_date <= book.lock_date:
        message = _("The books are locked up to %(date)s: choose a later date.") % {
            "date": book.lock_date.isoformat()
        }
        raise LedgerError(message, errors={field: message})


def _lock_book(*, practice, book: Book) -> Book:
    return Book.objects.for_practice(practice).select_for_update().get(pk=book.pk)


def _check_trust(*, practice, book: Book, rows: list[JournalLine], entry_date: date) -> None:
    """No matter's ledger may end a day below zero once these rows are posted.

    The matters are locked first (in id order), so two withdrawals from one matter serialise
    and the second sees the first.
    """
    changes: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if row.matter_id and row.account.is_trust and row.account.type == AccountType.LIABILITY:
            changes[row.matter_id] += row.credit - row.debit
    if not changes:
        return
    matters = {
        m.pk: m
        for m in TrustMatter.objects.for_practice(practice)
        .select_for_update()
        .filter(pk__in=sorted(changes))
        .order_by("pk")
    }
    for matter_id, change in changes.items():
        if change >= 0:
            continue
        by_day = dict(
            JournalLine.objects.for_practice(practice)
            .filter(
                matter_id=matter_id,
                posted=True,
                account__is_trust=True,
                account__type=AccountType.LIABILITY,
            )
            .values_list("date")
            .annotate(total=Sum("credit") - Sum("debit"))
            .order_by("date")
        )
        by_day[entry_date] = by_day.get(entry_date, ZERO) + change
        balance = ZERO
        for day in sorted(by_day):
            balance += by_day[day]
            if balance < 0:
                message = _(
                    "This would take the matter %(matter)s below zero (%(balance)s "
                    "on %(date)s): trust money can only be paid out of what the matter holds."
                ) % {
                    "matter": matters[matter_id],
                    "balance": format_money(balance, book.currency),
                    "date": day.isoformat(),
                }
                raise LedgerError(message, errors={"lines": message})


def entry_create(
    *,
    practice,
    book: Book,
    date: date,
    lines: list[LineInput],
    memo: str = "",
    reference: str = "",
    source: str = EntrySource.MANUAL,
    source_type: str = "",
    source_id: int | None = None,
    user=None,
    post: bool = False,
    request=None,
) -> JournalEntry:
    """Make a draft entry from ``lines`` (checked one by one), and post it when ``post``.

    A draft may be unbalanced (people save work in progress); posting requires balance.
    """
    if book.practice_id != practice.pk:
        raise LedgerError(_("Choose a book of this practice."))
    if dates_out_of_range(date=date):
        raise LedgerError(date_range_message(), errors={"date": date_range_message()})
    rows = _check_lines(book=book, lines=lines)
    with transaction.atomic():
        entry = JournalEntry.objects.create(
            practice=practice,
            book=book,
            date=date,
            memo=(memo or "")[:300],
            reference=(reference or "")[:80],
            source=source,
            source_type=source_type,
            source_id=source_id,
            created_by=user,
        )
        for row in rows:
            row.entry = entry
            row.date = entry.date
        JournalLine.objects.bulk_create(rows)
        if post:
            entry = entry_post(practice=practice, entry=entry, user=user, request=request)
        else:
            activity_record(
                practice=practice,
                actor=user,
                verb="ledger.entry_drafted",
                target=entry,
                data={"book": book.pk},
                request=request,
            )
    return entry


def entry_update_draft(
    *,
    practice,
    entry: JournalEntry,
    date: date,
    lines: list[LineInput],
    memo: str = "",
    reference: str = "",
    user=None,
) -> JournalEntry:
    """Replace a draft's date, memo and lines. Posted entries are never edited."""
    with transaction.atomic():
        entry = JournalEntry.objects.for_practice(practice).select_for_update().get(pk=entry.pk)
        if entry.is_posted:
            message = _("This entry is posted and cannot be edited: reverse it instead.")
            raise LedgerError(message)
        if dates_out_of_range(date=date):
            raise LedgerError(date_range_message(), errors={"date": date_range_message()})
        rows = _check_lines(book=entry.book, lines=lines)
        entry.date, entry.memo, entry.reference = date, (memo or "")[:300], (reference or "")[:80]
        entry.save(update_fields=["date", "memo", "reference"])
        JournalLine.objects.for_practice(practice).filter(entry=entry).delete()
        for row in rows:
            row.entry = entry
            row.date = entry.date
        JournalLine.objects.bulk_create(rows)
    return entry


def entry_delete_draft(*, practice, entry: JournalEntry, user=None) -> None:
    with transaction.atomic():
        entry = JournalEntry.objects.for_practice(practice).select_for_update().get(pk=entry.pk)
        if entry.is_posted:
            raise LedgerError(_("This entry is posted and cannot be deleted: reverse it instead."))
        JournalLine.objects.for_practice(practice).filter(entry=entry).delete()
        entry.delete()


def entry_post(*, practice, entry: JournalEntry, user=None, request=None) -> JournalEntry:
    """Post a draft: balanced, after the lock date, no trust matter below zero; numbered."""
    with transaction.atomic():
        book = _lock_book(practice=practice, book=entry.book)
        entry = JournalEntry.objects.for_practice(practice).select_for_update().get(pk=entry.pk)
        if entry.is_posted:
            raise LedgerError(_("This entry is already posted."))
        rows = list(
            JournalLine.objects.for_practice(practice)
            .filter(entry=entry)
            .select_related("account")
            .order_by("position", "id")
        )
        if len(rows) < 2:
            raise LedgerError(
                _("An entry needs at least two lines."),
                errors={"lines": _("An entry needs at least two lines.")},
            )
        if any(row.account.archived for row in rows):
            message = _("An account of this entry is archived.")
            raise LedgerError(message, errors={"lines": message})
        _check_balanced(book=book, rows=rows)
        _check_date(book=book, entry_date=entry.date)
        _check_trust(practice=practice, book=book, rows=rows, entry_date=entry.date)
        # Lines first, while the entry is still a draft (the database refuses lines changed
        # under a posted entry), then the entry; the balance is checked again at commit.
        JournalLine.objects.for_practice(practice).filter(entry=entry).update(
            posted=True, date=entry.date
        )
        entry.number = book.next_entry_number
        entry.status = EntryStatus.POSTED
        entry.posted_by = user
        entry.posted_at = timezone.now()
        entry.save(update_fields=["number", "status", "posted_by", "posted_at"])
        book.next_entry_number += 1
        book.save(update_fields=["next_entry_number"])
        activity_record(
            practice=practice,
            actor=user,
            verb="ledger.entry_posted",
            target=entry,
            data={"book": book.pk, "number": entry.number},
            request=request,
        )
    return entry


def entry_reverse(
    *,
    practice,
    entry: JournalEntry,
    date: date | None = None,
    user=None,
    memo: str = "",
    request=None,
) -> JournalEntry:
    """Post the mirror of a posted entry (debits become credits), dated ``date`` (default:
    the entry's own date, or the day after the lock date when that is locked)."""
    with transaction.atomic():
        entry = JournalEntry.objects.for_practice(practice).select_for_update().get(pk=entry.pk)
        if not entry.is_posted:
            raise LedgerError(_("Only a posted entry can be reversed; delete a draft instead."))
        if entry.source == EntrySource.REVERSAL:
            raise LedgerError(_("This entry is itself a reversal."))
        if JournalEntry.objects.for_practice(practice).filter(reversal_of=entry).exists():
            raise LedgerError(_("This entry has already been reversed."))
        lines = [
            LineInput(
                account=line.account,
                debit=line.credit,
                credit=line.debit,
                description=line.description,
                contact=line.contact,
                tax_code=line.tax_code,
                matter=line.matter,
            )
            for line in entry.lines.select_related("account", "contact", "tax_code", "matter")
        ]
        reversal = entry_create(
            practice=practice,
            book=entry.book,
            date=date or entry.date,
            lines=lines,
            memo=memo or _("Reversal of entry #%(number)s") % {"number": entry.number},
            reference=entry.reference,
            source=EntrySource.REVERSAL,
            source_type="billing.journalentry",
            source_id=entry.pk,
            user=user,
        )
        reversal.reversal_of = entry
        reversal.save(update_fields=["reversal_of"])
        return entry_post(practice=practice, entry=reversal, user=user, request=request)


def book_lock(*, practice, book: Book, lock_date: date | None, user=None, request=None) -> Book:
    """Set (or clear) the date up to which nothing may be posted."""
    if lock_date is not None and dates_out_of_range(lock_date=lock_date):
        raise LedgerError(date_range_message(), errors={"lock_date": date_range_message()})
    with transaction.atomic():
        book = _lock_book(practice=practice, book=book)
        previous = book.lock_date
        book.lock_date = lock_date
        book.save(update_fields=["lock_date"])
        activity_record(
            practice=practice,
            actor=user,
            verb="ledger.book_locked",
            target=book,
            data={
                "from": previous.isoformat() if previous else None,
                "to": lock_date.isoformat() if lock_date else None,
            },
            request=request,
        )
    return book


def role_account(*, practice, book: Book, role: str) -> Account:
    """The account of ``book`` the product uses for ``role`` (receivable, tax, ...)."""
    account = (
        Account.objects.for_practice(practice).filter(book=book, role=role, archived=False).first()
    )
    if account is None:
        message = _("This book has no account for “%(role)s”: add one to the chart.") % {
            "role": AccountRole(role).label
        }
        raise LedgerError(message)
    return account


def entries_filter_text(text: str) -> Q:
    """Entries whose memo, reference or a line's description holds ``text``."""
    return (
        Q(memo__icontains=text)
        | Q(reference__icontains=text)
        | Q(lines__description__icontains=text)
    )
