"""Reports: figures aggregated in SQL, previous period beside, books that always balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.ledger import reports
from billing.ledger.posting import LineInput, entry_create, entry_reverse
from billing.models import AccountRole, LedgerContact


def test_it_balances_the_trial_balance_and_the_balance_sheet(ledger, world):
    # Given a year of activity across two fiscal years
    ledger.post(date(2025, 6, 1), ("1010", "3010", "5000.00"))  # owner puts money in
    ledger.post(date(2025, 7, 3), ("1010", "4010", "1200.00"))  # fees last year
    ledger.post(date(2026, 2, 10), ("1010", "4010", "800.00"), ("6070", "1010", "300.00"))
    # When the reports are run as of the end of February
    tb = reports.trial_balance(
        practice=world.practice,
        book=ledger.book,
        as_of=date(2026, 2, 28),
        compare_as_of=date(2025, 12, 31),
    )
    bs = reports.balance_sheet(
        practice=world.practice,
        book=ledger.book,
        as_of=date(2026, 2, 28),
        compare_as_of=date(2025, 12, 31),
    )
    # Then debits equal credits, and assets equal liabilities plus equity, now and then
    assert tb.totals["debit"] == tb.totals["credit"] == Decimal("7000.00")
    assert tb.compare_totals["debit"] == tb.compare_totals["credit"] == Decimal("6200.00")
    assert bs.totals["assets"] == Decimal("6700.00") == bs.totals["liabilities_and_equity"]
    assert bs.compare_totals["assets"] == Decimal("6200.00")
    assert bs.compare_totals["liabilities_and_equity"] == Decimal("6200.00")
    equity = {row.name: row.amount for row in bs.sections[2].rows}
    assert equity["Retained earnings"] == Decimal("1200.00")  # last fiscal year, closed virtually
    assert equity["Current year earnings"] == Decimal("500.00")


def test_it_puts_the_previous_period_beside_the_profit_and_loss(ledger, world):
    ledger.post(date(2026, 1, 15), ("1010", "4010", "100.00"))
    ledger.post(date(2026, 2, 15), ("1010", "4010", "250.00"), ("6080", "1010", "50.00"))
    start, end = date(2026, 2, 1), date(2026, 2, 28)
    pnl = reports.profit_and_loss(
        practice=world.practice,
        book=ledger.book,
        start=start,
        end=end,
        compare=reports.previous_period(start, end),
    )
    assert pnl.compare_label and "2026-01-01" in pnl.compare_label
    assert pnl.totals == {
        "income": Decimal("250.00"),
        "expense": Decimal("50.00"),
        "net_profit": Decimal("200.00"),
    }
    assert pnl.compare_totals["net_profit"] == Decimal("100.00")


def test_it_gives_the_general_ledger_a_running_balance_in_few_queries(
    ledger, world, django_assert_num_queries
):
    for day in range(1, 11):
        ledger.post(date(2026, 3, day), ("1010", "4010", f"{day}.00"))
    ledger.post(date(2026, 2, 1), ("1010", "4010", "100.00"))
    account = ledger.account("1010")
    with django_assert_num_queries(2):
        page = reports.general_ledger(
            practice=world.practice,
            book=ledger.book,
            account=account,
            start=date(2026, 3, 1),
            end=date(2026, 3, 31),
            offset=5,
            limit=3,
        )
    assert page.opening == Decimal("100.00")
    assert page.count == 10
    assert [line.running for line in page.lines] == [
        Decimal("121.00"),
        Decimal("128.00"),
        Decimal("136.00"),
    ]
    assert page.closing == Decimal("155.00")


def test_it_ages_receivables_oldest_first(ledger, world):
    acme = LedgerContact.objects.create(practice=world.practice, book=ledger.book, name="Acme")
    receivable = reports.Account.objects.for_practice(world.practice).get(
        book=ledger.book, role=AccountRole.RECEIVABLE
    )
    income = ledger.account("4010")
    bank = ledger.account("1010")
    for day, amount in ((date(2025, 12, 1), "100.00"), (date(2026, 3, 20), "40.00")):
        entry_create(
            practice=world.practice,
            book=ledger.book,
            date=day,
            post=True,
            lines=[
                LineInput(account=receivable, debit=Decimal(amount), contact=acme),
                LineInput(account=income, credit=Decimal(amount)),
            ],
        )
    payment = entry_create(
        practice=world.practice,
        book=ledger.book,
        date=date(2026, 3, 25),
        post=True,
        lines=[
            LineInput(account=bank, debit=Decimal("60.00")),
            LineInput(account=receivable, credit=Decimal("60.00"), contact=acme),
        ],
    )
    aged = reports.aged_balances(practice=world.practice, book=ledger.book, as_of=date(2026, 3, 31))
    assert [(row.name, row.buckets) for row in aged] == [
        ("Acme", [Decimal("40.00"), Decimal("0"), Decimal("0"), Decimal("40.00")])
    ]
    # Reversing the payment brings the whole balance back
    entry_reverse(practice=world.practice, entry=payment)
    aged = reports.aged_balances(practice=world.practice, book=ledger.book, as_of=date(2026, 3, 31))
    assert aged[0].total == Decimal("140.00")
