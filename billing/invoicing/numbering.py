"""Invoice numbers: a series' pattern (``INV-{yyyy}-{seq:05}``) and its counter row.

The counter is read and advanced under a row lock in the issuing transaction, so numbers are
unique and gap-free per practice and series: a rolled-back issue gives its number back.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from billing.models import InvoiceKind, InvoiceSeries

DEFAULT_SERIES = {
    InvoiceKind.INVOICE: (_("Invoices"), "INV-{yyyy}-{seq:05}"),
    InvoiceKind.CREDIT_NOTE: (_("Credit notes"), "CN-{yyyy}-{seq:05}"),
}
_PLACEHOLDER = re.compile(r"\{(yyyy|yy|seq)(?::0?(\d{1,2}))?\}")


def number_format(pattern: str, *, issue_date: date, sequence: int) -> str:
    """``pattern`` with ``{yyyy}``, ``{yy}`` and ``{seq}`` / ``{seq:05}`` (zero-padded) filled."""

    def fill(match: re.Match) -> str:
        name, width = match.group(1), int(match.group(2) or 0)
        if name == "yyyy":
            return f"{issue_date.year:04d}"
        if name == "yy":
            return f"{issue_date.year % 100:02d}"
        return str(sequence).zfill(width)

    return _PLACEHOLDER.sub(fill, pattern)


def series_default(*, practice, kind: str) -> InvoiceSeries:
    """The practice's default series for ``kind``, created on first need."""
    series = InvoiceSeries.objects.for_practice(practice).filter(kind=kind, is_default=True)
    found = series.first()
    if found is not None:
        return found
    name, pattern = DEFAULT_SERIES[InvoiceKind(kind)]
    try:
        with transaction.atomic():
            return InvoiceSeries.objects.create(
                practice=practice, kind=kind, name=str(name), pattern=pattern, is_default=True
            )
    except IntegrityError:
        # Someone else made it at the same moment (or a series already has this name).
        found = series.first()
        if found is not None:
            return found
    with transaction.atomic():
        return InvoiceSeries.objects.create(
            practice=practice,
            kind=kind,
            name=f"{name} ({pattern})",
            pattern=pattern,
            is_default=True,
        )


def number_next(*, practice, series: InvoiceSeries, issue_date: date) -> tuple[int, str]:
    """The next (sequence, number) of ``series``, its counter advanced under a row lock.

    Call it inside the issuing transaction: the lock is held until that commits.
    """
    with transaction.atomic():
        locked = InvoiceSeries.objects.for_practice(practice).select_for_update().get(pk=series.pk)
        sequence = locked.next_number
        locked.next_number = sequence + 1
        locked.save(update_fields=["next_number"])
    return sequence, number_format(locked.pattern, issue_date=issue_date, sequence=sequence)
