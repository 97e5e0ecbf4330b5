"""Invoicing API routes for the isolation harness: applying a client's credit to an invoice,
numbering series and the practice's invoicing settings."""

from __future__ import annotations

from billing.invoicing.numbering import series_default
from billing.models import InvoiceKind
from tests.billing.invoice_factories import issued_invoice
from tests.clients.factories import ClientFactory


def routes(world) -> dict[str, dict]:
    practice = world.practice
    client = ClientFactory(practice=practice, name="Isolated Credit Client", currency="AUD")
    invoice = issued_invoice(practice=practice, client=client)
    series = series_default(practice=practice, kind=InvoiceKind.INVOICE)
    return {
        "api_invoice_credit_apply": {"invoice_id": invoice.pk},
        "api_invoice_series_list": {},
        "api_invoice_series_detail": {"series_id": series.pk},
        "api_invoicing_settings": {},
    }
