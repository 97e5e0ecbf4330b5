"""The practice's invoicing setup (owners and admins): tax rates, numbering series and what every
invoice prints (tax number, address, payment instructions, default terms)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from billing.invoicing.errors import field_error
from billing.invoicing.numbering import _PLACEHOLDER, number_format
from billing.models import BillingSettings, InvoiceKind, InvoiceSeries, PaymentTerms, TaxRate
from secretary.audit import activity_record

HUNDRED = Decimal(100)


def _clean_rate(rate) -> Decimal:
    try:
        value = Decimal(str(rate))
    except (InvalidOperation, ValueError, TypeError):
        raise field_error("rate", _("Enter a number.")) from None
    if not value.is_finite() or value < 0 or value > HUNDRED:
        raise field_error("rate", _("A tax rate is between 0 and 100 %."))
    if value != value.quantize(Decimal("0.0001")):
        raise field_error("rate", _("A tax rate has at most 4 decimal places."))
    return value


def tax_rate_save(
    *,
    practice,
    tax_rate: TaxRate | None = None,
    name: str,
    rate,
    inclusive: bool = False,
    user=None,
    request=None,
) -> TaxRate:
    """Add a tax rate, or change one (lines already priced keep the rate they were priced at)."""
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Name the tax rate."))
    rate = _clean_rate(rate)
    with transaction.atomic():
        if len(name) > 80:
            raise field_error("name", _("A name has at most 80 characters."))
        same_name = TaxRate.objects.for_practice(practice).filter(name__iexact=name)
        if tax_rate is not None:
            same_name = same_name.exclude(pk=tax_rate.pk)
        if same_name.exists():
            raise field_error("name", _("A tax rate of this name already exists."))
        if tax_rate is None:
            tax_rate = TaxRate(practice=practice)
        else:
            tax_rate = (
                TaxRate.objects.for_practice(practice).select_for_update().get(pk=tax_rate.pk)
            )
        tax_rate.name, tax_rate.rate, tax_rate.inclusive = name, rate, bool(inclusive)
        tax_rate.save()
        activity_record(
            practice=practice,
            actor=user,
            verb="invoice.tax_rate_saved",
            target=tax_rate,
            data={"name": name, "rate": str(rate)},
            request=request,
        )
    return tax_rate


def tax_rate_archive(
    *, practice, tax_rate: TaxRate, archived: bool = True, user=None, request=None
):
    """Archive a tax rate (no new line may use it) or bring it back."""
    with transaction.atomic():
        tax_rate = TaxRate.objects.for_practice(practice).select_for_update().get(pk=tax_rate.pk)
        tax_rate.archived = archived
        tax_rate.save(update_fields=["archived"])
        activity_record(
            practice=practice,
            actor=user,
            verb="invoice.tax_rate_saved",
            target=tax_rate,
            data={"archived": archived},
            request=request,
        )
    return tax_rate


def pattern_check(pattern: str) -> str:
    """A numbering pattern: non-empty, with ``{seq}`` and only known placeholders."""
    pattern = (pattern or "").strip()
    if not pattern:
        raise field_error("pattern", _("Enter a pattern."))
    if len(pattern) > 60:
        raise field_error("pattern", _("A pattern has at most 60 characters."))
    placeholders = _PLACEHOLDER.findall(pattern)
    if not any(name == "seq" for name, _width in placeholders):
        raise field_error("pattern", _("The pattern must contain {seq} (the number)."))
    if pattern.count("{") != len(placeholders) or pattern.count("}") != len(placeholders):
        raise field_error("pattern", _("Use only {yyyy}, {yy}, {seq} and {seq:05}."))
    return pattern


def series_preview(*, pattern: str, next_number: int, today: date) -> str:
    """The number the series would give next (issued today)."""
    return number_format(pattern, issue_date=today, sequence=next_number)


def series_save(
    *,
    practice,
    series: InvoiceSeries | None = None,
    kind: str = InvoiceKind.INVOICE,
    name: str,
    pattern: str,
    next_number: int = 1,
    is_default: bool = False,
    user=None,
    request=None,
) -> InvoiceSeries:
    """Add or change a numbering series. The counter may only move forward once a number was
    given (numbers stay unique and gap-free); the default of a kind is one at a time."""
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Name the series."))
    pattern = pattern_check(pattern)
    if kind not in InvoiceKind.values:
        raise field_error("kind", _("Choose what the series numbers."))
    if not isinstance(next_number, int) or next_number < 1 or next_number > 10**9:
        raise field_error("next_number", _("Enter a number from 1."))
    with transaction.atomic():
        rows = InvoiceSeries.objects.for_practice(practice)
        if rows.filter(name=name).exclude(pk=getattr(series, "pk", None)).exists():
            raise field_error("name", _("A series of this name already exists."))
        if series is None:
            series = InvoiceSeries(practice=practice, kind=kind)
        else:
            series = rows.select_for_update().get(pk=series.pk)
            used = series.invoices.exists()
            if used and next_number < series.next_number:
                raise field_error(
                    "next_number",
                    _("Numbers up to %(number)d are given: the next one cannot go back.")
                    % {"number": series.next_number - 1},
                )
            if used and kind != series.kind:
                raise field_error("kind", _("This series has numbered invoices already."))
            series.kind = kind
        if is_default:
            rows.filter(kind=kind, is_default=True).exclude(pk=series.pk).update(is_default=False)
        series.name, series.pattern = name, pattern
        series.next_number, series.is_default = next_number, bool(is_default)
        series.save()
        activity_record(
            practice=practice,
            actor=user,
            verb="invoice.series_saved",
            target=series,
            data={"name": name, "pattern": pattern},
            request=request,
        )
    return series


def invoicing_settings_update(
    *,
    practice,
    tax_number: str = "",
    invoice_address: str = "",
    payment_instructions: str = "",
    default_payment_terms: str = PaymentTerms.NET_14,
    user=None,
    request=None,
) -> BillingSettings:
    """What every invoice prints and the terms a new draft starts from."""
    if default_payment_terms not in PaymentTerms.values:
        raise field_error("default_payment_terms", _("Choose payment terms."))
    with transaction.atomic():
        settings, _created = BillingSettings.objects.for_practice(practice).get_or_create(
            practice=practice
        )
        settings.tax_number = (tax_number or "").strip()[:64]
        settings.invoice_address = (invoice_address or "").strip()
        settings.payment_instructions = (payment_instructions or "").strip()
        settings.default_payment_terms = default_payment_terms
        settings.save(
            update_fields=[
                "tax_number",
                "invoice_address",
                "payment_instructions",
                "default_payment_terms",
            ]
        )
        activity_record(
            practice=practice,
            actor=user,
            verb="billing.settings_changed",
            target=settings,
            data={"invoicing": True},
            request=request,
        )
    return settings
