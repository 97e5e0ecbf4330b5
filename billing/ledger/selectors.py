"""Reads of books, accounts and the journal for the staff pages.

Lookups by id take the practice (and the book), so another practice's id answers 404. Balances
are one SQL aggregate over the posted lines (``JournalLine`` repeats the entry's book, date and
status, so no join is needed), never a loop over lines in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from billing.models import (
    Account,
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
from clients.models import Client
from secretary.limits import parse_id
from secretary.prepared import prepared_list


def _get(rows: QuerySet, object_id):
    pk = parse_id(object_id)
    found = rows.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404
    return found


# --- Books ---------------------------------------------------------------------------------


def book_get(*, practice, book_id, client=None) -> Book:
    """The practice's book with this id (of ``client`` when given, as a portal contact reads);
    Http404 when absent, of another practice or of another client."""
    books = Book.objects.for_practice(practice).select_related("client", "practice")
    if client is not None:
        books = books.filter(client=client)
    return _get(books, book_id)


def books_for_member(*, practice, membership) -> list[Book]:
    """The practice's own books first (owners and admins only), then each client's by name."""
    books = Book.objects.for_practice(practice).select_related("client")
    if not membership.is_admin:
        books = books.filter(client__isnull=False)
    return sorted(books, key=lambda book: (book.client_id is not None, book.name.lower(), book.pk))


def clients_without_books(*, practice) -> QuerySet[Client]:
    return (
        Client.objects.for_practice(practice)
        .exclude(Exists(Book.objects.for_practice(practice).filter(client=OuterRef("pk"))))
        .order_by("name")
    )


# --- Accounts and their balances -----------------------------------------------------------


def accounts_of(*, practice, book: Book) -> QuerySet[Account]:
    return Account.objects.for_practice(practice).filter(book=book).order_by("code")


def account_get(*, practice, book: Book, account_id) -> Account:
    return _get(accounts_of(practice=practice, book=book), account_id)


def account_balances(*, practice, book: Book, as_of: date | None = None) -> dict[int, Decimal]:
    """Debits minus credits of every account with posted lines up to ``as_of``: ONE query."""
    lines = JournalLine.objects.for_practice(practice).filter(book=book, posted=True)
    if as_of is not None:
        lines = lines.filter(date__lte=as_of)
    return {
        row["account_id"]: ((row["debits"] or ZERO) - (row["credits"] or ZERO)).quantize(
            book.quantum
        )
        for row in lines.values("account_id").annotate(debits=Sum("debit"), credits=Sum("credit"))
    }


@dataclass
class TreeRow:
    """One account of the tree: its own balance and the total with everything under it."""

    account: Account
    depth: int
    own: Decimal = ZERO
    total: Decimal = ZERO
    children: list[TreeRow] = field(default_factory=list)

    @property
    def has_children(self) -> bool:
        return bool(self.children)

    @property
    def debit(self) -> Decimal | None:
        """The total in the debit column (positive net debits), else None."""
        return self.total if self.total > 0 else None

    @property
    def credit(self) -> Decimal | None:
        return -self.total if self.total < 0 else None

    @property
    def contrary(self) -> bool:
        """The balance sits on the side opposite the account's normal balance."""
        return (self.total > 0 and not self.account.debit_normal) or (
            self.total < 0 and self.account.debit_normal
        )


@dataclass
class AccountTree:
    rows: list[TreeRow]
    total_debits: Decimal
    total_credits: Decimal


def account_tree(
    *, practice, book: Book, as_of: date | None = None, include_archived: bool = True
) -> AccountTree:
    """The chart as a depth-first list (parents before children, by code), each row with its
    balance as of ``as_of`` and its subtotal: two queries (accounts, one aggregate)."""
    accounts = list(accounts_of(practice=practice, book=book).select_related("default_tax_code"))
    balances = account_balances(practice=practice, book=book, as_of=as_of)
    rows = {account.pk: TreeRow(account=account, depth=0) for account in accounts}
    roots: list[TreeRow] = []
    for account in accounts:
        row = rows[account.pk]
        row.own = balances.get(account.pk, ZERO)
        parent = rows.get(account.parent_id) if account.parent_id else None
        (parent.children if parent else roots).append(row)

    ordered: list[TreeRow] = []

    def walk(row: TreeRow, depth: int, seen: frozenset) -> Decimal:
        row.depth = depth
        ordered.append(row)
        total = row.own
        for child in row.children:
            if child.account.pk not in seen:
                total += walk(child, depth + 1, seen | {child.account.pk})
        row.total = total
        return total

    for root in roots:
        walk(root, 0, frozenset({root.account.pk}))
    if not include_archived:
        ordered = [row for row in ordered if not row.account.archived or row.total]
    own = [row.own for row in rows.values()]
    return AccountTree(
        rows=ordered,
        total_debits=sum((value for value in own if value > 0), ZERO),
        total_credits=-sum((value for value in own if value < 0), ZERO),
    )


