"""Staff pages of the journal: the list, one entry, the manual entry form and its HTMX
fragments, post, reverse, delete."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from billing.ledger.books import book_create
from billing.ledger.posting import book_lock
from billing.models import Account, EntrySource, EntryStatus, JournalEntry, JournalLine
from tests.billing.conftest import Ledger
from tests.clients.factories import ClientFactory


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def books(world) -> Ledger:
    client = ClientFactory(practice=world.practice, name="Acme Plumbing")
    book = book_create(
        practice=world.practice,
        client=client,
        name="Acme Plumbing",
        chart="us_service",
        currency="USD",
    )
    return Ledger(book, user=world.secretary.user)


def entries(world):
    return JournalEntry.objects.for_practice(world.practice)


def form_data(books: Ledger, *lines, day="2026-03-10", memo="Office rent", **extra) -> dict:
    """The entry form as a browser sends it; ``lines`` are (account code, debit, credit)."""
    data = {
        "date": day,
        "memo": memo,
        "reference": "INV-1",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "500",
    }
    for index, (code, debit, credit) in enumerate(lines):
        account = books.account(code).pk if isinstance(code, str) else code
        data[f"lines-{index}-account"] = account
        data[f"lines-{index}-debit"] = debit
        data[f"lines-{index}-credit"] = credit
        data[f"lines-{index}-description"] = f"line {index}"
    data.update(extra)
    return data


RENT = (("6070", "1500.00", ""), ("1010", "", "1500.00"))


def test_it_checks_ownership(
    world, books, ledger, outsider_client, contact_client, secretary_client, owner_client
):
    entry = books.post(date(2026, 3, 1), ("1010", "4010", "10"), post=False)
    b = {"book_id": books.book.pk}
    e = {**b, "entry_id": entry.pk}
    for name, kwargs in [
        ("journal_list", b),
        ("entry_new", b),
        ("entry_detail", e),
        ("entry_edit", e),
        ("entry_reverse", e),
        ("entry_line", b),
        ("entry_totals", b),
    ]:
        # An outsider and a client contact find nothing; a secretary keeps a client's books
        assert outsider_client.get(url(name, world, **kwargs)).status_code == 404
        assert contact_client.get(url(name, world, **kwargs)).status_code == 404
        assert secretary_client.get(url(name, world, **kwargs)).status_code == 200
    # The outsider cannot post or delete practice A's draft
    assert outsider_client.post(url("entry_post", world, **e)).status_code == 404
    assert outsider_client.post(url("entry_delete", world, **e)).status_code == 404
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT
    # The practice's own journal is for owners and admins
    own = {"book_id": ledger.book.pk}
    assert secretary_client.get(url("journal_list", world, **own)).status_code == 403
    assert secretary_client.post(url("entry_new", world, **own), {}).status_code == 403
    assert owner_client.get(url("journal_list", world, **own)).status_code == 200
    # An entry id of another book answers 404 under this book
    other_entry = ledger.post(date(2026, 3, 1), ("1010", "4010", "10"))
    response = owner_client.get(url("entry_detail", world, **b, entry_id=other_entry.pk))
    assert response.status_code == 404


def _count_queries(client, page) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(page).status_code == 200
    return len(context.captured_queries)


def test_it_lists_entries_in_a_constant_number_of_queries(world, books, secretary_client):
    # Given 3 entries
    for day in range(1, 4):
        books.post(date(2026, 1, day), ("1010", "4010", "10"))
    page = url("journal_list", world, book_id=books.book.pk)
    filtered = page + f"?account={books.account('1010').pk}&q=line&status=posted"
    secretary_client.get(page)
    few, few_filtered = (
        _count_queries(secretary_client, page),
        _count_queries(secretary_client, filtered),
    )
    # When there are 30
    for day in range(4, 31):
        books.post(date(2026, 1, day), ("1010", "4010", "10"))
    # Then the list takes as many queries
    assert _count_queries(secretary_client, page) == few
    assert _count_queries(secretary_client, filtered) == few_filtered


def test_it_paginates_by_fifty(world, books, secretary_client):
    for index in range(52):
        books.post(date(2026, 1, 1 + index % 28), ("1010", "4010", "1"))
    response = secretary_client.get(url("journal_list", world, book_id=books.book.pk))
    assert len(response.context["page"].object_list) == 50
    second = secretary_client.get(url("journal_list", world, book_id=books.book.pk) + "?page=2")
    assert len(second.context["page"].object_list) == 2


def test_it_filters_the_journal(world, books, secretary_client):
    # Given a rent payment, a sale and a draft
    books.post(date(2026, 2, 1), ("6070", "1010", "800"), memo="February rent")
    books.post(date(2026, 3, 5), ("1100", "4010", "250"), memo="Invoice 7")
    books.post(date(2026, 3, 9), ("1010", "4010", "99"), memo="Cash sale", post=False)
    page = url("journal_list", world, book_id=books.book.pk)

    def memos(query):
        response = secretary_client.get(page, query)
        return [entry.memo for entry in response.context["page"].object_list]

    # Then each filter narrows the list
    assert memos({"q": "rent"}) == ["February rent"]
    assert memos({"account": books.account("4010").pk}) == ["Cash sale", "Invoice 7"]
    assert memos({"date_from": "2026-03-01", "date_to": "2026-03-31"}) == [
        "Cash sale",
        "Invoice 7",
    ]
    assert memos({"status": "draft"}) == ["Cash sale"]
    assert memos({"source": EntrySource.MANUAL, "status": "posted"}) == [
        "Invoice 7",
        "February rent",
    ]
    # An account of another book is no filter at all (not a valid choice)
    other = book_create(practice=world.other_practice, name="Other", chart="us_service")
    foreign = Account.objects.for_practice(world.other_practice).filter(book=other).first()
    assert len(memos({"account": foreign.pk})) == 3
    # The totals come from the lines, in the book's currency
    assert "USD\xa0800.00" in secretary_client.get(page).content.decode()


def test_it_saves_a_draft_then_posts_it(world, books, secretary_client):
    # When a secretary saves a balanced entry as a draft
    response = secretary_client.post(
        url("entry_new", world, book_id=books.book.pk), form_data(books, *RENT)
    )
    entry = entries(world).get()
    assert response.status_code == 302
    assert entry.status == EntryStatus.DRAFT and entry.memo == "Office rent"
    assert entry.lines.count() == 2
    # And posts it from its page
    secretary_client.post(url("entry_post", world, book_id=books.book.pk, entry_id=entry.pk))
    entry.refresh_from_db()
    assert entry.is_posted and entry.number == 1 and entry.posted_by == world.secretary.user
    page = secretary_client.get(
        url("entry_detail", world, book_id=books.book.pk, entry_id=entry.pk)
    ).content.decode()
    assert "USD\xa01,500.00" in page and escape(str(world.secretary.user)) in page


def test_it_posts_directly_and_sends_the_same_form_once(world, books, secretary_client):
    data = form_data(books, *RENT, post="1")
    # Given the form as rendered (with its single-use token)
    page = secretary_client.get(url("entry_new", world, book_id=books.book.pk))
    data["idempotency_token"] = page.context["form"]["idempotency_token"].value()
    # When it is posted twice
    secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
    secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
    # Then one posted entry exists
    assert entries(world).count() == 1
    assert entries(world).get().is_posted


def _refused(response, world, text: str):
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not entries(world).exists()
    assert not JournalLine.objects.for_practice(world.practice).exists()


def test_it_refuses_an_unbalanced_post_with_the_ledger_message(world, books, secretary_client):
    data = form_data(books, ("6070", "1500.00", ""), ("1010", "", "1400.00"), post="1")
    response = secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
    _refused(response, world, "Debits and credits differ by USD\xa0100.00")


def test_it_refuses_a_line_with_both_debit_and_credit(world, books, secretary_client):
    data = form_data(books, ("6070", "10", "10"), ("1010", "", "10"))
    response = secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
    _refused(response, world, "not both")


def test_it_refuses_a_negative_amount(world, books, secretary_client):
    data = form_data(books, ("6070", "-10", ""), ("1010", "", "-10"))
    response = secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
    _refused(response, world, "never negative")


def test_it_refuses_more_decimals_than_the_currency_has(world, books, secretary_client):
    data = form_data(books, ("6070", "10.005", ""), ("1010", "", "10.005"))
    response = secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
    _refused(response, world, "USD amounts have at most 2 decimal places")


def test_it_refuses_yen_with_decimals(world, secretary_client):
    client = ClientFactory(practice=world.practice, name="Tokyo Trading")
    yen = Ledger(
        book_create(
            practice=world.practice,
            client=client,
            name="Tokyo",
            chart="us_service",
            currency="JPY",
        )
    )
    data = form_data(yen, ("6070", "10.5", ""), ("1010", "", "10.5"))
    response = secretary_client.post(url("entry_new", world, book_id=yen.book.pk), data)
    _refused(response, world, "JPY amounts have at most 0 decimal places")
    # Whole yen are fine
    data = form_data(yen, ("6070", "1050", ""), ("1010", "", "1050"), post="1")
    secretary_client.post(url("entry_new", world, book_id=yen.book.pk), data)
    assert entries(world).get().is_posted


def test_it_refuses_an_account_of_another_book_or_practice(world, books, ledger, secretary_client):
    other = book_create(practice=world.other_practice, name="Other", chart="us_service")
    for foreign in (
        ledger.account("6070").pk,  # the practice's own book
        Account.objects.for_practice(world.other_practice).get(book=other, code="6070").pk,
    ):
        data = form_data(books, (foreign, "10", ""), ("1010", "", "10"), post="1")
        response = secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert not entries(world).filter(book=books.book).exists()
    assert not JournalLine.objects.for_practice(world.practice).filter(book=books.book).exists()


def test_it_refuses_posting_into_a_locked_period(world, books, secretary_client):
    book_lock(practice=world.practice, book=books.book, lock_date=date(2026, 3, 31))
    data = form_data(books, *RENT, post="1")
    response = secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
    _refused(response, world, "locked up to 2026-03-31")


def test_it_edits_a_draft_but_never_a_posted_entry(world, books, secretary_client):
    draft = books.post(date(2026, 3, 1), ("1010", "4010", "10"), post=False)
    edit = url("entry_edit", world, book_id=books.book.pk, entry_id=draft.pk)
    # The draft's page shows its lines, and a new version replaces them
    assert secretary_client.get(edit).status_code == 200
    response = secretary_client.post(edit, form_data(books, *RENT, memo="Rent, corrected"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.memo == "Rent, corrected"
    assert sorted(draft.lines.values_list("debit", flat=True)) == [0, Decimal("1500.00")]
    # A posted entry is refused with a clear message and stays as it was
    posted = books.post(date(2026, 3, 2), ("1010", "4010", "20"))
    edit = url("entry_edit", world, book_id=books.book.pk, entry_id=posted.pk)
    response = secretary_client.post(edit, form_data(books, *RENT), follow=True)
    assert "posted and cannot be edited" in response.content.decode()
    posted.refresh_from_db()
    assert posted.memo == "" and posted.lines.get(debit__gt=0).debit == Decimal("20.00")


def test_it_keeps_the_draft_when_posting_an_edit_fails(world, books, secretary_client):
    draft = books.post(date(2026, 3, 1), ("1010", "4010", "10"), post=False)
    edit = url("entry_edit", world, book_id=books.book.pk, entry_id=draft.pk)
    data = form_data(books, ("6070", "5", ""), ("1010", "", "4"), memo="Changed", post="1")
    response = secretary_client.post(edit, data)
    assert response.status_code == 400 and "must balance" in response.content.decode()
    draft.refresh_from_db()
    assert draft.memo == "" and draft.status == EntryStatus.DRAFT


def test_it_deletes_a_draft(world, books, secretary_client):
    draft = books.post(date(2026, 3, 1), ("1010", "4010", "10"), post=False)
    secretary_client.post(url("entry_delete", world, book_id=books.book.pk, entry_id=draft.pk))
    assert not entries(world).exists()


def test_it_reverses_a_posted_entry(world, books, secretary_client):
    entry = books.post(date(2026, 3, 1), ("1010", "4010", "10"))
    reverse_url = url("entry_reverse", world, book_id=books.book.pk, entry_id=entry.pk)
    # The form offers the entry's date
    assert secretary_client.get(reverse_url).context["form"].initial["date"] == date(2026, 3, 1)
    # When it is reversed
    response = secretary_client.post(reverse_url, {"date": "2026-03-04"})
    reversal = entries(world).get(reversal_of=entry)
    assert response.status_code == 302
    assert reversal.is_posted and reversal.date == date(2026, 3, 4)
    # Then both pages link to each other
    page = secretary_client.get(
        url("entry_detail", world, book_id=books.book.pk, entry_id=entry.pk)
    ).content.decode()
    assert "Reversed by" in page
    # And a second reversal is refused
    response = secretary_client.post(reverse_url, {"date": "2026-03-05"})
    assert response.status_code == 400 and "already been reversed" in response.content.decode()


def test_it_offers_the_day_after_the_lock_date_for_a_reversal(world, books, secretary_client):
    entry = books.post(date(2026, 3, 1), ("1010", "4010", "10"))
    book_lock(practice=world.practice, book=books.book, lock_date=date(2026, 3, 31))
    reverse_url = url("entry_reverse", world, book_id=books.book.pk, entry_id=entry.pk)
    form = secretary_client.get(reverse_url).context["form"]
    assert form.initial["date"] == date(2026, 4, 1)
    response = secretary_client.post(reverse_url, {"date": "2026-03-15"})
    assert response.status_code == 400 and "locked up to" in response.content.decode()


def test_it_adds_a_blank_line_fragment_and_raises_the_form_count(world, books, secretary_client):
    # When the form has 2 lines and "Add line" asks for a third
    response = secretary_client.get(
        url("entry_line", world, book_id=books.book.pk),
        {"lines-TOTAL_FORMS": "2"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    # Then the fragment is line number 2 (from 0), with the book's accounts, and the count is 3
    assert 'name="lines-2-account"' in html and 'name="lines-2-debit"' in html
    assert "Checking account" in html
    assert 'name="lines-TOTAL_FORMS" value="3"' in html and 'hx-swap-oob="true"' in html
    assert response["HX-Trigger"] == "entry-lines-changed"
    assert "<html" not in html


def test_it_removes_a_line_by_marking_it_deleted(world, books, secretary_client):
    response = secretary_client.get(
        url("entry_line_remove", world, book_id=books.book.pk), {"index": "1"}
    )
    html = response.content.decode()
    assert 'name="lines-1-DELETE" value="on"' in html and 'id="entry-line-1"' in html
    # And a removed line is left out when the form is saved
    data = form_data(books, *RENT, ("6050", "999", ""))
    data["lines-2-DELETE"] = "on"
    secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
    assert entries(world).get().lines.count() == 2


def test_it_adds_a_line_without_javascript(world, books, secretary_client):
    data = form_data(books, *RENT, add_line="1")
    response = secretary_client.post(url("entry_new", world, book_id=books.book.pk), data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3
    assert not entries(world).exists()


def test_it_shows_running_totals(world, books, secretary_client):
    totals = url("entry_totals", world, book_id=books.book.pk)
    # When the lines as typed do not balance
    data = form_data(books, ("6070", "1500", ""), ("1010", "", "1200.5"))
    html = secretary_client.post(totals, data).content.decode()
    # Then the fragment shows debits, credits and the difference in the book's currency
    assert "USD\xa01,500.00" in html and "USD\xa01,200.50" in html and "USD\xa0299.50" in html
    assert "Unbalanced" in html
    # A removed line and a bad amount do not count
    data = form_data(books, *RENT, ("6050", "abc", ""), ("6050", "7", ""))
    data["lines-3-DELETE"] = "on"
    html = secretary_client.post(totals, data).content.decode()
    assert "Balanced" in html and "not valid" in html
