"""Sending an invoice: its PDF emailed to the client's billing contacts, once per request.

``invoice_send`` (the service) asks for the PDF and enqueues ``send_invoice`` with a fresh send
id. The task waits for the PDF (rendering it itself after a few tries), then, under a lock of
the invoice, records ``NotificationSent("billing.invoice_send:<invoice>:<send id>")`` and sends
the email in the same transaction: a retried or duplicated job sends nothing twice, and a failed
send leaves no row behind, so the retry sends it. The invoice moves from issued to sent.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from billing.invoicing.documents import invoice_request_pdf
from billing.invoicing.issuing import invoice_mark_sent
from billing.models import Invoice, InvoiceKind, InvoiceStatus
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.money import format_money

SENDABLE_STATUSES = (
    InvoiceStatus.ISSUED,
    InvoiceStatus.SENT,
    InvoiceStatus.PARTLY_PAID,
    InvoiceStatus.PAID,
)


def invoice_recipients(*, practice, invoice: Invoice) -> list[str]:
    """The client's billing email and its contacts allowed billing, without duplicates."""
    from clients.models import Contact

    emails = {
        email.strip().lower()
        for email in Contact.objects.for_practice(practice)
        .filter(client_id=invoice.client_id, portal_billing=True)
        .exclude(email="")
        .values_list("email", flat=True)
    }
    if invoice.client.billing_email:
        emails.add(invoice.client.billing_email.strip().lower())
    return sorted(emails)


def invoice_send(*, practice, invoice: Invoice, user=None, request=None) -> str:
    """Email the issued invoice's PDF to the client's billing contacts; returns the send id.

    Each call is one send (sending again sends again); the email itself goes out once for it,
    however often the job runs.
    """
    from billing.invoicing.tasks import send_invoice

    with transaction.atomic():
        invoice = (
            Invoice.objects.for_practice(practice)
            .select_for_update(of=("self",))
            .select_related("client")
            .get(pk=invoice.pk)
        )
        if invoice.status not in SENDABLE_STATUSES:
            message = _("Only an issued invoice can be sent.")
            raise ApplicationError(message, errors={"invoice": message})
        if not invoice_recipients(practice=practice, invoice=invoice):
            message = _(
                "%(client)s has no billing email and no contact allowed to see invoices."
            ) % {"client": invoice.client.name}
            raise ApplicationError(message, errors={"invoice": message})
        document = invoice_request_pdf(practice=practice, invoice=invoice, user=user)
        send_id = secrets.token_hex(8)
        activity_record(
            practice=practice,
            actor=user,
            verb="invoice.send_requested",
            target=invoice,
            data={"number": invoice.number, "document": document.pk},
            request=request,
        )
        enqueue_on_commit(
            send_invoice, practice_id=practice.pk, invoice_id=invoice.pk, send_id=send_id
        )
    return send_id


def _filename(invoice: Invoice) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", invoice.number or "invoice") + ".pdf"


def invoice_message(*, practice, invoice: Invoice, pdf: bytes, to: list[str]) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        is_credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
        subject = (
            _("Credit note %(number)s from %(practice)s")
            if is_credit_note
            else _("Invoice %(number)s from %(practice)s")
        ) % {"number": invoice.number, "practice": practice.name}
        url = settings.SITE_URL + reverse("portal_invoice", args=[practice.slug, invoice.pk])
        if is_credit_note:
            lead = _("Please find attached credit note %(number)s.") % {"number": invoice.number}
        else:
            lead = _(
                "Please find attached invoice %(number)s for %(total)s, due on %(due_date)s. "
                "Amount due: %(amount_due)s."
            ) % {
                "number": invoice.number,
                "total": format_money(invoice.total, invoice.currency),
                "due_date": invoice.due_date.isoformat() if invoice.due_date else "",
                "amount_due": format_money(invoice.balance_due, invoice.currency),
            }
        body = "\n\n".join(
            [
                _("Hello %(client)s,") % {"client": invoice.client.name},
                lead,
                _("You can also read it and pay it in your portal: %(url)s") % {"url": url},
                practice.name,
            ]
        )
    message = EmailMessage(subject=subject, body=body + "\n", to=to)
    message.attach(_filename(invoice), pdf, "application/pdf")
    return message


def invoice_send_now(*, practice, invoice_id: int, send_id: str, pdf: bytes) -> bool:
    """Send the email of one send request, once; mark the invoice sent. False when it was
    sent already (or the invoice is gone)."""
    from tasks.models import NotificationSent

    with transaction.atomic():
        invoice = (
            Invoice.objects.for_practice(practice)
            .select_for_update(of=("self",))
            .select_related("client")
            .filter(pk=invoice_id)
            .first()
        )
        if invoice is None or invoice.status not in SENDABLE_STATUSES:
            return False
        recipients = invoice_recipients(practice=practice, invoice=invoice)
        if not recipients:
            return False
        try:
            with transaction.atomic():
                NotificationSent.objects.create(
                    practice=practice, key=f"billing.invoice_send:{invoice.pk}:{send_id}"
                )
        except IntegrityError:
            return False
        get_connection().send_messages(
            [invoice_message(practice=practice, invoice=invoice, pdf=pdf, to=recipients)]
        )
        # Issued → sent; a part-paid or paid invoice keeps its status.
        invoice_mark_sent(practice=practice, invoice=invoice)
    return True
