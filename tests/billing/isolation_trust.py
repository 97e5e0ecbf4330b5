"""Trust routes for the isolation harness, and the law-firm books the trust tests share: a
client's books from the US chart with a trust bank account and a trust liability added."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.ledger.books import book_create
from billing.models import Account, AccountRole, AccountType, Book, NormalBalance, TrustMatter
from billing.trust import services
from tests.clients.factories import ClientFactory


def law_firm_book(practice, *, user=None, name: str = "Lawson & Reed") -> Book:
    """A law firm client's books with its trust accounts (found by flags and role, not codes)."""
    client = ClientFactory(practice=practice, name=name, currency="USD")
    book = book_create(
        practice=practice, name=name, chart="us_service", client=client, currency="USD", user=user
    )
    Account.objects.create(
        practice=practice,
        book=book,
        code="1050",
        name="Trust bank account",
        type=AccountType.ASSET,
        normal_balance=NormalBalance.DEBIT,
        is_bank=True,
        is_trust=True,
    )
    Account.objects.create(
        practice=practice,
        book=book,
        code="2050",
        name="Client money held in trust",
        type=AccountType.LIABILITY,
        normal_balance=NormalBalance.CREDIT,
        is_trust=True,
        role=AccountRole.TRUST_LIABILITY,
    )
    return book


def matter_with_money(practice, book: Book, *, reference: str, amount: str, user=None):
    matter = services.matter_create(
        practice=practice,
        book=book,
        reference=reference,
        name=f"Matter {reference}",
        opened_on=date(2026, 1, 2),
        user=user,
    )
    if Decimal(amount):
        services.trust_deposit(
            practice=practice,
            book=book,
            matter=matter,
            date=date(2026, 1, 5),
            amount=Decimal(amount),
            user=user,
        )
    return TrustMatter.objects.for_practice(practice).get(pk=matter.pk)


def routes(world) -> dict[str, dict]:
    practice = world.practice
    book = law_firm_book(practice, user=world.owner.user, name="Isolated Legal")
    matter = matter_with_money(practice, book, reference="ISO-1", amount="100.00")
    reconciliation = services.trust_reconcile(
        practice=practice,
        book=book,
        account=Account.objects.for_practice(practice).get(book=book, code="1050"),
        as_of=date(2026, 1, 31),
        statement_balance="100.00",
        user=world.owner.user,
    )
    b = {"book_id": book.pk}
    m = {**b, "matter_id": matter.pk}
    return {
        "trust_matter_list": b,
        "trust_matter_create": b,
        "trust_matter_detail": m,
        "trust_matter_edit": m,
        "trust_matter_close": m,
        "trust_deposit": b,
        "trust_withdrawal": b,
        "trust_transfer": b,
        "trust_reconciliation_list": b,
        "trust_reconcile": b,
        "trust_reconciliation_detail": {**b, "reconciliation_id": reconciliation.pk},
    }
