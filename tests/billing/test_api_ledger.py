"""The ledger API: books, accounts, entries (draft, post, reverse), tax codes and contacts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.ledger.books import book_create
from billing.ledger.posting import book_lock
from billing.models import Account, Book, EntryStatus, JournalEntry, JournalLine, LedgerContact
from clients.models import Contact
from tests.billing.conftest import Ledger
from tests.clients.factories import ClientFactory, ContactFactory
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def url(world, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def northwind(world):
    """A client whose contact (the world's client contact) may see billing, with its books."""
    client = ClientFactory(practice=world.practice, name="Northwind Legal", currency="USD")
    ContactFactory(
        client=client,
        name="Nora North",
        email="contact@client.test",
        membership=world.client_contact,
        portal_billing=True,
    )
    book = book_create(
        practice=world.practice, name="Northwind Legal", chart="us_service", client=client
    )
    return Ledger(book, user=world.owner.user)


def line(ledger: Ledger, code: str, *, debit: str | None = None, credit: str | None = None):
    row = {"account": ledger.account(code).pk}
    if debit is not None:
        row["debit"] = debit
    if credit is not None:
        row["credit"] = credit
    return row


def draft_body(ledger: Ledger, amount: str = "120.00", **extra) -> dict:
    return {
        "date": "2026-03-02",
        "memo": "Invoice 1001",
        "lines": [line(ledger, "1100", debit=amount), line(ledger, "4010", credit=amount)],
        **extra,
    }


def test_it_checks_ownership(world, ledger, northwind, outsider_client, contact_client):
    # Given the practice's books and a client's books
    entry = ledger.post(date(2026, 1, 10), ("1010", "4010", "50.00"))
    practice_book = url(world, "api_book_detail", book_id=ledger.book.pk)
    practice_entries = url(world, "api_entry_list", book_id=ledger.book.pk)
    # Then an outsider gets 404 everywhere
    assert outsider_client.get(url(world, "api_book_list")).status_code == 404
    assert outsider_client.get(practice_book).status_code == 404
    # And the client contact does not see the practice's own books (404), nor writes (403/404)
    assert contact_client.get(practice_book).status_code == 404
    assert contact_client.get(practice_entries).status_code == 404
    post = url(world, "api_entry_post", book_id=northwind.book.pk, entry_id=entry.pk)
    assert contact_client.post(post).status_code == 404
    body = draft_body(northwind)
    response = contact_client.post(
        url(world, "api_entry_list", book_id=northwind.book.pk),
        body,
        content_type="application/json",
    )
    assert response.status_code == 403
    assert (
        not JournalEntry.objects.for_practice(world.practice).filter(book=northwind.book).exists()
    )


def test_it_lists_books_for_staff_and_only_the_own_client_for_contacts(
    world, ledger, northwind, secretary_client, admin_client_, contact_client
):
    # Given another client's books too
    other = ClientFactory(practice=world.practice, name="Other Client")
    book_create(practice=world.practice, name="Other Client", chart="us_service", client=other)
    # When an admin lists the books, Then they see all three
    names = [b["name"] for b in admin_client_.get(url(world, "api_book_list")).json()["results"]]
    assert sorted(names) == ["Harbour Desk", "Northwind Legal", "Other Client"]
    # And a secretary sees the clients' books, not the practice's own (403 when asked for them)
    names = [b["name"] for b in secretary_client.get(url(world, "api_book_list")).json()["results"]]
    assert sorted(names) == ["Northwind Legal", "Other Client"]
    own = url(world, "api_account_list", book_id=ledger.book.pk)
    assert secretary_client.get(own).status_code == 403
    # When the contact lists them, Then only its own client's
    rows = contact_client.get(url(world, "api_book_list")).json()["results"]
    assert [b["id"] for b in rows] == [northwind.book.pk]


def test_it_hides_books_from_a_contact_without_billing(world, northwind, contact_client):
    # Given the contact may no longer see billing
    Contact.objects.for_practice(world.practice).filter(membership=world.client_contact).update(
        portal_billing=False
    )
    # Then every ledger route answers 404
    assert contact_client.get(url(world, "api_book_list")).status_code == 404
    assert (
        contact_client.get(url(world, "api_book_detail", book_id=northwind.book.pk)).status_code
        == 404
    )


def test_it_shows_a_contact_only_posted_entries(world, northwind, contact_client):
    # Given a posted entry and a draft in the client's books
    posted = northwind.post(date(2026, 2, 1), ("1010", "4010", "80.00"))
    northwind.post(date(2026, 2, 2), ("1010", "4010", "5.00"), post=False)
    # When the contact lists the entries
    rows = contact_client.get(url(world, "api_entry_list", book_id=northwind.book.pk)).json()
    # Then only the posted one, with its lines and total as decimal strings
    assert [r["id"] for r in rows["results"]] == [posted.pk]
    assert rows["results"][0]["total"] == "80.00"
    assert {ln["debit"] for ln in rows["results"][0]["lines"]} == {"80.00", "0.00"}


def test_it_opens_books_for_a_client(world, owner_client):
    # Given a client without books
    client = ClientFactory(practice=world.practice, name="Nightjar", currency="AUD")
    # When staff open its books from the Australian chart
    response = owner_client.post(
        url(world, "api_book_list"),
        {"client": client.pk, "name": "Nightjar books", "chart": "au_service"},
        content_type="application/json",
    )
    # Then the book exists in the client's currency with the chart's accounts
    assert response.status_code == 201, response.json()
    book = Book.objects.for_practice(world.practice).get(pk=response.json()["id"])
    assert book.client == client and book.currency == "AUD"
    assert Account.objects.for_practice(world.practice).filter(book=book).count() > 20


def test_it_refuses_a_client_of_another_practice_when_opening_books(world, owner_client):
    stranger = ClientFactory(practice=PracticeFactory(), name="Stranger")
    response = owner_client.post(
        url(world, "api_book_list"),
        {"client": stranger.pk, "name": "Stolen", "chart": "us_service"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "client" in response.json()["errors"]
    assert not Book.objects.for_practice(world.practice).filter(name="Stolen").exists()


def test_it_lists_accounts_with_balances_and_filters(world, ledger, admin_client_):
    # Given a posted sale
    ledger.post(date(2026, 1, 10), ("1010", "4010", "150.00"))
    # When staff list the income accounts
    response = admin_client_.get(
        url(world, "api_account_list", book_id=ledger.book.pk), {"type": "income"}
    )
    rows = {r["code"]: r for r in response.json()["results"]}
    # Then only income accounts, with the posted balance in normal-balance terms
    assert set(rows) == {"4000", "4010", "4020", "4900"}
    assert rows["4010"]["balance"] == "150.00"
    archived = admin_client_.get(
        url(world, "api_account_list", book_id=ledger.book.pk), {"archived": "true"}
    )
    assert archived.json()["count"] == 0


def test_it_lists_accounts_in_constant_queries(
    world, ledger, admin_client_, django_assert_max_num_queries
):
    # Given many posted entries
    for day in range(1, 20):
        ledger.post(date(2026, 1, day), ("1010", "4010", "10.00"), ("6080", "1010", "3.00"))
    # Then the list and the entries take a bounded number of queries whatever the rows
    with django_assert_max_num_queries(12):
        admin_client_.get(url(world, "api_account_list", book_id=ledger.book.pk))
    with django_assert_max_num_queries(12):
        response = admin_client_.get(url(world, "api_entry_list", book_id=ledger.book.pk))
    assert response.json()["count"] == 19


def test_it_adds_and_edits_an_account(world, ledger, owner_client):
    # When staff add an account below Expenses
    parent = ledger.account("6000")
    response = owner_client.post(
        url(world, "api_account_list", book_id=ledger.book.pk),
        {"code": "6120", "name": "Training", "type": "expense", "parent": parent.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    account_id = response.json()["id"]
    # And rename and archive it
    response = owner_client.patch(
        url(world, "api_account_detail", book_id=ledger.book.pk, account_id=account_id),
        {"name": "Courses", "archived": True},
        content_type="application/json",
    )
    # Then it is changed, with the normal balance of its type
    assert response.status_code == 200, response.json()
    account = Account.objects.for_practice(world.practice).get(pk=account_id)
    assert (account.name, account.archived, account.normal_balance) == ("Courses", True, "debit")


def test_it_refuses_a_duplicate_account_code(world, ledger, owner_client):
    response = owner_client.post(
        url(world, "api_account_list", book_id=ledger.book.pk),
        {"code": "6080", "name": "Twice", "type": "expense"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "code" in response.json()["errors"]


def test_it_drafts_posts_and_reverses_an_entry(world, ledger, owner_client):
    # When staff draft an entry
    response = owner_client.post(
        url(world, "api_entry_list", book_id=ledger.book.pk),
        draft_body(ledger),
        content_type="application/json",
        headers={"Idempotency-Key": "draft-1"},
    )
    assert response.status_code == 201, response.json()
    entry_id = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["number"] is None
    # And send the same create again with its key, Then nothing new is made
    again = owner_client.post(
        url(world, "api_entry_list", book_id=ledger.book.pk),
        draft_body(ledger),
        content_type="application/json",
        headers={"Idempotency-Key": "draft-1"},
    )
    assert again.json()["id"] == entry_id
    assert JournalEntry.objects.for_practice(world.practice).count() == 1
    # When they post it
    posted = owner_client.post(
        url(world, "api_entry_post", book_id=ledger.book.pk, entry_id=entry_id)
    )
    assert posted.status_code == 200, posted.json()
    assert posted.json()["status"] == "posted" and posted.json()["number"] == 1
    # And reverse it on a later date
    reversal = owner_client.post(
        url(world, "api_entry_reverse", book_id=ledger.book.pk, entry_id=entry_id),
        {"date": "2026-03-31"},
        content_type="application/json",
    )
    # Then the reversal mirrors it and every account is back to zero
    assert reversal.status_code == 201, reversal.json()
    assert reversal.json()["reversal_of"] == entry_id and reversal.json()["date"] == "2026-03-31"
    detail = owner_client.get(
        url(world, "api_entry_detail", book_id=ledger.book.pk, entry_id=entry_id)
    ).json()
    assert detail["reversed_by"] == reversal.json()["id"]
    balances = owner_client.get(url(world, "api_account_list", book_id=ledger.book.pk)).json()
    assert {r["balance"] for r in balances["results"]} == {"0.00"}


def test_it_edits_and_deletes_a_draft(world, ledger, owner_client):
    draft = ledger.post(date(2026, 3, 1), ("1100", "4010", "10.00"), post=False)
    detail = url(world, "api_entry_detail", book_id=ledger.book.pk, entry_id=draft.pk)
    response = owner_client.patch(
        detail, {"memo": "Corrected", "date": "2026-03-03"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["memo"], response.json()["date"]) == ("Corrected", "2026-03-03")
    assert len(response.json()["lines"]) == 2
    assert owner_client.delete(detail).status_code == 204
    assert not JournalEntry.objects.for_practice(world.practice).exists()


def test_it_filters_entries(world, ledger, admin_client_):
    # Given entries on different days, accounts and memos
    ledger.post(date(2026, 1, 5), ("1010", "4010", "10.00"), memo="January fees")
    february = ledger.post(date(2026, 2, 5), ("6080", "1010", "20.00"), memo="Software")
    ledger.post(date(2026, 3, 5), ("1010", "4010", "30.00"), memo="March fees", post=False)
    entries = url(world, "api_entry_list", book_id=ledger.book.pk)

    def ids(**query):
        response = admin_client_.get(entries, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    # Then each filter narrows the list
    assert ids(date_from="2026-02-01", date_to="2026-02-28") == [february.pk]
    assert ids(account=ledger.account("6080").pk) == [february.pk]
    assert ids(text="software") == [february.pk]
    assert len(ids(status="draft")) == 1
    assert len(ids(source="manual")) == 3
    assert admin_client_.get(entries, {"date_from": "1800-01-01"}).status_code == 400


# --- Bad input: a 400 with the field, and nothing saved -------------------------------------


def create(owner_client, world, ledger, body) -> dict:
    response = owner_client.post(
        url(world, "api_entry_list", book_id=ledger.book.pk), body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert not JournalEntry.objects.for_practice(world.practice).exists()
    return response.json()


def line_errors(errors: dict, index: int = 0) -> dict:
    """The field errors of one line (DRF gives a list of lines, or an object keyed by index)."""
    lines = errors["lines"]
    return lines[index] if isinstance(lines, list) else lines[str(index)]


def test_it_refuses_to_post_an_unbalanced_entry(world, ledger, owner_client):
    # Given an unbalanced draft (drafts may be work in progress)
    body = {
        "date": "2026-03-02",
        "lines": [line(ledger, "1100", debit="100.00"), line(ledger, "4010", credit="90.00")],
    }
    response = owner_client.post(
        url(world, "api_entry_list", book_id=ledger.book.pk), body, content_type="application/json"
    )
    entry_id = response.json()["id"]
    # When it is posted, Then 400 says by how much it is off, and it stays a draft
    posted = owner_client.post(
        url(world, "api_entry_post", book_id=ledger.book.pk, entry_id=entry_id)
    )
    assert posted.status_code == 400
    assert "10.00" in posted.json()["message"] and "lines" in posted.json()["errors"]
    entry = JournalEntry.objects.for_practice(world.practice).get(pk=entry_id)
    assert entry.status == EntryStatus.DRAFT


def test_it_refuses_a_line_with_both_debit_and_credit(world, ledger, owner_client):
    body = {
        "date": "2026-03-02",
        "lines": [
            line(ledger, "1100", debit="10.00", credit="10.00"),
            line(ledger, "4010", credit="10.00"),
        ],
    }
    errors = create(owner_client, world, ledger, body)["errors"]
    assert "lines.0.debit" in errors


def test_it_refuses_a_negative_amount(world, ledger, owner_client):
    body = draft_body(ledger)
    body["lines"][0]["debit"] = "-10.00"
    errors = create(owner_client, world, ledger, body)["errors"]
    assert "debit" in line_errors(errors)


def test_it_refuses_too_many_decimals(world, ledger, owner_client):
    body = draft_body(ledger, amount="10.005")
    errors = create(owner_client, world, ledger, body)["errors"]
    assert "debit" in line_errors(errors)


def test_it_refuses_whole_currency_amounts_with_cents(world, owner_client):
    # Given a book in yen (no minor unit)
    client = ClientFactory(practice=world.practice, name="Tokyo", currency="JPY")
    book = book_create(
        practice=world.practice, name="Tokyo", chart="us_service", client=client, currency="JPY"
    )
    ledger = Ledger(book)
    errors = create(owner_client, world, ledger, draft_body(ledger, amount="10.50"))["errors"]
    assert "lines.0.debit" in errors


@pytest.mark.parametrize("where", ["other_book", "other_practice"])
def test_it_refuses_an_account_of_another_book(world, ledger, northwind, owner_client, where):
    # Given an account of another book (of this practice, or of another practice)
    if where == "other_book":
        stranger = northwind.account("1010")
    else:
        other = book_create(practice=world.other_practice, name="B", chart="us_service")
        stranger = Account.objects.for_practice(world.other_practice).get(book=other, code="1010")
    body = draft_body(ledger)
    body["lines"][0]["account"] = stranger.pk
    # Then the line's account is a field error, and nothing is saved
    errors = create(owner_client, world, ledger, body)["errors"]
    assert "account" in line_errors(errors)
    assert not JournalLine.objects.for_practice(world.practice).exists()


def test_it_refuses_to_post_into_a_locked_period(world, ledger, owner_client):
    # Given books locked up to the end of March and a draft dated in March
    draft = ledger.post(date(2026, 3, 15), ("1100", "4010", "10.00"), post=False)
    book_lock(practice=world.practice, book=ledger.book, lock_date=date(2026, 3, 31))
    # When it is posted, Then 400 on the date, and it stays a draft
    response = owner_client.post(
        url(world, "api_entry_post", book_id=ledger.book.pk, entry_id=draft.pk)
    )
    assert response.status_code == 400
    assert "date" in response.json()["errors"]
    draft.refresh_from_db()
    assert draft.status == EntryStatus.DRAFT


def test_it_refuses_to_edit_or_delete_a_posted_entry(world, ledger, owner_client):
    entry = ledger.post(date(2026, 3, 1), ("1100", "4010", "10.00"))
    detail = url(world, "api_entry_detail", book_id=ledger.book.pk, entry_id=entry.pk)
    edit = owner_client.patch(detail, {"memo": "Changed"}, content_type="application/json")
    assert edit.status_code == 400 and "reverse" in edit.json()["message"]
    assert owner_client.delete(detail).status_code == 400
    entry.refresh_from_db()
    assert entry.memo == "" and entry.is_posted


def test_it_refuses_to_reverse_twice(world, ledger, owner_client):
    entry = ledger.post(date(2026, 3, 1), ("1100", "4010", "10.00"))
    target = url(world, "api_entry_reverse", book_id=ledger.book.pk, entry_id=entry.pk)
    json = "application/json"
    assert owner_client.post(target, {}, content_type=json).status_code == 201
    assert owner_client.post(target, {}, content_type=json).status_code == 400
    assert JournalEntry.objects.for_practice(world.practice).count() == 2


def test_it_lists_tax_codes_and_contacts(world, ledger, northwind, contact_client, owner_client):
    LedgerContact.objects.create(practice=world.practice, book=northwind.book, name="Acme")
    codes = owner_client.get(url(world, "api_taxcode_list", book_id=ledger.book.pk)).json()
    assert {c["code"] for c in codes["results"]} == {"EXEMPT", "ST"}
    contacts = contact_client.get(url(world, "api_ledgercontact_list", book_id=northwind.book.pk))
    assert [c["name"] for c in contacts.json()["results"]] == ["Acme"]
    assert Decimal(codes["results"][0]["rate"]) == Decimal("0")


def test_it_audits_staff_reads_of_a_regulated_clients_books(world, northwind, secretary_client):
    # Given Northwind is regulated
    from clients.models import Client
    from secretary.models import ActivityEvent

    Client.objects.for_practice(world.practice).filter(pk=northwind.book.client_id).update(
        is_regulated=True
    )
    # When a secretary reads its entries
    response = secretary_client.get(url(world, "api_entry_list", book_id=northwind.book.pk))
    # Then the read is in the audit log
    assert response.status_code == 200
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="client.records_viewed")
        .exists()
    )