def leaf_accounts(*, practice, book: Book) -> QuerySet[Account]:
    """Accounts lines may go to in opening balances: not archived, no children, not trust
    money (trust balances are opened per matter)."""
    return (
        accounts_of(practice=practice, book=book)
        .filter(archived=False, is_trust=False)
        .exclude(Exists(Account.objects.for_practice(practice).filter(parent=OuterRef("pk"))))
    )


# --- Tax codes, contacts, matters ------------------------------------------------------------


def tax_codes_of(*, practice, book: Book) -> QuerySet[TaxCode]:
    return TaxCode.objects.for_practice(practice).filter(book=book).order_by("code")


def tax_code_get(*, practice, book: Book, tax_code_id) -> TaxCode:
    return _get(tax_codes_of(practice=practice, book=book), tax_code_id)


def contacts_of(*, practice, book: Book) -> QuerySet[LedgerContact]:
    return LedgerContact.objects.for_practice(practice).filter(book=book).order_by("name")


def contact_get(*, practice, book: Book, contact_id) -> LedgerContact:
    return _get(contacts_of(practice=practice, book=book), contact_id)


def matters_of(*, practice, book: Book) -> QuerySet[TrustMatter]:
    return TrustMatter.objects.for_practice(practice).filter(book=book).order_by("reference")


# --- The journal -----------------------------------------------------------------------------


def entry_get(*, practice, book: Book, entry_id) -> JournalEntry:
    rows = (
        JournalEntry.objects.for_practice(practice)
        .filter(book=book)
        .select_related("created_by", "posted_by", "reversal_of")
    )
    return _get(rows, entry_id)


def entry_lines(*, practice, entry: JournalEntry) -> list[JournalLine]:
    return list(
        JournalLine.objects.for_practice(practice)
        .filter(entry=entry)
        .select_related("account", "contact", "tax_code", "matter")
        .order_by("position", "id")
    )


def entry_reversal(*, practice, entry: JournalEntry) -> JournalEntry | None:
    return JournalEntry.objects.for_practice(practice).filter(reversal_of=entry).first()


def opening_entry(*, practice, book: Book) -> JournalEntry | None:
    """The book's posted opening-balance entry that no reversal has cancelled."""
    reversed_ids = JournalEntry.objects.for_practice(practice).filter(
        book=book, reversal_of__isnull=False
    )
    return (
        JournalEntry.objects.for_practice(practice)
        .filter(book=book, source=EntrySource.OPENING_BALANCE, status=EntryStatus.POSTED)
        .exclude(pk__in=reversed_ids.values("reversal_of_id"))
        .first()
    )


def journal_entries(
    *,
    practice,
    book: Book,
    date_from: date | None = None,
    date_to: date | None = None,
    account: Account | None = None,
    source: str = "",
    status: str = "",
    text: str = "",
) -> QuerySet[JournalEntry]:
    """The book's entries, newest first, filtered; each with ``total`` (its debits),
    computed in the same query (subqueries, so filters cannot double them)."""
    lines = JournalLine.objects.for_practice(practice).filter(entry=OuterRef("pk"))
    entries = JournalEntry.objects.for_practice(practice).filter(book=book)
    if date_from:
        entries = entries.filter(date__gte=date_from)
    if date_to:
        entries = entries.filter(date__lte=date_to)
    if account is not None:
        entries = entries.filter(Exists(lines.filter(account=account)))
    if source:
        entries = entries.filter(source=source)
    if status:
        entries = entries.filter(status=status)
    if text:
        entries = entries.filter(
            Q(memo__icontains=text)
            | Q(reference__icontains=text)
            | Exists(lines.filter(description__icontains=text))
        )
    totals = lines.order_by().values("entry").annotate(total=Sum("debit")).values("total")
    return entries.annotate(total=Coalesce(Subquery(totals), ZERO)).order_by("-date", "-id")


@prepared_list()
def journal_as_opened(*, practice: int, book: int):
    """The journal as it opens (no filter chosen): ``journal_entries`` of the book, paged as a
    prepared list."""
    return journal_entries(practice=practice, book=Book(pk=book, practice_id=practice))
