"""Bank API: upload, import status, statement lines, match."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import StatementLine
from tests.billing.bank_helpers import CSV_HEADER, feed


@pytest.fixture
def ledger(client_ledger):
    """A client's books: the secretary keeps them."""
    return client_ledger


def _url(name, ledger, **kwargs):
    return reverse(
        name, kwargs={"practice_slug": ledger.practice.slug, "book_id": ledger.book.pk, **kwargs}
    )


def test_it_checks_ownership(world, ledger, outsider_client, contact_client):
    for client in (outsider_client, contact_client):
        assert client.get(_url("api_bank_lines", ledger)).status_code == 404
        assert client.get(_url("api_bank_imports", ledger)).status_code == 404


def test_it_uploads_follows_and_lists(
    world, ledger, secretary_client, django_capture_on_commit_callbacks
):
    # given a mapping
    feed(ledger)
    upload = SimpleUploadedFile("jan.csv", (CSV_HEADER + "2025-01-05,Pay,10.00,\n").encode())
    # when a statement is uploaded through the API
    with django_capture_on_commit_callbacks(execute=True):
        created = secretary_client.post(
            _url("api_bank_imports", ledger),
            {"account": ledger.account("1010").pk, "file": upload},
            headers={"Idempotency-Key": "bank-upload-1"},
        )
    assert created.status_code == 201, created.content
    # then its status is done and its line is listed with a decimal string amount
    status = secretary_client.get(_url("api_bank_import", ledger, import_id=created.json()["id"]))
    assert status.json()["status"] == "done"
    lines = secretary_client.get(_url("api_bank_lines", ledger), {"reconciled": "false"}).json()
    assert [(line["amount"], line["currency"]) for line in lines["results"]] == [
        ("10.00", ledger.book.currency)
    ]


def test_it_refuses_an_account_of_no_bank(world, ledger, secretary_client):
    upload = SimpleUploadedFile("jan.csv", b"x")
    response = secretary_client.post(
        _url("api_bank_imports", ledger), {"account": ledger.account("4010").pk, "file": upload}
    )
    assert response.status_code == 400
    assert "account" in response.json()["errors"]


def test_it_matches_a_line(world, ledger, secretary_client):
    line = StatementLine.objects.create(
        practice=ledger.practice,
        book=ledger.book,
        account=ledger.account("1010"),
        date=date(2025, 1, 5),
        description="Pay",
        amount=Decimal("10.00"),
        line_hash="h",
    )
    entry = ledger.post(date(2025, 1, 5), ("1010", "4010", "10.00"))
    bank_line = entry.lines.get(account=ledger.account("1010"))
    response = secretary_client.post(
        _url("api_bank_line_match", ledger, line_id=line.pk),
        {"journal_lines": [bank_line.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["reconciled"] is True
    again = secretary_client.post(
        _url("api_bank_line_match", ledger, line_id=line.pk),
        {"journal_lines": [bank_line.pk]},
        content_type="application/json",
    )
    assert again.status_code == 400
