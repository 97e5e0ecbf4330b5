"""The client's view of their books in the portal: their own books only, billing contacts
only, the reports they may read, CSV and PDF downloads and the published month-end packs."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from billing.ledger.books import book_create
from billing.models import MonthEndPack, PackStatus
from clients.models import Contact
from documents.models import Document, DocumentKind
from tests.clients.factories import ClientFactory
from tests.conftest import client_for
from tests.documents.factories import DocumentFactory

FEBRUARY = {"report": "profit_and_loss", "start": "2026-02-01", "end": "2026-02-28"}


def _url(name, world, *args):
    return reverse(name, args=[world.practice.slug, *args])


@pytest.fixture
def other_book(world):
    other = ClientFactory(practice=world.practice, name="Southwind Co")
    return book_create(practice=world.practice, name="Southwind", chart="us_service", client=other)


def test_it_checks_ownership(
    world, client_ledger, other_book, outsider_client, secretary_client, contact_client
):
    page = _url("portal_ledger_reports", world, client_ledger.book.pk)
    # Then the contact reads their own client's books
    assert contact_client.get(page).status_code == 200
    assert contact_client.get(_url("portal_books", world)).status_code == 200
    # And another client's books answer 404, in every portal route
    other = other_book.pk
    assert contact_client.get(_url("portal_ledger_reports", world, other)).status_code == 404
    export = _url("portal_ledger_report_export", world, other, "csv")
    assert contact_client.get(export, FEBRUARY).status_code == 404
    assert contact_client.post(_url("portal_ledger_report_pdf", world, other)).status_code == 404
    # And staff and outsiders get 404 on portal pages
    assert secretary_client.get(page).status_code == 404
    assert outsider_client.get(page).status_code == 404


def test_it_answers_404_to_a_contact_without_billing(world, client_ledger, contact_client):
    # Given the contact is not allowed billing
    Contact.objects.for_practice(world.practice).filter(membership=world.client_contact).update(
        portal_billing=False
    )
    # Then the books are not there for them
    assert contact_client.get(_url("portal_books", world)).status_code == 404
    page = _url("portal_ledger_reports", world, client_ledger.book.pk)
    assert contact_client.get(page).status_code == 404


def test_it_shows_the_contact_their_profit_and_loss(world, client_ledger, contact_client):
    client_ledger.post(date(2026, 2, 10), ("1010", "4010", "900.00"))
    response = contact_client.get(
        _url("portal_ledger_reports", world, client_ledger.book.pk), FEBRUARY
    )
    assert response.status_code == 200
    assert "AUD\xa0900.00" in response.content.decode()
    assert "portal_base.html" in [t.name for t in response.templates]


def test_it_offers_only_the_reports_meant_for_clients(world, client_ledger, contact_client):
    # When the contact asks for a trial balance or aged receivables
    for kind in ("trial_balance", "aged_receivables"):
        response = contact_client.get(
            _url("portal_ledger_reports", world, client_ledger.book.pk), {"report": kind}
        )
        # Then the picker refuses it and shows no table
        assert response.context["table"] is None
        assert "report" in response.context["form"].errors


def test_it_downloads_csv_but_not_excel_in_the_portal(world, client_ledger, contact_client):
    client_ledger.post(date(2026, 2, 10), ("1010", "4010", "900.00"))
    book = client_ledger.book.pk
    response = contact_client.get(_url("portal_ledger_report_export", world, book, "csv"), FEBRUARY)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Book", "Northwind Legal"]
    xlsx = _url("portal_ledger_report_export", world, book, "xlsx")
    assert contact_client.get(xlsx, FEBRUARY).status_code == 404


def test_it_renders_and_downloads_a_report_pdf_for_the_contact(
    world, client_ledger, contact_client, django_capture_on_commit_callbacks
):
    client_ledger.post(date(2026, 2, 10), ("1010", "4010", "900.00"))
    book = client_ledger.book.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_client.post(
            _url("portal_ledger_report_pdf", world, book), FEBRUARY, HTTP_HX_REQUEST="true"
        )
    document = Document.objects.for_practice(world.practice).get()
    download = _url("portal_ledger_document_download", world, book, document.pk)
    assert response.status_code == 200
    status = contact_client.get(
        _url("portal_ledger_report_document", world, book, document.pk), HTTP_HX_REQUEST="true"
    )
    assert download in status.content.decode()
    response = contact_client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        "northwind-legal-profit-and-loss-2026-02-01_2026-02-28.pdf"
        in (response["Content-Disposition"])
    )


def test_it_hides_reports_the_portal_does_not_offer(world, client_ledger, contact_client):
    # Given a trial balance PDF the staff made of the client's books
    document = DocumentFactory(
        practice=world.practice,
        client=client_ledger.book.client,
        kind=DocumentKind.LEDGER_REPORT,
        ready=True,
        subject_type="billing.book",
        subject_id=client_ledger.book.pk,
        context={"report_kind": "trial_balance"},
    )
    # Then the contact cannot download it
    url = _url("portal_ledger_document_download", world, client_ledger.book.pk, document.pk)
    assert contact_client.get(url).status_code == 404


def test_it_lists_and_serves_only_published_packs(world, client_ledger):
    # Given a published pack of January and a draft of February
    def pack(month, status):
        document = DocumentFactory(
            practice=world.practice,
            client=client_ledger.book.client,
            kind=DocumentKind.MONTH_END_PACK,
            ready=True,
            subject_type="billing.book",
            subject_id=client_ledger.book.pk,
        )
        start = date(2026, month, 1)
        return MonthEndPack.objects.create(
            practice=world.practice,
            book=client_ledger.book,
            period_start=start,
            period_end=date(2026, month, 28),
            document=document,
            status=status,
        )

    published = pack(1, PackStatus.PUBLISHED)
    draft = pack(2, PackStatus.DRAFT)
    contact = client_for(world.client_contact.user)
    # When the contact opens their books
    body = contact.get(_url("portal_books", world)).content.decode()
    # Then only the published pack is listed and served
    book = client_ledger.book.pk
    published_url = _url("portal_ledger_document_download", world, book, published.document_id)
    draft_url = _url("portal_ledger_document_download", world, book, draft.document_id)
    assert "January 2026" in body and "February 2026" not in body
    assert published_url in body
    assert contact.get(published_url).status_code == 200
    assert contact.get(draft_url).status_code == 404
