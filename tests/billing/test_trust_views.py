"""Trust pages: staff read, open matters, take money in and reconcile; admins pay out,
transfer and close matters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Account, JournalEntry, TrustMatter, TrustReconciliation
from billing.trust import selectors, services
from tests.billing.isolation_trust import law_firm_book, matter_with_money


@pytest.fixture
def book(world):
    return law_firm_book(world.practice, user=world.owner.user)


def url(name, world, book, **kwargs):
    return reverse(
        name, kwargs={"practice_slug": world.practice.slug, "book_id": book.pk, **kwargs}
    )


def token(client, page_url) -> str:
    return client.get(page_url).context["form"]["idempotency_token"].value()


def test_it_checks_ownership(world, book, outsider_client, contact_client, secretary_client):
    matter = matter_with_money(world.practice, book, reference="M-1", amount="50")
    m = {"matter_id": matter.pk}
    for name, kwargs in [
        ("trust_matter_list", {}),
        ("trust_matter_detail", m),
        ("trust_matter_create", {}),
        ("trust_deposit", {}),
        ("trust_reconcile", {}),
        ("trust_reconciliation_list", {}),
    ]:
        page = url(name, world, book, **kwargs)
        assert outsider_client.get(page).status_code == 404
        assert contact_client.get(page).status_code == 404
        assert secretary_client.get(page).status_code == 200
    # Paying out, transferring and closing take an admin
    for name, kwargs in [("trust_withdrawal", {}), ("trust_transfer", {})]:
        assert secretary_client.get(url(name, world, book, **kwargs)).status_code == 403
    response = secretary_client.post(
        url("trust_withdrawal", world, book),
        {"matter": matter.pk, "purpose": "client", "date": "2026-02-01", "amount": "10"},
    )
    assert response.status_code == 403
    assert secretary_client.post(url("trust_matter_close", world, book, **m)).status_code == 403
    assert selectors.matter_balance(practice=world.practice, matter=matter) == Decimal("50.00")
    # Another practice's book is not found, even with its own slug
    other = law_firm_book(world.other_practice, name="Elsewhere")
    forged = reverse(
        "trust_matter_list", kwargs={"practice_slug": world.practice.slug, "book_id": other.pk}
    )
    assert secretary_client.get(forged).status_code == 404


def test_it_lists_matters_with_balances_in_constant_queries(
    world, book, secretary_client, django_assert_max_num_queries
):
    # Given two matters with money
    matter_with_money(world.practice, book, reference="M-1", amount="10")
    matter_with_money(world.practice, book, reference="M-2", amount="20")
    page = url("trust_matter_list", world, book)
    secretary_client.get(page)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = secretary_client.get(page)
    assert "USD\xa020.00" in response.content.decode() or "USD\xa020" in response.content.decode()
    # When ten more matters come, then the page runs the same number of queries
    for n in range(10):
        matter_with_money(world.practice, book, reference=f"N-{n}", amount="5")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_client.get(page)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 12


def test_it_shows_a_matter_ledger_in_constant_queries(
    world, book, secretary_client, django_assert_max_num_queries
):
    matter = matter_with_money(world.practice, book, reference="M-1", amount="100")
    page = url("trust_matter_detail", world, book, matter_id=matter.pk)
    secretary_client.get(page)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        secretary_client.get(page)
    for _n in range(8):
        services.trust_deposit(
            practice=world.practice, book=book, matter=matter, date=date(2026, 1, 6), amount="1"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_client.get(page)
    rows = list(response.context["page"].object_list)
    assert rows[0].running_balance == Decimal("108.00")
    assert rows[-1].running_balance == Decimal("100.00")


def test_a_secretary_opens_a_matter_and_takes_money_in(world, book, secretary_client):
    # When a secretary opens a matter
    create = url("trust_matter_create", world, book)
    response = secretary_client.post(
        create,
        {
            "reference": "2026-014",
            "name": "Estate of A. Example",
            "opened_on": "2026-01-10",
            "idempotency_token": token(secretary_client, create),
        },
    )
    matter = TrustMatter.objects.for_practice(world.practice).get(reference="2026-014")
    assert response.status_code == 302
    # And records 500.00 received for it, sent twice by a double click
    deposit = url("trust_deposit", world, book)
    data = {
        "matter": matter.pk,
        "date": "2026-01-12",
        "amount": "500.00",
        "idempotency_token": token(secretary_client, deposit),
    }
    assert secretary_client.post(deposit, data).status_code == 302
    assert secretary_client.post(deposit, data).status_code == 302
    # Then it is posted once and the matter holds 500.00
    assert JournalEntry.objects.for_practice(world.practice).filter(book=book).count() == 1
    assert selectors.matter_balance(practice=world.practice, matter=matter) == Decimal("500.00")


def test_it_refuses_a_withdrawal_beyond_the_balance_on_the_form(world, book, admin_client_):
    # Given a matter holding 75.00
    matter = matter_with_money(world.practice, book, reference="M-1", amount="75")
    page = url("trust_withdrawal", world, book)
    # When an admin pays out 80.00
    response = admin_client_.post(
        page,
        {
            "matter": matter.pk,
            "purpose": "client",
            "date": "2026-02-01",
            "amount": "80.00",
            "idempotency_token": token(admin_client_, page),
        },
    )
    # Then the form says what is available and nothing is saved
    assert response.status_code == 400
    errors = response.context["form"].errors["amount"]
    assert "USD\xa075.00 available" in errors[0]
    assert JournalEntry.objects.for_practice(world.practice).filter(book=book).count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": "-10"},
        {"amount": "1e9999"},
        {"amount": "12.345"},
        {"date": "1800-01-01"},
        {"date": "not a date"},
        {"matter": "999999"},
        {"matter": "x"},
        {"purpose": "somewhere"},
    ],
)
def test_it_refuses_bad_input_to_a_withdrawal(world, book, admin_client_, bad):
    matter = matter_with_money(world.practice, book, reference="M-1", amount="75")
    page = url("trust_withdrawal", world, book)
    data = {"matter": matter.pk, "purpose": "fees", "date": "2026-02-01", "amount": "5"}
    response = admin_client_.post(
        page, {**data, **bad, "idempotency_token": token(admin_client_, page)}
    )
    assert response.status_code == 400
    assert JournalEntry.objects.for_practice(world.practice).filter(book=book).count() == 1


def test_it_refuses_a_matter_of_another_book_on_the_deposit_form(world, book, secretary_client):
    other = law_firm_book(world.practice, name="Other firm")
    foreign = matter_with_money(world.practice, other, reference="X-1", amount="0")
    page = url("trust_deposit", world, book)
    response = secretary_client.post(
        page,
        {
            "matter": foreign.pk,
            "date": "2026-02-01",
            "amount": "5",
            "idempotency_token": token(secretary_client, page),
        },
    )
    assert response.status_code == 400
    assert "matter" in response.context["form"].errors


def test_an_admin_transfers_between_matters(world, book, admin_client_):
    source = matter_with_money(world.practice, book, reference="M-1", amount="90")
    target = matter_with_money(world.practice, book, reference="M-2", amount="0")
    page = url("trust_transfer", world, book)
    response = admin_client_.post(
        page,
        {
            "from_matter": source.pk,
            "to_matter": target.pk,
            "date": "2026-02-01",
            "amount": "40",
            "idempotency_token": token(admin_client_, page),
        },
    )
    assert response.status_code == 302
    assert selectors.matter_balance(practice=world.practice, matter=target) == Decimal("40.00")


def test_closing_a_matter_with_money_is_refused_with_a_message(world, book, admin_client_):
    matter = matter_with_money(world.practice, book, reference="M-1", amount="9")
    page = url("trust_matter_close", world, book, matter_id=matter.pk)
    response = admin_client_.post(page, {"closed_on": "2026-02-01"}, follow=True)
    assert "still holds USD\xa09.00" in response.content.decode()
    matter.refresh_from_db()
    assert matter.closed_on is None


def test_it_previews_and_records_a_three_way_reconciliation(world, book, secretary_client):
    # Given a matter holding 60.00
    matter_with_money(world.practice, book, reference="M-1", amount="60")
    bank = Account.objects.for_practice(world.practice).get(book=book, code="1050")
    page = url("trust_reconcile", world, book)
    # When the figures are shown for the end of January against a statement of 61.00
    preview = secretary_client.get(
        page, {"account": bank.pk, "as_of": "2026-01-31", "statement_balance": "61.00"}
    )
    # Then the difference is shown
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Difference" in body and "USD\xa01.00" in body
    # And when it is recorded, it keeps the figures and who reconciled
    response = secretary_client.post(
        page,
        {
            "account": bank.pk,
            "as_of": "2026-01-31",
            "statement_balance": "61.00",
            "idempotency_token": token(secretary_client, page),
        },
    )
    assert response.status_code == 302
    saved = TrustReconciliation.objects.for_practice(world.practice).get()
    assert (saved.account_balance, saved.matters_total) == (Decimal("60.00"), Decimal("60.00"))
    assert saved.reconciled_by == world.secretary.user and not saved.is_balanced
    detail = secretary_client.get(response["Location"]).content.decode()
    assert "Difference" in detail
    listing = secretary_client.get(url("trust_reconciliation_list", world, book))
    assert "Difference" in listing.content.decode()


def test_the_htmx_preview_answers_the_figures_fragment(world, book, secretary_client):
    matter_with_money(world.practice, book, reference="M-1", amount="60")
    bank = Account.objects.for_practice(world.practice).get(book=book, code="1050")
    response = secretary_client.get(
        url("trust_reconcile", world, book),
        {"account": bank.pk, "as_of": "2026-01-31", "statement_balance": "60"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Balanced" in body and "<html" not in body
