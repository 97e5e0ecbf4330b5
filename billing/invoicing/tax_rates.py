"""Tax rates a practice charges: add and change them (owners and admins decide who may).

A line keeps the rate it was priced at, so a changed rate applies to lines priced after the
change; issued invoices never change.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from billing.invoicing.errors import field_error
from billing.models import TaxRate
from secretary.audit import activity_record

TAX_RATE_FIELDS = ("name", "rate", "inclusive", "archived")
HUNDRED = Decimal(100)


def _clean(*, practice, tax_rate: TaxRate | None, name: str, rate) -> tuple[str, Decimal]:
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Name the tax rate."))
    if len(name) > 80:
        raise field_error("name", _("A name has at most 80 characters."))
    try:
        rate = Decimal(str(rate))
    except (InvalidOperation, ValueError, TypeError):
        raise field_error("rate", _("Enter a rate from 0 to 100 %.")) from None
    if (
        not rate.is_finite()
        or rate < 0
        or rate > HUNDRED
        or rate != rate.quantize(Decimal("0.0001"))
    ):
        raise field_error("rate", _("Enter a rate from 0 to 100 %."))
    taken = TaxRate.objects.for_practice(practice).filter(name__iexact=name)
    if tax_rate is not None:
        taken = taken.exclude(pk=tax_rate.pk)
    if taken.exists():
        raise field_error("name", _("A tax rate with this name exists."))
    return name, rate


def tax_rate_save(
    *,
    practice,
    tax_rate: TaxRate | None = None,
    user=None,
    request=None,
    **fields,
) -> TaxRate:
    """Add a tax rate (``tax_rate`` None) or change one; what is left out stays as it is."""
    unknown = set(fields) - set(TAX_RATE_FIELDS)
    if unknown:
        raise TypeError(f"tax_rate_save() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        if tax_rate is not None:
            tax_rate = (
                TaxRate.objects.for_practice(practice).select_for_update().get(pk=tax_rate.pk)
            )
        current = tax_rate or TaxRate(practice=practice, rate=Decimal(0))
        name, rate = _clean(
            practice=practice,
            tax_rate=tax_rate,
            name=fields.get("name", current.name),
            rate=fields.get("rate", current.rate),
        )
        current.name, current.rate = name, rate
        for flag in ("inclusive", "archived"):
            if flag in fields:
                setattr(current, flag, bool(fields[flag]))
        current.save()
        activity_record(
            practice=practice,
            actor=user,
            verb="invoice.tax_rate_saved",
            data={"tax_rate": current.pk, "name": name, "rate": str(rate)},
            request=request,
        )
    return current
