"""Routes of reports, the portal's books and month end, for the isolation harness."""

from __future__ import annotations

from datetime import date

from billing.ledger.books import book_create
from billing.models import Book, MonthEndPack, PackStatus
from clients.selectors import contact_for_membership
from documents.models import DocumentKind
from tests.clients.factories import ClientFactory, ContactFactory
from tests.documents.factories import DocumentFactory


def _client_book(world):
    """The book of the client the world's contact represents (a billing contact)."""
    practice = world.practice
    contact = contact_for_membership(membership=world.client_contact)
    if contact is None:
        client = ClientFactory(practice=practice, primary_secretary=world.secretary)
        contact = ContactFactory(practice=practice, client=client, membership=world.client_contact)
    if not contact.portal_billing:
        contact.portal_billing = True
        contact.save(update_fields=["portal_billing"])
    book = Book.objects.for_practice(practice).filter(client=contact.client).first()
    if book is None:
        book = book_create(
            practice=practice, name="Isolated books", chart="us_service", client=contact.client
        )
    return book


def routes(world) -> dict[str, dict]:
    practice = world.practice
    book = _client_book(world)
    subject = {"subject_type": "billing.book", "subject_id": book.pk}
    report = DocumentFactory(
        practice=practice,
        client=book.client,
        kind=DocumentKind.LEDGER_REPORT,
        ready=True,
        context={"report_kind": "profit_and_loss", "period_slug": "2026-02"},
        **subject,
    )
    pack_document = DocumentFactory(
        practice=practice,
        client=book.client,
        kind=DocumentKind.MONTH_END_PACK,
        ready=True,
        **subject,
    )
    pack = MonthEndPack.objects.create(
        practice=practice,
        book=book,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        document=pack_document,
        status=PackStatus.PUBLISHED,
    )
    draft = MonthEndPack.objects.create(
        practice=practice,
        book=book,
        period_start=date(2026, 2, 1),
        period_end=date(2026, 2, 28),
        document=pack_document,
    )
    b = {"book_id": book.pk}
    return {
        # Staff pages
        "report_books": {},
        "ledger_reports": b,
        "ledger_report_export": {**b, "fmt": "csv"},
        "ledger_report_pdf": b,
        "ledger_report_document": {**b, "document_id": report.pk},
        "month_end": b,
        "month_end_publish": {**b, "pack_id": draft.pk},
        "month_close": b,
        "billing_settings": {},
        # Portal (the client's billing contact)
        "portal_books": {},
        "portal_ledger_reports": b,
        "portal_ledger_report_export": {**b, "fmt": "csv"},
        "portal_ledger_report_pdf": b,
        "portal_ledger_report_document": {**b, "document_id": report.pk},
        "portal_ledger_document_download": {**b, "document_id": pack.document_id},
        # API
        "api_book_report": {**b, "kind": "profit_and_loss"},
    }
