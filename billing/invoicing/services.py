"""The invoicing services, in one place: drafts, issue, credit notes, payments and credit.

Every service is keyword-only, runs in one transaction and raises ``InvoiceError`` (an
``ApplicationError``) with field errors when a rule is broken.
"""

from billing.invoicing.drafts import (
    invoice_create,
    invoice_delete_draft,
    invoice_line_add,
    invoice_line_delete,
    invoice_line_update,
    invoice_update,
)
from billing.invoicing.errors import InvoiceError
from billing.invoicing.issuing import credit_note_create, invoice_issue, invoice_mark_sent
from billing.invoicing.numbering import series_default
from billing.invoicing.payments import credit_apply, payment_record

__all__ = [
    "InvoiceError",
    "credit_apply",
    "credit_note_create",
    "invoice_create",
    "invoice_delete_draft",
    "invoice_issue",
    "invoice_line_add",
    "invoice_line_delete",
    "invoice_line_update",
    "invoice_mark_sent",
    "invoice_update",
    "payment_record",
    "series_default",
]
