"""Bill one expense on a draft: a line priced from the expense's amount and markup."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from billing.invoicing.drafts import invoice_line_add
from billing.invoicing.errors import field_error
from billing.invoicing.pricing import round_money
from billing.models import Expense, Invoice, InvoiceLine, LineKind

_DEFAULT = object()


def invoice_expense_bill(
    *,
    practice,
    invoice: Invoice,
    expense: Expense,
    description: str | None = None,
    quantity=None,
    unit_price=None,
    tax_rate=_DEFAULT,
    service_from=None,
    service_to=None,
    user=None,
) -> InvoiceLine:
    """Add a line billing ``expense`` (an unbilled, billable expense of the invoice's client in
    its currency); what is not given comes from the expense."""
    with transaction.atomic():
        expense = Expense.objects.for_practice(practice).select_for_update().get(pk=expense.pk)
        if expense.client_id != invoice.client_id:
            raise field_error("expense", _("Choose an expense of this invoice's client."))
        if expense.invoice_line_id is not None:
            raise field_error("expense", _("This expense is already billed."))
        if not expense.billable:
            raise field_error("expense", _("This expense is not billable."))
        if expense.currency != invoice.currency:
            raise field_error(
                "expense",
                _("This expense is in %(currency)s: bill it on an invoice in that currency.")
                % {"currency": expense.currency},
            )
        if unit_price is None:
            unit_price = round_money(
                expense.amount * (1 + expense.markup_percent / 100), expense.currency
            )
        line = invoice_line_add(
            practice=practice,
            invoice=invoice,
            kind=LineKind.EXPENSE,
            description=description or expense.description,
            quantity=1 if quantity is None else quantity,
            unit_price=unit_price,
            tax_rate=expense.tax_rate if tax_rate is _DEFAULT else tax_rate,
            service_from=service_from or expense.date,
            service_to=service_to or expense.date,
            user=user,
        )
        expense.invoice_line = line
        expense.save(update_fields=["invoice_line"])
    return line
