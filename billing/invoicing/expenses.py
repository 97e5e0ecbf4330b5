"""Expenses: money spent for a client, billed with its markup on the client's next invoice.

An expense belongs to a client of the practice, has an amount above zero in the currency's
smallest unit, a tax rate of the practice (or none), a markup of 0 to 1000 % and an optional
receipt (an image or a PDF, typed by its bytes). Once billed (on an invoice line) it no longer
changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import Expense, TaxRate
from clients.models import Client
from secretary.audit import activity_record
from secretary.errors import ApplicationError
from secretary.files import PDF, RASTER_IMAGES, named_for, sniff
from secretary.limits import date_in_range, date_range_message
from secretary.models import currency_quantum

RECEIPT_TYPES = RASTER_IMAGES | PDF
MAX_RECEIPT_BYTES = 10 * 1024 * 1024
MAX_AMOUNT = Decimal("9999999999.99")


def _amount(value, currency: str) -> Decimal:
    message = None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite():
        message = _("Enter an amount.")
    elif amount <= 0:
        message = _("Enter an amount above zero.")
    elif amount > MAX_AMOUNT:
        message = _("The amount is too large.")
    elif amount != amount.quantize(currency_quantum(currency)):
        message = _("%(currency)s amounts have at most %(places)s decimals.") % {
            "currency": currency,
            "places": -currency_quantum(currency).as_tuple().exponent,
        }
    if message:
        raise ApplicationError(message, errors={"amount": message})
    return amount


def _markup(value) -> Decimal:
    try:
        markup = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError, TypeError):
        markup = Decimal(-1)
    if (
        not markup.is_finite()
        or markup < 0
        or markup > 1000
        or markup != markup.quantize(Decimal("0.01"))
    ):
        message = _("Enter a markup from 0 to 1000 %.")
        raise ApplicationError(message, errors={"markup_percent": message})
    return markup


def _check(practice, *, client: Client, tax_rate: TaxRate | None, day: date | None) -> None:
    if client is None or client.practice_id != practice.pk:
        raise ApplicationError(
            _("Choose a client of this practice."),
            errors={"client": _("Choose a client of this practice.")},
        )
    if tax_rate is not None and tax_rate.practice_id != practice.pk:
        message = _("Choose a tax rate of this practice.")
        raise ApplicationError(message, errors={"tax_rate": message})
    if day is None or not date_in_range(day):
        raise ApplicationError(date_range_message(), errors={"date": date_range_message()})


def _receipt(upload: UploadedFile | None):
    if upload is None:
        return None
    if upload.size is not None and upload.size > MAX_RECEIPT_BYTES:
        message = _("A receipt can be at most 10 MB.")
        raise ApplicationError(message, errors={"receipt": message})
    kind = sniff(upload, name=upload.name or "")
    if kind is None or kind.mime not in RECEIPT_TYPES:
        message = _("A receipt must be an image (PNG, JPEG, GIF, WebP) or a PDF.")
        raise ApplicationError(message, errors={"receipt": message})
    upload.name = named_for(upload.name or "receipt", kind)
    return upload


@transaction.atomic
def expense_create(
    *,
    practice,
    client: Client,
    date: date,
    description: str,
    amount,
    currency: str | None = None,
    tax_rate: TaxRate | None = None,
    markup_percent=0,
    billable: bool = True,
    receipt: UploadedFile | None = None,
    user=None,
    request=None,
) -> Expense:
    _check(practice, client=client, tax_rate=tax_rate, day=date)
    currency = currency or client.currency
    description = (description or "").strip()[:300]
    if not description:
        raise ApplicationError(
            _("Describe the expense."), errors={"description": _("Describe the expense.")}
        )
    expense = Expense(
        practice=practice,
        client=client,
        date=date,
        description=description,
        amount=_amount(amount, currency),
        currency=currency,
        tax_rate=tax_rate,
        markup_percent=_markup(markup_percent),
        billable=billable,
        created_by=user,
    )
    upload = _receipt(receipt)
    if upload is not None:
        expense.receipt.save(upload.name, upload, save=False)
    expense.save()
    activity_record(
        practice=practice,
        actor=user,
        verb="billing.expense_created",
        target=client,
        data={"expense": expense.pk},
        request=request,
    )
    return expense


def _locked(practice, expense: Expense) -> Expense:
    expense = Expense.objects.for_practice(practice).select_for_update().get(pk=expense.pk)
    if expense.invoice_line_id is not None:
        raise ApplicationError(_("This expense is already billed and can no longer change."))
    return expense


@transaction.atomic
def expense_update(
    *,
    practice,
    expense: Expense,
    user=None,
    request=None,
    receipt: UploadedFile | None = None,
    **changes,
) -> Expense:
    expense = _locked(practice, expense)
    client = changes.get("client", expense.client)
    tax_rate = changes.get("tax_rate", expense.tax_rate)
    day = changes.get("date", expense.date)
    _check(practice, client=client, tax_rate=tax_rate, day=day)
    expense.client, expense.tax_rate, expense.date = client, tax_rate, day
    if "amount" in changes:
        expense.amount = _amount(changes["amount"], expense.currency)
    if "markup_percent" in changes:
        expense.markup_percent = _markup(changes["markup_percent"])
    if "description" in changes:
        expense.description = (changes["description"] or "").strip()[:300] or expense.description
    if "billable" in changes:
        expense.billable = bool(changes["billable"])
    upload = _receipt(receipt)
    if upload is not None:
        expense.receipt.save(upload.name, upload, save=False)
    expense.save()
    activity_record(
        practice=practice,
        actor=user,
        verb="billing.expense_updated",
        target=expense.client,
        data={"expense": expense.pk},
        request=request,
    )
    return expense


@transaction.atomic
def expense_delete(*, practice, expense: Expense, user=None, request=None) -> None:
    expense = _locked(practice, expense)
    activity_record(
        practice=practice,
        actor=user,
        verb="billing.expense_deleted",
        target=expense.client,
        data={"expense": expense.pk},
        request=request,
    )
    if expense.receipt:
        expense.receipt.delete(save=False)
    expense.delete()
