"""Jobs of invoicing: sending an invoice, and the daily reminders. Imported by
``billing.tasks`` so the worker registers them under that module's names."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from secretary.models import Practice
from secretary.tenancy import practice_scope

logger = logging.getLogger(__name__)

SEND_MAX_RETRIES = 8
RENDER_INLINE_AFTER = 3  # tries waiting for the documents worker before rendering here


def _document_pdf(practice, invoice_id: int) -> tuple[bytes | None, str]:
    """The invoice's PDF bytes when ready; else (None, the document's status)."""
    from billing.invoicing.documents import invoice_request_pdf
    from billing.models import Invoice
    from documents.models import DocumentStatus

    with practice_scope(practice):
        invoice = Invoice.objects.for_practice(practice).filter(pk=invoice_id).first()
        if invoice is None:
            return None, "gone"
        # Asks again when the figures changed (a payment) or the last render failed.
        document = invoice_request_pdf(practice=practice, invoice=invoice)
        if document.status != DocumentStatus.READY or not document.file:
            return None, document.status
        with document.file.open("rb") as handle:
            return handle.read(), document.status


@shared_task(
    bind=True,
    name="billing.tasks.send_invoice",
    max_retries=SEND_MAX_RETRIES,
    in_practice_transaction=False,
)
def send_invoice(self, *, practice_id: int, invoice_id: int, send_id: str) -> str:
    """Email an invoice's PDF for one send request (see ``billing.invoicing.sending``)."""
    from billing.invoicing.sending import invoice_send_now
    from documents.tasks import render_document

    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        return "gone"
    pdf, status = _document_pdf(practice, invoice_id)
    if status == "gone":
        return "gone"
    if pdf is None and (self.request.is_eager or self.request.retries >= RENDER_INLINE_AFTER):
        # The documents worker is slow or away: render it here, with the same task.
        with practice_scope(practice):
            from billing.models import Invoice

            document_id = (
                Invoice.objects.for_practice(practice)
                .filter(pk=invoice_id)
                .values_list("document_id", flat=True)
                .first()
            )
        if document_id:
            render_document.apply(kwargs={"practice_id": practice_id, "document_id": document_id})
        pdf, status = _document_pdf(practice, invoice_id)
    if pdf is None:
        if self.request.is_eager:
            logger.warning("Invoice %s: PDF not ready (%s), not sent", invoice_id, status)
            return "not ready"
        raise self.retry(countdown=min(300, 10 * 2**self.request.retries))
    with practice_scope(practice):
        sent = invoice_send_now(practice=practice, invoice_id=invoice_id, send_id=send_id, pdf=pdf)
    return "sent" if sent else "skipped"


@shared_task(name="billing.tasks.send_invoice_reminders")
def send_invoice_reminders() -> int:
    """Beat (daily): every practice's reminders of open invoices that fall due today."""
    from billing.invoicing.reminders import reminders_send_for

    sent = 0
    today = timezone.localdate()
    for practice in Practice.objects.order_by("pk"):
        with practice_scope(practice):
            sent += reminders_send_for(practice=practice, today=today)
    return sent
