"""The error every invoicing service raises (re-exported by ``billing.invoicing.services``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from secretary.errors import ApplicationError


class InvoiceError(ApplicationError):
    """An invoicing rule was broken; the message (and field errors) are fit for the user."""


def field_error(field: str, message) -> InvoiceError:
    return InvoiceError(message, errors={field: message})


def issued_error() -> InvoiceError:
    return InvoiceError(_("This invoice is issued and cannot be changed: credit it instead."))
