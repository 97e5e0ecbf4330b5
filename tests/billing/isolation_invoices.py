"""Invoicing staff routes for the isolation harness."""

from __future__ import annotations

from billing.invoicing.numbering import series_default
from billing.invoicing.selectors import taxes_seed
from billing.models import InvoiceSeries
from tests.billing.invoice_factories import issued_invoice
from tests.billing.invoicing_helpers import billed_client, draft


def routes(world) -> dict:
    practice = world.practice
    client = billed_client(practice, name="Isolation Invoices Pty")
    rate = taxes_seed(practice=practice)[0]
    open_draft = draft(practice, client, ("Filing", "1", "100.00", rate))
    line = open_draft.lines.first()
    invoice = issued_invoice(practice=practice, client=client, number="ISOLATION-INV-1")
    series = series_default(practice=practice, kind="invoice")
    assert isinstance(series, InvoiceSeries)
    return {
        "billing_dashboard": {},
        "invoice_list": {},
        "invoice_ready": {},
        "invoice_new": {},
        "invoice_detail": {"invoice_id": invoice.pk},
        "invoice_edit": {"invoice_id": open_draft.pk},
        "invoice_line_add": {"invoice_id": open_draft.pk},
        "invoice_line_edit": {"invoice_id": open_draft.pk, "line_id": line.pk},
        "invoice_line_delete": {"invoice_id": open_draft.pk, "line_id": line.pk},
        "invoice_refresh": {"invoice_id": open_draft.pk},
        "invoice_delete": {"invoice_id": open_draft.pk},
        "invoice_issue": {"invoice_id": open_draft.pk},
        "invoice_send": {"invoice_id": invoice.pk},
        "invoice_pdf": {"invoice_id": invoice.pk},
        "invoice_pdf_status": {"invoice_id": invoice.pk},
        "invoice_payment": {"invoice_id": invoice.pk},
        "invoice_credit_apply": {"invoice_id": invoice.pk},
        "invoice_credit_note": {"invoice_id": invoice.pk},
        "invoicing_settings": {},
        "tax_rate_list": {},
        "tax_rate_edit": {"rate_id": rate.pk},
        "tax_rate_archive": {"rate_id": rate.pk},
        "series_list": {},
        "series_edit": {"series_id": series.pk},
        "series_preview": {},
    }
