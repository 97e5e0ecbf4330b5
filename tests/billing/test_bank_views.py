"""Bank pages: feed settings, upload and progress, rules, matching, reconciliation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.bank import services
from billing.models import (
    BankReconciliation,
    BankRule,
    JournalEntry,
    ReconciliationStatus,
    StatementImport,
    StatementLine,
)
from secretary.errors import ApplicationError
from tests.billing.bank_helpers import CSV_HEADER, feed
from tests.conftest import client_for


@pytest.fixture
def ledger(client_ledger):
    """A client's books: the secretary keeps them."""
    return client_ledger


def _url(name, ledger, **kwargs):
    return reverse(name, kwargs={"practice_slug": ledger.practice.slug, **kwargs})


def _line(ledger, amount="100.00", day=date(2025, 1, 5), description="Payment", **extra):
    return StatementLine.objects.create(
        practice=ledger.practice,
        book=ledger.book,
        account=ledger.account("1010"),
        date=day,
        description=description,
        amount=Decimal(amount),
        line_hash=f"{description}{amount}{day}",
        **extra,
    )


def _bank_line(entry, ledger):
    return entry.lines.get(account=ledger.account("1010"))


def test_it_checks_ownership(world, ledger, outsider_client, contact_client, secretary_client):
    account = {"book_id": ledger.book.pk, "account_id": ledger.account("1010").pk}
    # an outsider and a client contact get 404, a secretary 403 on the admin-only feed page
    for client in (outsider_client, contact_client):
        assert client.get(_url("bank_account", ledger, **account)).status_code == 404
        assert client.get(_url("bank_rules", ledger, book_id=ledger.book.pk)).status_code == 404
    assert secretary_client.get(_url("bank_feed", ledger, **account)).status_code == 403
    assert secretary_client.get(_url("bank_account", ledger, **account)).status_code == 200
    # a non-bank account of the book is not a bank page
    income = {"book_id": ledger.book.pk, "account_id": ledger.account("4010").pk}
    assert secretary_client.get(_url("bank_account", ledger, **income)).status_code == 404


def test_it_saves_the_feed_mapping(world, ledger, owner_client):
    account = {"book_id": ledger.book.pk, "account_id": ledger.account("1010").pk}
    response = owner_client.post(
        _url("bank_feed", ledger, **account),
        {
            "account_number": "42",
            "has_header": "on",
            "delimiter": ";",
            "date_column": "Datum",
            "date_format": "%d.%m.%Y",
            "description_column": "Text",
            "amount_column": "Betrag",
            "decimal_comma": "on",
        },
    )
    assert response.status_code == 302
    saved = services.feed_for(practice=ledger.practice, account=ledger.account("1010"))
    assert (saved.delimiter, saved.amount_column, saved.decimal_comma) == (";", "Betrag", True)


def test_it_uploads_a_statement_and_shows_its_progress(
    world, ledger, secretary_client, django_capture_on_commit_callbacks
):
    # given a mapping
    feed(ledger)
    account = {"book_id": ledger.book.pk, "account_id": ledger.account("1010").pk}
    upload = SimpleUploadedFile("jan.csv", (CSV_HEADER + "2025-01-05,Pay,10.00,\n").encode())
    # when a secretary uploads a statement
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(_url("bank_upload", ledger, **account), {"file": upload})
    # then it is imported and the import page shows a full progress bar and stops polling
    item = StatementImport.objects.for_practice(ledger.practice).get()
    assert response.status_code == 302
    page = secretary_client.get(response["Location"], headers={"HX-Request": "true"})
    html = page.content.decode()
    assert '<progress class="bank-progress" max="100" value="100"' in html
    assert "every 2s" not in html
    assert item.filename == "jan.csv"


def test_it_polls_while_an_import_is_queued(world, ledger, secretary_client):
    item = StatementImport(
        practice=ledger.practice,
        book=ledger.book,
        account=ledger.account("1010"),
        format="csv",
        filename="q.csv",
        checksum="0",
    )
    item.save()
    page = secretary_client.get(
        _url("bank_import", ledger, book_id=ledger.book.pk, import_id=item.pk)
    )
    assert 'hx-trigger="every 2s"' in page.content.decode()


def test_it_refuses_a_non_utf8_upload_on_the_form(world, ledger, secretary_client):
    feed(ledger)
    account = {"book_id": ledger.book.pk, "account_id": ledger.account("1010").pk}
    upload = SimpleUploadedFile(
        "x.csv", "Date,Description,Amount\n2025-01-01,Café,1\n".encode("latin-1")
    )
    response = secretary_client.post(_url("bank_upload", ledger, **account), {"file": upload})
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not StatementImport.objects.for_practice(ledger.practice).exists()


def test_it_manages_rules_and_applies_them_again(world, ledger, secretary_client):
    # given an unreconciled line
    line = _line(ledger, "-12.50", description="Monthly FEE")
    book = {"book_id": ledger.book.pk}
    # when a rule is added and applied again
    response = secretary_client.post(
        _url("bank_rule_create", ledger, **book),
        {"contains": "fee", "account": ledger.account("6020").pk, "priority": 10, "active": "on"},
    )
    assert response.status_code == 302
    secretary_client.post(
        _url("bank_rules_apply", ledger, **book, account_id=ledger.account("1010").pk)
    )
    # then the line is suggested the rule's account
    line.refresh_from_db()
    assert line.suggested_account == ledger.account("6020")
    rule = BankRule.objects.for_practice(ledger.practice).get()
    secretary_client.post(_url("bank_rule_delete", ledger, **book, rule_id=rule.pk))
    assert not BankRule.objects.for_practice(ledger.practice).exists()


