"""Payments: money received, allocated to a client's open invoices; what is left is the
client's credit, applied to a later invoice without another posting (the cash is already in
the bank and the credit already sits on receivable)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from billing.invoicing.errors import InvoiceError, field_error
from billing.invoicing.posting import payment_post
from billing.invoicing.pricing import clean_amount
from billing.models import (
    OPEN_INVOICE_STATUSES,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
)
from billing.models.ledger import ZERO
from secretary.audit import activity_record
from secretary.limits import date_range_message, dates_out_of_range
from secretary.models import CURRENCIES
from secretary.money import format_money


def invoice_settle(invoice: Invoice) -> None:
    """Set the status an issued invoice's amounts call for (the caller saves)."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.is_draft:
        return
    if invoice.amount_credited >= invoice.total and invoice.amount_paid <= 0:
        invoice.status = InvoiceStatus.VOID
    elif invoice.balance_due <= 0:
        invoice.status = InvoiceStatus.PAID
    elif invoice.amount_paid > 0:
        invoice.status = InvoiceStatus.PARTLY_PAID
    else:
        invoice.status = InvoiceStatus.SENT if invoice.sent_at else InvoiceStatus.ISSUED


def allocations_release(*, practice, invoice: Invoice, amount: Decimal) -> Decimal:
    """Take up to ``amount`` of the money allocated to ``invoice`` back (latest first), so it
    is the client's credit again; returns what was released."""
    released = ZERO
    allocations = (
        PaymentAllocation.objects.for_practice(practice)
        .select_for_update()
        .filter(invoice=invoice)
        .order_by("-created_at", "-id")
    )
    for allocation in allocations:
        if released >= amount:
            break
        take = min(allocation.amount, amount - released)
        if take == allocation.amount:
            allocation.delete()
        else:
            allocation.amount -= take
            allocation.save(update_fields=["amount"])
        released += take
    return released


def _open_invoices(*, practice, client, currency):
    return (
        Invoice.objects.for_practice(practice)
        .select_for_update()
        .filter(
            client=client,
            currency=currency,
            kind=InvoiceKind.INVOICE,
            status__in=OPEN_INVOICE_STATUSES,
        )
        .order_by("due_date", "issue_date", "id")
    )


def _allocations_given(*, practice, client, currency, allocations) -> list[tuple[Invoice, Decimal]]:
    """The caller's allocations, each invoice locked (in id order) and checked."""
    wanted = {invoice.pk: amount for invoice, amount in allocations.items()}
    locked = {
        invoice.pk: invoice
        for invoice in Invoice.objects.for_practice(practice)
        .select_for_update()
        .filter(pk__in=sorted(wanted))
        .order_by("pk")
    }
    result = []
    for pk, raw in wanted.items():
        invoice = locked.get(pk)
        field = f"allocations.{pk}"
        if invoice is None or invoice.client_id != client.pk:
            raise field_error(field, _("Choose invoices of this client."))
        if invoice.currency != currency:
            message = _("%(number)s is in %(currency)s: record the payment in that currency.") % {
                "number": invoice.number or invoice,
                "currency": invoice.currency,
            }
            raise field_error("currency", message)
        if invoice.kind != InvoiceKind.INVOICE or invoice.status not in OPEN_INVOICE_STATUSES:
            raise field_error(field, _("%(number)s is not open.") % {"number": invoice})
        amount = clean_amount(raw, currency=currency, field=field)
        if amount <= 0:
            raise field_error(field, _("Allocate more than zero."))
        if amount > invoice.balance_due:
            message = _("%(number)s has %(balance)s due.") % {
                "number": invoice.number,
                "balance": format_money(invoice.balance_due, currency),
            }
            raise field_error(field, message)
        result.append((invoice, amount))
    return result


def _allocate(*, practice, payment: Payment, invoice: Invoice, amount: Decimal) -> None:
    PaymentAllocation.objects.create(
        practice=practice, payment=payment, invoice=invoice, amount=amount
    )
    invoice.amount_paid += amount
    invoice_settle(invoice)
    invoice.save(update_fields=["amount_paid", "status"])


def payment_record(
    *,
    practice,
    client,
    date,
    amount,
    currency: str,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    allocations: dict[Invoice, Decimal] | None = None,
    keep_as_credit: bool = False,
    provider: str = "",
    provider_reference: str = "",
    user=None,
    request=None,
) -> Payment:
    """Record money received from ``client`` and post it (Dr bank / Cr receivable).

    ``allocations`` maps invoices to amounts (each at most its balance); without them the
    payment pays the client's open invoices of its currency, oldest due first. More than is
    allocated is refused unless ``keep_as_credit``: then the rest is the client's credit.
    """
    if client.practice_id != practice.pk:
        raise field_error("client", _("Choose a client of this practice."))
    if currency not in dict(CURRENCIES):
        raise field_error("currency", _("Choose a currency."))
    if method not in PaymentMethod.values:
        raise field_error("method", _("Choose how it was paid."))
    if date is None or dates_out_of_range(date=date):
        raise field_error("date", date_range_message())
    amount = clean_amount(amount, currency=currency, field="amount")
    if amount <= 0:
        raise field_error("amount", _("Enter an amount above zero."))
    with transaction.atomic():
        if allocations is None:
            plan, left = [], amount
            for invoice in _open_invoices(practice=practice, client=client, currency=currency):
                if left <= 0:
                    break
                take = min(left, invoice.balance_due)
                if take > 0:
                    plan.append((invoice, take))
                    left -= take
        else:
            plan = _allocations_given(
                practice=practice, client=client, currency=currency, allocations=allocations
            )
        allocated = sum((share for _invoice, share in plan), ZERO)
        if allocated > amount:
            raise field_error("amount", _("The allocations add up to more than the payment."))
        if amount > allocated and not keep_as_credit:
            message = _(
                "This is %(extra)s more than the invoices' open balance: keep it as "
                "the client's credit or change the amount."
            ) % {"extra": format_money(amount - allocated, currency)}
            raise field_error("amount", message)
        if (
            provider_reference
            and Payment.objects.for_practice(practice)
            .filter(provider=provider, provider_reference=provider_reference)
            .exists()
        ):
            raise InvoiceError(_("This payment is already recorded."))
        payment = Payment.objects.create(
            practice=practice,
            client=client,
            date=date,
            method=method,
            reference=(reference or "")[:120],
            amount=amount,
            currency=currency,
            provider=provider,
            provider_reference=provider_reference,
            created_by=user,
        )
        payment.journal_entry = payment_post(
            practice=practice, payment=payment, user=user, request=request
        )
        payment.save(update_fields=["journal_entry"])
        for invoice, share in plan:
            _allocate(practice=practice, payment=payment, invoice=invoice, amount=share)
        activity_record(
            practice=practice,
            actor=user,
            verb="payment.recorded",
            target=payment,
            data={"amount": str(amount), "currency": currency, "credit": str(amount - allocated)},
            request=request,
        )
    return payment


