"""Staff pages of books: the list, opening books, the account tree, accounts, tax codes,
contacts, settings, the period lock and opening balances."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.ledger.books import book_create, chart_templates
from billing.models import Account, AccountRole, Book, EntrySource, JournalEntry, TaxCode
from tests.billing.conftest import Ledger
from tests.clients.factories import ClientFactory


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def client_ledger(world) -> Ledger:
    client = ClientFactory(practice=world.practice, name="Acme Plumbing")
    book = book_create(
        practice=world.practice,
        client=client,
        name="Acme Plumbing",
        chart="us_service",
        currency="USD",
    )
    return Ledger(book, user=world.secretary.user)


def books(world):
    return Book.objects.for_practice(world.practice)


def test_it_checks_ownership(
    world, ledger, client_ledger, outsider_client, contact_client, secretary_client, owner_client
):
    client_book = {"book_id": client_ledger.book.pk}
    own_book = {"book_id": ledger.book.pk}
    account = client_ledger.account("1010")
    for name, kwargs in [
        ("book_list", {}),
        ("book_detail", client_book),
        ("book_settings", client_book),
        ("book_opening_balances", client_book),
        ("account_create", client_book),
        ("account_edit", {**client_book, "account_id": account.pk}),
        ("taxcode_list", client_book),
        ("ledgercontact_list", client_book),
    ]:
        # Given practice A's books, an outsider and a client contact find nothing
        assert outsider_client.get(url(name, world, **kwargs)).status_code == 404
        assert contact_client.get(url(name, world, **kwargs)).status_code == 404
        # and a secretary keeps a client's books
        assert secretary_client.get(url(name, world, **kwargs)).status_code == 200
    # The practice's own books are for owners and admins: a secretary gets 403
    for name in ("book_detail", "book_settings", "taxcode_list", "book_opening_balances"):
        assert secretary_client.get(url(name, world, **own_book)).status_code == 403
        assert owner_client.get(url(name, world, **own_book)).status_code == 200
    assert secretary_client.post(url("book_lock", world, **own_book)).status_code == 403
    # A forged id of another practice's account answers 404
    other = book_create(practice=world.other_practice, name="Other", chart="us_service")
    foreign = Account.objects.for_practice(world.other_practice).filter(book=other).first()
    response = secretary_client.get(
        url("account_edit", world, **client_book, account_id=foreign.pk)
    )
    assert response.status_code == 404


def test_it_lists_the_books_a_member_may_keep(world, ledger, client_ledger, secretary_client):
    # Given the practice's own books and a client's
    owner = ledger  # noqa: F841 - the practice's own books exist
    # When a secretary and an admin open the list
    as_secretary = secretary_client.get(url("book_list", world)).content.decode()
    from tests.conftest import client_for

    as_admin = client_for(world.admin.user).get(url("book_list", world)).content.decode()
    # Then the secretary sees the client's books only, with their currency; the admin both
    assert "Acme Plumbing" in as_secretary and "USD" in as_secretary
    assert "Harbour Desk" not in as_secretary.split("<main")[1].split("new-books")[0]
    assert "Harbour Desk" in as_admin and "Acme Plumbing" in as_admin


def test_it_opens_a_client_book_from_a_chart(world, secretary_client):
    # Given a client without books
    client = ClientFactory(practice=world.practice, name="Wells Legal")
    # When a secretary opens books from the law firm chart, in June
    response = secretary_client.post(
        url("book_create", world),
        {
            "client": client.pk,
            "name": "Wells Legal",
            "chart": "law_firm",
            "currency": "USD",
            "fiscal_year_start_month": "6",
        },
    )
    # Then the book exists with the chart's trust accounts
    book = books(world).get(client=client)
    assert response.status_code == 302
    assert book.fiscal_year_start_month == 6 and book.currency == "USD"
    accounts = Account.objects.for_practice(world.practice).filter(book=book)
    trust_bank = accounts.get(is_trust=True, is_bank=True)
    trust_liability = accounts.get(role=AccountRole.TRUST_LIABILITY)
    assert trust_bank.type == "asset"
    assert trust_liability.is_trust and trust_liability.type == "liability"
    assert accounts.filter(role=AccountRole.OPENING_BALANCE).exists()


def test_it_lets_only_an_admin_open_the_practice_books(world, secretary_client, admin_client_):
    data = {"name": "Harbour Desk", "chart": "us_service", "fiscal_year_start_month": "1"}
    # When a secretary tries to open the practice's own books, then it is refused on the form
    response = secretary_client.post(url("book_create", world), data)
    assert response.status_code == 400
    assert "Only an owner or admin" in response.content.decode()
    assert not books(world).exists()
    # And an admin may
    assert admin_client_.post(url("book_create", world), data).status_code == 302
    assert books(world).filter(client__isnull=True).count() == 1


def test_it_ships_the_medical_practice_chart():
    chart = chart_templates()["medical_practice"]
    names = {row["name"] for row in chart.accounts}
    roles = {row.get("role") for row in chart.accounts}
    assert {"Patient fees", "Insurance receivables", "Medical supplies"} <= names
    assert {"receivable", "payable", "retained_earnings", "opening_balance"} <= roles


def test_it_shows_the_account_tree_with_balances_in_constant_queries(
    world, ledger, owner_client, django_assert_num_queries
):
    # Given a few posted entries
    ledger.post(date(2026, 1, 5), ("1010", "4010", "1200.00"))
    ledger.post(date(2026, 1, 6), ("6070", "1010", "300.50"))
    ledger.post(date(2026, 1, 7), ("1010", "4010", "5.00"), post=False)  # a draft: not counted
    page = url("book_detail", world, book_id=ledger.book.pk)
    owner_client.get(page)
    queries = _queries(owner_client, page)
    # When more entries are posted
    for day in range(8, 20):
        ledger.post(date(2026, 1, day), ("1010", "4020", "1.00"))
    # Then the page takes the same number of queries
    with django_assert_num_queries(queries):
        response = owner_client.get(page)
    html = response.content.decode()
    # The checking account: 1200 - 300.50 + 12 = 911.50 debit; the income parent 1212 credit
    assert "USD\xa0911.50" in html
    assert "USD\xa01,212.00" in html
    assert "USD\xa0300.50" in html
    tree = response.context["tree"]
    assert tree.total_debits == tree.total_credits == Decimal("1212.00")
    depths = {row.account.code: row.depth for row in tree.rows}
    assert depths["1000"] == 0 and depths["1010"] == 1


def _queries(client, page) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(page)
    return len(context.captured_queries)


def test_it_creates_edits_and_archives_an_account(world, client_ledger, secretary_client):
    book = client_ledger.book
    parent = client_ledger.account("6000")
    tax = TaxCode.objects.for_practice(world.practice).get(book=book, code="ST")
    # When a secretary adds an account under the expenses
    response = secretary_client.post(
        url("account_create", world, book_id=book.pk),
        {
            "code": "6120",
            "name": "Postage",
            "type": "expense",
            "parent": parent.pk,
            "default_tax_code": tax.pk,
            "description": "Stamps",
        },
    )
    assert response.status_code == 302
    account = client_ledger.account("6120")
    assert account.parent == parent and account.normal_balance == "debit"
    # And renames it
    secretary_client.post(
        url("account_edit", world, book_id=book.pk, account_id=account.pk),
        {"code": "6120", "name": "Postage and courier", "type": "expense", "parent": parent.pk},
    )
    account.refresh_from_db()
    assert account.name == "Postage and courier"
    # And archives it
    secretary_client.post(url("account_archive", world, book_id=book.pk, account_id=account.pk))
    account.refresh_from_db()
    assert account.archived


def test_it_limits_parent_and_tax_code_to_the_book(world, client_ledger, ledger, secretary_client):
    # Given an account and a tax code of another book of the same practice
    foreign_parent = ledger.account("6000")
    foreign_tax = TaxCode.objects.for_practice(world.practice).filter(book=ledger.book).first()
    # When they are sent as the parent and the tax code of a new account
    response = secretary_client.post(
        url("account_create", world, book_id=client_ledger.book.pk),
        {
            "code": "6130",
            "name": "Forged",
            "type": "expense",
            "parent": foreign_parent.pk,
            "default_tax_code": foreign_tax.pk,
        },
    )
    # Then the form refuses them and nothing is saved
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"parent", "default_tax_code"}
    assert not Account.objects.for_practice(world.practice).filter(code="6130").exists()


def test_it_refuses_a_duplicate_account_code(world, client_ledger, secretary_client):
    response = secretary_client.post(
        url("account_create", world, book_id=client_ledger.book.pk),
        {"code": "1010", "name": "Again", "type": "asset"},
    )
    assert response.status_code == 400
    assert "has this code" in response.content.decode()


def test_it_adds_and_edits_tax_codes_and_contacts(world, client_ledger, secretary_client):
    book = client_ledger.book
    # When a tax code and a contact are added
    secretary_client.post(
        url("taxcode_create", world, book_id=book.pk), {"code": "GST", "name": "GST", "rate": "10"}
    )
    secretary_client.post(
        url("ledgercontact_create", world, book_id=book.pk),
        {"name": "Bob's Supplies", "email": "bob@supplies.test"},
    )
    # Then the lists show them
    codes = secretary_client.get(url("taxcode_list", world, book_id=book.pk)).content.decode()
    contacts = secretary_client.get(
        url("ledgercontact_list", world, book_id=book.pk)
    ).content.decode()
    assert "GST" in codes and "Bob&#x27;s Supplies" in contacts
    # And they can be edited
    code = TaxCode.objects.for_practice(world.practice).get(book=book, code="GST")
    secretary_client.post(
        url("taxcode_edit", world, book_id=book.pk, tax_code_id=code.pk),
        {"code": "GST", "name": "Goods and services tax", "rate": "10"},
    )
    code.refresh_from_db()
    assert code.name == "Goods and services tax" and code.rate == Decimal("10")


def test_it_lets_a_secretary_lock_but_only_an_admin_move_the_lock_back(
    world, client_ledger, secretary_client, admin_client_
):
    book = client_ledger.book
    lock = url("book_lock", world, book_id=book.pk)
    # When a secretary locks the books up to March, then forward to April
    assert secretary_client.post(lock, {"lock_date": "2026-03-31"}).status_code == 302
    assert secretary_client.post(lock, {"lock_date": "2026-04-30"}).status_code == 302
    book.refresh_from_db()
    assert book.lock_date == date(2026, 4, 30)
    # Then moving it back or lifting it is refused to the secretary
    response = secretary_client.post(lock, {"lock_date": "2026-01-31"})
    assert response.status_code == 400
    assert "Only an owner or admin" in response.content.decode()
    assert secretary_client.post(lock, {"lock_date": ""}).status_code == 400
    book.refresh_from_db()
    assert book.lock_date == date(2026, 4, 30)
    # But an admin may
    assert admin_client_.post(lock, {"lock_date": "2026-01-31"}).status_code == 302
    book.refresh_from_db()
    assert book.lock_date == date(2026, 1, 31)


def test_it_changes_the_fiscal_year_start(world, client_ledger, secretary_client):
    book = client_ledger.book
    secretary_client.post(
        url("book_settings", world, book_id=book.pk),
        {"name": "Acme books", "fiscal_year_start_month": "7"},
    )
    book.refresh_from_db()
    assert book.fiscal_year_start_month == 7 and book.name == "Acme books"


def test_it_posts_opening_balances_once(world, client_ledger, secretary_client):
    book = client_ledger.book
    bank, payable = client_ledger.account("1010"), client_ledger.account("2010")
    page = url("book_opening_balances", world, book_id=book.pk)
    # When the bank holds 5000 and 1200 is owed to suppliers from 1 July
    response = secretary_client.post(
        page,
        {
            "start_date": "2026-07-01",
            f"debit_{bank.pk}": "5000",
            f"credit_{payable.pk}": "1200.00",
        },
    )
    # Then one posted entry dated 30 June balances through opening balance equity
    assert response.status_code == 302
    entry = JournalEntry.objects.for_practice(world.practice).get(book=book)
    assert entry.source == EntrySource.OPENING_BALANCE and entry.is_posted
    assert entry.date == date(2026, 6, 30)
    equity = entry.lines.get(account__role=AccountRole.OPENING_BALANCE)
    assert equity.credit == Decimal("3800.00")
    # And a second opening entry is refused
    again = secretary_client.post(
        page, {"start_date": "2026-07-01", f"debit_{bank.pk}": "1", f"credit_{payable.pk}": "1"}
    )
    assert "Reverse that entry first" in again.content.decode()
    assert JournalEntry.objects.for_practice(world.practice).filter(book=book).count() == 1


def test_it_refuses_bad_opening_amounts(world, client_ledger, secretary_client):
    bank = client_ledger.account("1010")
    response = secretary_client.post(
        url("book_opening_balances", world, book_id=client_ledger.book.pk),
        {"start_date": "2026-07-01", f"debit_{bank.pk}": "10.005", f"credit_{bank.pk}": "-3"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "at most 2 decimal places" in str(errors[f"debit_{bank.pk}"])
    assert "never negative" in str(errors[f"credit_{bank.pk}"])
    assert not JournalEntry.objects.for_practice(world.practice).exists()


def test_it_shows_balances_as_of_today(world, client_ledger, secretary_client):
    # Given an entry dated after today
    future = timezone.localdate() + timedelta(days=400)
    client_ledger.post(future, ("1010", "4010", "77.00"))
    # Then today's tree does not count it
    html = secretary_client.get(
        url("book_detail", world, book_id=client_ledger.book.pk)
    ).content.decode()
    assert "USD\xa077.00" not in html
