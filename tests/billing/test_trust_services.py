"""Trust money services: deposits, payments out, transfers, closing matters, reconciliations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.ledger.posting import LedgerError
from billing.models import Account, JournalEntry, JournalLine, TrustReconciliation
from billing.trust import selectors, services
from tests.billing.isolation_trust import law_firm_book, matter_with_money


@pytest.fixture
def book(world):
    return law_firm_book(world.practice, user=world.owner.user)


def bank(book):
    return Account.objects.for_practice(book.practice).get(book=book, code="1050")


def balance(world, matter, as_of=None):
    return selectors.matter_balance(practice=world.practice, matter=matter, as_of=as_of)


def test_it_posts_a_deposit_on_the_trust_bank_and_liability_for_the_matter(world, book):
    # Given an open matter
    matter = matter_with_money(world.practice, book, reference="M-1", amount="0")
    # When 250.00 is received for it
    entry = services.trust_deposit(
        practice=world.practice,
        book=book,
        matter=matter,
        date=date(2026, 2, 3),
        amount="250.00",
        user=world.owner.user,
    )
    # Then a posted entry debits the trust bank and credits the trust liability, both on it
    assert entry.is_posted
    lines = {line.account.code: line for line in entry.lines.select_related("account")}
    assert lines["1050"].debit == Decimal("250.00") and lines["1050"].matter_id == matter.pk
    assert lines["2050"].credit == Decimal("250.00") and lines["2050"].matter_id == matter.pk
    assert balance(world, matter) == Decimal("250.00")


def test_it_refuses_a_withdrawal_beyond_the_balance_naming_what_is_available(world, book):
    # Given a matter holding 100.00
    matter = matter_with_money(world.practice, book, reference="M-1", amount="100.00")
    entries = JournalEntry.objects.for_practice(world.practice).count()
    # When 100.01 is paid out, then it is refused on the amount, naming the 100.00 available
    with pytest.raises(LedgerError) as refused:
        services.trust_withdrawal(
            practice=world.practice,
            book=book,
            matter=matter,
            date=date(2026, 2, 1),
            amount="100.01",
        )
    assert "USD\xa0100.00 available" in refused.value.errors["amount"][0]
    # And nothing is saved
    assert JournalEntry.objects.for_practice(world.practice).count() == entries
    assert balance(world, matter) == Decimal("100.00")


def test_it_pays_out_the_whole_balance_to_the_firm_for_fees(world, book):
    matter = matter_with_money(world.practice, book, reference="M-1", amount="100.00")
    entry = services.trust_withdrawal(
        practice=world.practice,
        book=book,
        matter=matter,
        date=date(2026, 2, 1),
        amount="100.00",
        purpose=services.Purpose.FEES,
    )
    lines = {line.account.code: line for line in entry.lines.select_related("account")}
    assert lines["2050"].debit == Decimal("100.00")
    assert lines["1050"].credit == Decimal("100.00")
    assert "Fees" in entry.memo
    assert balance(world, matter) == 0


def test_it_refuses_a_back_dated_withdrawal_before_the_money_arrived(world, book):
    # Given money received on 5 January
    matter = matter_with_money(world.practice, book, reference="M-1", amount="100.00")
    # When a payment is dated 4 January, then nothing was available that day
    with pytest.raises(LedgerError, match=r"USD\xa00(\.00)? available"):
        services.trust_withdrawal(
            practice=world.practice, book=book, matter=matter, date=date(2026, 1, 4), amount="10"
        )


def test_it_keeps_later_payments_covered_when_paying_earlier(world, book):
    # Given 100 in, then 80 paid out on 10 January
    matter = matter_with_money(world.practice, book, reference="M-1", amount="100.00")
    services.trust_withdrawal(
        practice=world.practice, book=book, matter=matter, date=date(2026, 1, 10), amount="80"
    )
    # When 30 more is paid out dated 6 January, then only 20 is available (the later payment
    # would go below zero)
    with pytest.raises(LedgerError, match=r"USD\xa020\.00 available"):
        services.trust_withdrawal(
            practice=world.practice, book=book, matter=matter, date=date(2026, 1, 6), amount="30"
        )


def test_it_transfers_between_matters_on_the_liability_only(world, book):
    source = matter_with_money(world.practice, book, reference="M-1", amount="300.00")
    target = matter_with_money(world.practice, book, reference="M-2", amount="0")
    entry = services.trust_transfer(
        practice=world.practice,
        book=book,
        from_matter=source,
        to_matter=target,
        date=date(2026, 2, 1),
        amount="120.00",
    )
    assert {line.account.code for line in entry.lines.select_related("account")} == {"2050"}
    assert balance(world, source) == Decimal("180.00")
    assert balance(world, target) == Decimal("120.00")
    with pytest.raises(LedgerError, match=r"USD\xa0180\.00 available"):
        services.trust_transfer(
            practice=world.practice,
            book=book,
            from_matter=source,
            to_matter=target,
            date=date(2026, 2, 2),
            amount="180.01",
        )


def test_it_refuses_closing_a_matter_that_holds_money(world, book):
    matter = matter_with_money(world.practice, book, reference="M-1", amount="40.00")
    with pytest.raises(LedgerError, match=r"still holds USD\xa040\.00"):
        services.matter_close(practice=world.practice, matter=matter, closed_on=date(2026, 2, 1))
    services.trust_withdrawal(
        practice=world.practice, book=book, matter=matter, date=date(2026, 2, 1), amount="40"
    )
    closed = services.matter_close(
        practice=world.practice, matter=matter, closed_on=date(2026, 2, 1)
    )
    assert closed.closed_on == date(2026, 2, 1)
    # And a closed matter takes no more money
    with pytest.raises(LedgerError, match="closed"):
        services.trust_deposit(
            practice=world.practice, book=book, matter=closed, date=date(2026, 2, 2), amount="1"
        )


def test_it_refuses_a_second_matter_with_the_same_number(world, book):
    matter_with_money(world.practice, book, reference="M-1", amount="0")
    with pytest.raises(LedgerError) as refused:
        services.matter_create(
            practice=world.practice,
            book=book,
            reference="M-1",
            name="Again",
            opened_on=date(2026, 1, 2),
        )
    assert "reference" in refused.value.errors


@pytest.mark.parametrize(
    ("amount", "field"),
    [("-5", "amount"), ("0", "amount"), ("1.005", "amount"), ("abc", "amount")],
)
def test_it_refuses_bad_amounts(world, book, amount, field):
    matter = matter_with_money(world.practice, book, reference="M-1", amount="10")
    with pytest.raises(LedgerError) as refused:
        services.trust_deposit(
            practice=world.practice, book=book, matter=matter, date=date(2026, 2, 1), amount=amount
        )
    assert field in refused.value.errors


def test_it_refuses_a_matter_of_another_book(world, book):
    other = law_firm_book(world.practice, name="Other firm")
    foreign = matter_with_money(world.practice, other, reference="X-1", amount="10")
    with pytest.raises(LedgerError):
        services.trust_deposit(
            practice=world.practice, book=book, matter=foreign, date=date(2026, 2, 1), amount="1"
        )


def test_it_refuses_money_moves_in_books_without_trust_accounts(world, book):
    from billing.ledger.books import book_create
    from billing.models import TrustMatter

    plain = book_create(practice=world.practice, name="Plain", chart="us_service")
    matter = TrustMatter.objects.create(
        practice=world.practice, book=plain, reference="P-1", name="P", opened_on=date(2026, 1, 1)
    )
    with pytest.raises(LedgerError, match="no trust bank account"):
        services.trust_deposit(
            practice=world.practice, book=plain, matter=matter, date=date(2026, 2, 1), amount="1"
        )


def test_it_records_a_three_way_reconciliation_balanced_or_not(world, book):
    # Given two matters holding 100 and 50, then 30 paid out of the first on 10 February
    first = matter_with_money(world.practice, book, reference="M-1", amount="100.00")
    matter_with_money(world.practice, book, reference="M-2", amount="50.00")
    services.trust_withdrawal(
        practice=world.practice, book=book, matter=first, date=date(2026, 2, 10), amount="30"
    )
    # When reconciled at the end of January against a statement of 150.00
    balanced = services.trust_reconcile(
        practice=world.practice,
        book=book,
        account=bank(book),
        as_of=date(2026, 1, 31),
        statement_balance="150.00",
        user=world.secretary.user,
    )
    # Then the three figures agree, with who reconciled
    assert (balanced.statement_balance, balanced.account_balance, balanced.matters_total) == (
        Decimal("150.00"),
        Decimal("150.00"),
        Decimal("150.00"),
    )
    assert balanced.is_balanced and balanced.reconciled_by == world.secretary.user
    # And a statement that differs is recorded too, showing the difference
    off = services.trust_reconcile(
        practice=world.practice,
        book=book,
        account=bank(book),
        as_of=date(2026, 2, 28),
        statement_balance="125.00",
    )
    assert off.account_balance == off.matters_total == Decimal("120.00")
    assert not off.is_balanced
    assert TrustReconciliation.objects.for_practice(world.practice).count() == 2


def test_it_refuses_reconciling_a_non_trust_account(world, book):
    checking = Account.objects.for_practice(world.practice).get(book=book, code="1010")
    with pytest.raises(LedgerError) as refused:
        services.trust_reconcile(
            practice=world.practice,
            book=book,
            account=checking,
            as_of=date(2026, 1, 31),
            statement_balance="0",
        )
    assert "account" in refused.value.errors


def test_it_computes_the_running_balance_in_the_database(world, book):
    matter = matter_with_money(world.practice, book, reference="M-1", amount="100.00")
    services.trust_deposit(
        practice=world.practice, book=book, matter=matter, date=date(2026, 1, 7), amount="20"
    )
    services.trust_withdrawal(
        practice=world.practice, book=book, matter=matter, date=date(2026, 1, 9), amount="45"
    )
    lines = list(selectors.matter_ledger(practice=world.practice, matter=matter))
    assert [line.running_balance for line in lines] == [
        Decimal("75.00"),
        Decimal("120.00"),
        Decimal("100.00"),
    ]
    # Only the liability side makes up the matter's ledger
    assert all(line.account.code == "2050" for line in lines)
    assert JournalLine.objects.for_practice(world.practice).filter(matter=matter).count() == 6


def test_the_demo_seeds_matters_money_and_a_reconciliation_once(world, book):
    from types import SimpleNamespace

    from billing.trust import demo

    context = SimpleNamespace(owner=world.owner)
    # When the demo is seeded twice
    demo.seed(context, book=book)
    demo.seed(context, book=book)
    # Then three matters hold money, one balanced reconciliation closes last month
    matters = selectors.matters_with_balances(practice=world.practice, book=book)
    assert matters.count() == 3
    assert all(matter.balance >= 0 for matter in matters)
    assert JournalEntry.objects.for_practice(world.practice).filter(book=book).count() == 6
    (reconciliation,) = TrustReconciliation.objects.for_practice(world.practice).filter(book=book)
    assert reconciliation.is_balanced
    assert reconciliation.matters_total == Decimal("168350.00")