def _credit_elsewhere(*, practice, invoice: Invoice) -> list[str]:
    """The other currencies in which the invoice's client has credit (an error's wording)."""
    currencies = (
        Payment.objects.for_practice(practice)
        .filter(client_id=invoice.client_id)
        .exclude(currency=invoice.currency)
        .values_list("currency", flat=True)
        .distinct()
        .order_by("currency")
    )
    found = []
    for currency in currencies:
        received = (
            Payment.objects.for_practice(practice)
            .filter(client_id=invoice.client_id, currency=currency)
            .aggregate(total=Sum("amount"))["total"]
        )
        used = (
            PaymentAllocation.objects.for_practice(practice)
            .filter(payment__client_id=invoice.client_id, payment__currency=currency)
            .aggregate(total=Sum("amount"))["total"]
        )
        if (received or ZERO) - (used or ZERO) > 0:
            found.append(currency)
    return found


def _no_credit(*, practice, invoice: Invoice) -> InvoiceError:
    elsewhere = _credit_elsewhere(practice=practice, invoice=invoice)
    if elsewhere:
        message = _(
            "The client's credit is in %(currencies)s and this invoice in %(currency)s: credit "
            "applies only in the same currency."
        ) % {"currencies": ", ".join(elsewhere), "currency": invoice.currency}
        return field_error("currency", message)
    return field_error(
        "amount",
        _("The client has no credit in %(currency)s.") % {"currency": invoice.currency},
    )


def credit_apply(
    *,
    practice,
    invoice: Invoice,
    amount=None,
    currency: str | None = None,
    required: bool = False,
    user=None,
    request=None,
) -> Decimal:
    """Apply the client's unallocated credit (payments kept as credit and what credit notes gave
    back, oldest payment first) to ``invoice``; returns the amount applied. Nothing is posted:
    the money is already on receivable.

    ``amount`` None applies as much as the credit and the invoice's balance allow; an amount is
    at most both. ``currency``, when given, must be the invoice's. Without credit in the
    invoice's currency nothing is applied (zero), or, when an amount is asked for or
    ``required``, an error says so (and names the currencies the credit is in).
    """
    with transaction.atomic():
        invoice = Invoice.objects.for_practice(practice).select_for_update().get(pk=invoice.pk)
        if currency is not None and currency != invoice.currency:
            message = _("This invoice is in %(currency)s: credit applies in that currency.") % {
                "currency": invoice.currency
            }
            raise field_error("currency", message)
        if invoice.kind != InvoiceKind.INVOICE or invoice.status not in OPEN_INVOICE_STATUSES:
            raise InvoiceError(_("Credit applies only to an open invoice."))
        wanted = None
        if amount is not None:
            wanted = clean_amount(amount, currency=invoice.currency, field="amount")
            if wanted <= 0:
                raise field_error("amount", _("Apply more than zero."))
            if wanted > invoice.balance_due:
                message = _("%(number)s has %(balance)s due.") % {
                    "number": invoice.number,
                    "balance": format_money(invoice.balance_due, invoice.currency),
                }
                raise field_error("amount", message)
        payments = list(
            Payment.objects.for_practice(practice)
            .select_for_update()
            .filter(client=invoice.client, currency=invoice.currency)
            .order_by("date", "id")
        )
        used = dict(
            PaymentAllocation.objects.for_practice(practice)
            .filter(payment__in=payments)
            .values_list("payment_id")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        left = {payment.pk: payment.amount - used.get(payment.pk, ZERO) for payment in payments}
        credit = sum((value for value in left.values() if value > 0), ZERO)
        if credit <= 0:
            if required or wanted is not None:
                raise _no_credit(practice=practice, invoice=invoice)
            return ZERO
        if wanted is not None and wanted > credit:
            message = _("The client has %(credit)s %(currency)s of credit.") % {
                "credit": credit,
                "currency": invoice.currency,
            }
            raise field_error("amount", message)
        target = min(credit, invoice.balance_due) if wanted is None else wanted
        applied = ZERO
        for payment in payments:
            if applied >= target:
                break
            share = min(left[payment.pk], target - applied)
            if share > 0:
                _allocate(practice=practice, payment=payment, invoice=invoice, amount=share)
                applied += share
        if applied > 0:
            activity_record(
                practice=practice,
                actor=user,
                verb="payment.credit_applied",
                target=invoice,
                data={"amount": str(applied), "currency": invoice.currency},
                request=request,
            )
    return applied
