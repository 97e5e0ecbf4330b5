"""Serializers of applying a client's credit to an invoice (the invoicing API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from billing.serializers.invoices import MONEY_OUT, InvoiceDetailSerializer, money_field
from secretary.models import CURRENCIES


class CreditApplyInputSerializer(serializers.Serializer):
    amount = money_field(
        required=False,
        allow_null=True,
        help_text=_(
            "How much of the client's credit to apply: at most the credit and the invoice's "
            "balance. Left out, as much as both allow."
        ),
    )
    currency = serializers.ChoiceField(
        choices=CURRENCIES,
        required=False,
        help_text=_("The invoice's currency (any other is refused); credit is never converted."),
    )


class CreditApplyResultSerializer(serializers.Serializer):
    applied = serializers.DecimalField(
        read_only=True, help_text=_("The credit applied, in the invoice's currency."), **MONEY_OUT
    )
    invoice = InvoiceDetailSerializer(read_only=True)