def test_it_matches_a_line_to_two_ledger_lines(world, ledger, secretary_client):
    # given a deposit of 150 and two posted receipts of 100 and 50
    line = _line(ledger, "150.00")
    first = ledger.post(date(2025, 1, 4), ("1010", "4010", "100.00"))
    second = ledger.post(date(2025, 1, 5), ("1010", "4010", "50.00"))
    ids = [_bank_line(first, ledger).pk, _bank_line(second, ledger).pk]
    account = {"book_id": ledger.book.pk, "account_id": ledger.account("1010").pk}
    # when they are matched
    response = secretary_client.post(
        _url("bank_match", ledger, **account), {"statement_line": line.pk, "journal_lines": ids}
    )
    # then the line is reconciled and the ledger lines are no longer open
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.reconciled


def test_it_refuses_a_match_whose_totals_differ(world, ledger):
    line = _line(ledger, "150.00")
    entry = ledger.post(date(2025, 1, 4), ("1010", "4010", "100.00"))
    with pytest.raises(ApplicationError) as refused:
        services.statement_line_match(
            practice=ledger.practice, line=line, journal_line_ids=[_bank_line(entry, ledger).pk]
        )
    assert "must be equal" in refused.value.message


def test_it_creates_an_entry_in_one_click(world, ledger, secretary_client):
    # given a bank fee suggested the bank fees account
    line = _line(ledger, "-12.50", description="Fee", suggested_account=ledger.account("6020"))
    # when "create entry" is pressed without choosing an account
    response = secretary_client.post(
        _url("bank_line_entry", ledger, book_id=ledger.book.pk, line_id=line.pk), {"account": ""}
    )
    # then a posted bank_import entry credits the bank and debits the fees, matched at once
    assert response.status_code == 302
    entry = JournalEntry.objects.for_practice(ledger.practice).get(source="bank_import")
    assert (entry.source_type, entry.source_id, entry.is_posted) == (
        "billing.statementline",
        line.pk,
        True,
    )
    assert _bank_line(entry, ledger).credit == Decimal("12.50")
    line.refresh_from_db()
    assert line.reconciled


def test_it_closes_a_reconciliation_only_at_zero_and_then_refuses_unmatch(world, ledger):
    # given a statement of 100 and a ledger of 100 once matched
    line = _line(ledger, "100.00")
    entry = ledger.post(date(2025, 1, 5), ("1010", "4010", "100.00"))
    services.statement_line_match(
        practice=ledger.practice, line=line, journal_line_ids=[_bank_line(entry, ledger).pk]
    )
    account = ledger.account("1010")
    wrong = services.reconciliation_save(
        practice=ledger.practice,
        account=account,
        period_end=date(2025, 1, 31),
        statement_balance=Decimal("90.00"),
    )
    # when the balances differ, closing is refused with the difference
    with pytest.raises(ApplicationError) as refused:
        services.reconciliation_close(practice=ledger.practice, reconciliation=wrong)
    assert f"differ by {ledger.book.currency}\xa010.00" in refused.value.message
    # when they agree it closes, and the line can no longer be unmatched
    right = services.reconciliation_save(
        practice=ledger.practice,
        account=account,
        period_end=date(2025, 1, 31),
        statement_balance=Decimal("100.00"),
    )
    services.reconciliation_close(practice=ledger.practice, reconciliation=right)
    assert right.pk == wrong.pk
    assert (
        BankReconciliation.objects.for_practice(ledger.practice).get().status
        == ReconciliationStatus.CLOSED
    )
    with pytest.raises(ApplicationError):
        services.statement_line_unmatch(practice=ledger.practice, line=line)


def test_it_shows_the_reconcile_page_in_constant_queries(world, ledger, django_assert_num_queries):
    client = client_for(world.secretary.user)
    account = {"book_id": ledger.book.pk, "account_id": ledger.account("1010").pk}
    url = _url("bank_reconcile", ledger, **account)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _line(ledger, "1.00", description="a")
    ledger.post(date(2025, 1, 5), ("1010", "4010", "1.00"))
    few = count()
    for i in range(10):
        _line(ledger, f"{i + 2}.00", description=f"line {i}")
        ledger.post(date(2025, 1, 6), ("1010", "4010", f"{i + 2}.00"))
    assert count() == few


def test_it_keeps_the_practices_own_bank_accounts_from_secretaries(
    world, secretary_client, admin_client_
):
    # Given the practice's own books
    from billing.ledger.books import book_create

    book = book_create(practice=world.practice, name="Harbour Desk", chart="us_service")
    account = book.accounts.get(code="1010")
    url = reverse(
        "bank_account",
        kwargs={"practice_slug": world.practice.slug, "book_id": book.pk, "account_id": account.pk},
    )
    home = reverse("bank_home", kwargs={"practice_slug": world.practice.slug})
    # Then a secretary neither opens nor sees them, an admin does
    assert secretary_client.get(url).status_code == 403
    assert "Checking account" not in secretary_client.get(home).content.decode()
    assert admin_client_.get(url).status_code == 200
    assert "Checking account" in admin_client_.get(home).content.decode()
