"""Reports API: a report as JSON with money as decimal strings; contacts read their own books."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from billing.ledger.books import book_create
from clients.models import Contact
from tests.clients.factories import ClientFactory


def _url(world, book, kind):
    return reverse(
        "api_book_report",
        kwargs={"practice_slug": world.practice.slug, "book_id": book.pk, "kind": kind},
    )


def test_it_checks_ownership(world, client_ledger, outsider_client, contact_client):
    url = _url(world, client_ledger.book, "profit_and_loss")
    assert outsider_client.get(url).status_code == 404
    # The contact reads the profit and loss of their own books, not the trial balance
    assert contact_client.get(url).status_code == 200
    assert contact_client.get(_url(world, client_ledger.book, "trial_balance")).status_code == 404
    # Nor another client's books
    other = book_create(
        practice=world.practice,
        name="Southwind",
        chart="us_service",
        client=ClientFactory(practice=world.practice),
    )
    assert contact_client.get(_url(world, other, "profit_and_loss")).status_code == 404
    # Nor anything once billing is taken away
    Contact.objects.for_practice(world.practice).filter(membership=world.client_contact).update(
        portal_billing=False
    )
    assert contact_client.get(url).status_code == 404


def test_it_answers_the_profit_and_loss_with_decimal_strings(world, ledger, admin_client_):
    ledger.post(date(2026, 1, 15), ("1010", "4010", "100.00"))
    ledger.post(date(2026, 2, 15), ("1010", "4010", "1250.00"), ("6080", "1010", "50.00"))
    response = admin_client_.get(
        _url(world, ledger.book, "profit_and_loss"),
        {"start": "2026-02-01", "end": "2026-02-28", "compare": "true"},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["currency"] == ledger.book.currency
    assert "2026-01-01" in data["compare_period"]
    net = data["rows"][-1]
    assert net["cells"][1] == "Net profit" and net["figures"] == ["1200.00", "100.00"]
    income = next(row for row in data["rows"] if row["cells"][1] == "Service income")
    assert income["account"] == ledger.account("4010").pk


def test_it_leaves_the_comparison_out_when_asked(world, ledger, admin_client_):
    response = admin_client_.get(
        _url(world, ledger.book, "balance_sheet"), {"as_of": "2026-02-28", "compare": "false"}
    )
    assert response.status_code == 200
    assert response.json()["compare_period"] is None
    assert len(response.json()["figure_columns"]) == 1


def test_it_pages_the_general_ledger(world, ledger, admin_client_):
    for day in range(1, 29):
        ledger.post(date(2026, 2, day), ("1010", "4010", "2.00"), ("1010", "4010", "3.00"))
    url = _url(world, ledger.book, "general_ledger")
    account = ledger.account("1010").pk
    params = {"start": "2026-02-01", "end": "2026-02-28", "account": account, "page": "2"}
    data = admin_client_.get(url, params).json()
    assert (data["page"], data["pages"], data["line_count"]) == (2, 2, 56)
    assert data["rows"][-1]["figures"] == [None, None, "140.00"]


def test_it_refuses_bad_queries(world, ledger, admin_client_):
    url = _url(world, ledger.book, "general_ledger")
    assert admin_client_.get(url).status_code == 400  # no account
    assert admin_client_.get(url, {"account": "1.0"}).status_code == 400
    pnl = _url(world, ledger.book, "profit_and_loss")
    assert admin_client_.get(pnl, {"compare": "yes"}).status_code == 400
    assert admin_client_.get(pnl, {"start": "0001-01-01"}).status_code == 400
    assert admin_client_.get(pnl, {"start": "2026-03-01", "end": "2026-02-01"}).status_code == 400
    assert admin_client_.get(_url(world, ledger.book, "nothing")).status_code == 404
