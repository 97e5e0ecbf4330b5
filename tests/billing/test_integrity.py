"""The ledger's rules hold in the database itself: raw SQL that bypasses the ORM is refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from billing.ledger.posting import LedgerError, book_lock, entry_post
from billing.models import EntryStatus, JournalEntry, JournalLine

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("database triggers exist on PostgreSQL only")


def _sql(statement: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_it_refuses_updating_a_posted_line(ledger):
    # Given a posted entry
    entry = ledger.post(date(2026, 1, 5), ("1010", "4010", "100.00"))
    line = entry.lines.filter(debit__gt=0).get()
    # When raw SQL changes one of its lines, then the database refuses
    with pytest.raises(IntegrityError, match="posted"):
        _sql("UPDATE billing_journalline SET debit = 90 WHERE id = %s", [line.pk])
    with pytest.raises(IntegrityError, match="posted"):
        _sql("DELETE FROM billing_journalline WHERE id = %s", [line.pk])
    with pytest.raises(IntegrityError, match="posted"):
        _sql("UPDATE billing_journalentry SET memo = 'x' WHERE id = %s", [entry.pk])
    line.refresh_from_db()
    assert line.debit == 100


def test_it_refuses_posting_an_unbalanced_entry_at_commit(ledger):
    # Given a draft whose lines differ
    draft = ledger.post(date(2026, 1, 5), ("1010", "4010", "100.00"), post=False)
    credit = draft.lines.get(credit__gt=0)
    _sql("UPDATE billing_journalline SET credit = 99 WHERE id = %s", [credit.pk])
    # When raw SQL posts it (lines then entry), then the commit fails
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE billing_journalline SET posted = true WHERE entry_id = %s", [draft.pk]
            )
            cursor.execute(
                "UPDATE billing_journalentry SET status = 'posted', number = 99, posted_at = now() "
                "WHERE id = %s",
                [draft.pk],
            )
    assert JournalEntry.objects.unscoped().get(pk=draft.pk).status == EntryStatus.DRAFT


def test_it_refuses_posting_into_a_locked_period(ledger, world):
    # Given books locked to the end of January
    draft = ledger.post(date(2026, 1, 20), ("1010", "4010", "10.00"), post=False)
    book_lock(practice=world.practice, book=ledger.book, lock_date=date(2026, 1, 31))
    # When the service posts a January entry, then it says why
    with pytest.raises(LedgerError, match="locked"):
        entry_post(practice=world.practice, entry=draft)
    # And raw SQL cannot either
    with pytest.raises(IntegrityError, match="locked"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE billing_journalline SET posted = true WHERE entry_id = %s", [draft.pk]
            )
            cursor.execute(
                "UPDATE billing_journalentry SET status = 'posted', number = 7, posted_at = now() "
                "WHERE id = %s",
                [draft.pk],
            )


def test_it_refuses_a_line_with_both_debit_and_credit(ledger):
    draft = ledger.post(date(2026, 1, 5), ("1010", "4010", "5.00"), post=False)
    line = draft.lines.first()
    with pytest.raises(IntegrityError):
        _sql("UPDATE billing_journalline SET debit = 5, credit = 5 WHERE id = %s", [line.pk])
    with pytest.raises(IntegrityError):
        _sql("UPDATE billing_journalline SET debit = -5, credit = 0 WHERE id = %s", [line.pk])


def test_it_refuses_a_line_on_an_account_of_another_book(ledger, world):
    from billing.ledger.books import book_create

    other = book_create(practice=world.other_practice, name="Other", chart="us_service")
    foreign = other.accounts.get(code="1010")
    draft = ledger.post(date(2026, 1, 5), ("1010", "4010", "5.00"), post=False)
    line = draft.lines.first()
    with pytest.raises(IntegrityError, match="another book"):
        _sql("UPDATE billing_journalline SET account_id = %s WHERE id = %s", [foreign.pk, line.pk])
    assert JournalLine.objects.unscoped().get(pk=line.pk).account_id == line.account_id
