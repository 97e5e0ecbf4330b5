"""No trust matter goes below zero, whatever writes the lines: the database refuses raw SQL at
commit, and two payments racing for one matter's money serialise so only one gets it."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from billing.ledger.posting import LedgerError
from billing.models import Account, EntryStatus, JournalEntry
from billing.trust import selectors, services
from secretary.tenancy import practice_scope
from tests.billing.isolation_trust import law_firm_book, matter_with_money
from tests.concurrency import DEADLINE, backend_is_waiting_for_a_lock, wait_for
from tests.conftest import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("database triggers and row locks are tested on PostgreSQL only")


def _account(book, code: str) -> Account:
    return Account.objects.for_practice(book.practice).get(book=book, code=code)


def test_it_refuses_a_raw_sql_withdrawal_that_overdraws_a_matter_at_commit(world):
    # Given a matter holding 100.00
    book = law_firm_book(world.practice)
    matter = matter_with_money(world.practice, book, reference="M-1", amount="100.00")
    liability, bank = _account(book, "2050"), _account(book, "1050")
    # When raw SQL writes a draft paying out 150.00, then posts its lines and the entry at once
    with pytest.raises(IntegrityError, match="below zero"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO billing_journalentry (practice_id, book_id, date, memo, reference,"
                " source, source_type, status, created_at) VALUES"
                " (%s, %s, '2026-02-01', 'raw', '', 'manual', '', 'draft', now()) RETURNING id",
                [world.practice.pk, book.pk],
            )
            entry_id = cursor.fetchone()[0]
            for account, debit, credit, position in (
                (liability, 150, 0, 0),
                (bank, 0, 150, 1),
            ):
                cursor.execute(
                    "INSERT INTO billing_journalline (practice_id, entry_id, book_id, account_id,"
                    " date, posted, debit, credit, description, matter_id, position) VALUES"
                    " (%s, %s, %s, %s, '2026-02-01', false, %s, %s, '', %s, %s)",
                    [
                        world.practice.pk,
                        entry_id,
                        book.pk,
                        account.pk,
                        debit,
                        credit,
                        matter.pk,
                        position,
                    ],
                )
            cursor.execute(
                "UPDATE billing_journalline SET posted = true WHERE entry_id = %s", [entry_id]
            )
            cursor.execute(
                "UPDATE billing_journalentry SET status = 'posted', number = 900,"
                " posted_at = now() WHERE id = %s",
                [entry_id],
            )
    # Then nothing of it stays and the matter still holds 100.00
    assert not JournalEntry.objects.for_practice(world.practice).filter(memo="raw").exists()
    assert selectors.matter_balance(practice=world.practice, matter=matter) == Decimal("100.00")


def test_it_refuses_a_raw_sql_trust_line_without_its_matter(world):
    # Given a draft deposit on the trust accounts
    from billing.ledger.posting import LineInput, entry_create

    book = law_firm_book(world.practice)
    matter = matter_with_money(world.practice, book, reference="M-1", amount="0")
    draft = entry_create(
        practice=world.practice,
        book=book,
        date=date(2026, 2, 1),
        lines=[
            LineInput(account=_account(book, "1050"), debit=Decimal("5"), matter=matter),
            LineInput(account=_account(book, "2050"), credit=Decimal("5"), matter=matter),
        ],
    )
    line = draft.lines.first()
    # When raw SQL clears the matter of one of its lines, then the database refuses
    with pytest.raises(IntegrityError, match="must name its matter"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE billing_journalline SET matter_id = NULL WHERE id = %s", [line.pk]
            )


def test_it_lets_only_one_of_two_simultaneous_withdrawals_take_the_matters_money():
    # Given a matter holding 100.00 and two payments of 60.00, each within the balance
    world = build_world()
    book = law_firm_book(world.practice)
    matter = matter_with_money(world.practice, book, reference="M-1", amount="100.00")
    first_done, first_may_commit = threading.Event(), threading.Event()
    second_pid: list[int] = []
    outcome: dict[str, object] = {}

    def pay(memo: str):
        return services.trust_withdrawal(
            practice=world.practice,
            book=book,
            matter=matter,
            date=date(2026, 2, 1),
            amount="60.00",
            memo=memo,
        )

    def first_payment():
        try:
            with transaction.atomic(), practice_scope(world.practice):  # as a request would
                pay("first")
                first_done.set()
                # Hold the transaction open until the second payment waits on our locks.
                assert first_may_commit.wait(DEADLINE)
            outcome["first"] = "done"
        except BaseException as error:  # reported by the main thread
            outcome["first"] = error
            first_done.set()
        finally:
            connections.close_all()

    def second_payment():
        try:
            assert first_done.wait(DEADLINE)
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            with practice_scope(world.practice):
                pay("second")
            outcome["second"] = "done"
        except BaseException as error:
            outcome["second"] = error
        finally:
            connections.close_all()

    # When both are sent, the second while the first has not committed yet
    threads = [threading.Thread(target=first_payment), threading.Thread(target=second_payment)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: second_pid or "second" in outcome, "the second payment to start")
        wait_for(
            lambda: backend_is_waiting_for_a_lock(second_pid[0]) or "second" in outcome,
            "the second payment to wait for the first payment's lock",
        )
        assert "second" not in outcome, f"The second payment did not wait: {outcome}"
    finally:
        first_may_commit.set()
        for thread in threads:
            thread.join(DEADLINE)

    # Then exactly one is posted, the other is refused naming what was left
    assert outcome["first"] == "done"
    assert isinstance(outcome["second"], LedgerError)
    assert "USD\xa040.00 available" in outcome["second"].message
    paid = JournalEntry.objects.for_practice(world.practice).filter(
        source_type=services.SOURCE_WITHDRAWAL, status=EntryStatus.POSTED
    )
    assert list(paid.values_list("memo", flat=True)) == ["first"]
    assert selectors.matter_balance(practice=world.practice, matter=matter) == Decimal("40.00")
