"""Serializers of the invoicing setup API: numbering series and what every invoice prints.

The rules (a pattern's placeholders, a counter that never goes back once used, one default
series per kind) are the setup services' (``billing.invoicing.setup``), shared with the
settings pages; these serializers only give the input its shape.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import InvoiceKind, InvoiceSeries, PaymentTerms
from secretary import limits

# The highest counter the setup service takes (``series_save``).
SERIES_MAX_NUMBER = 10**9


class SeriesSerializer(serializers.ModelSerializer):
    preview = serializers.SerializerMethodField(
        help_text=_("The number the series gives next, were it issued today in the practice.")
    )

    class Meta:
        model = InvoiceSeries
        fields = ["id", "kind", "name", "pattern", "next_number", "is_default", "preview"]
        read_only_fields = fields

    def get_preview(self, series) -> str:
        return self.context["preview"](series)


class SeriesInputSerializer(serializers.Serializer):
    """A series to add; on a change, what is left out stays as it is."""

    kind = serializers.ChoiceField(
        choices=InvoiceKind.choices, help_text=_("What the series numbers.")
    )
    name = serializers.CharField(max_length=80)
    pattern = serializers.CharField(
        max_length=60,
        help_text=_(
            "{yyyy} the year of issue, {yy} its last two digits, {seq} the number ({seq:05} "
            "zero-padded to 5 digits); {seq} is required."
        ),
    )
    next_number = serializers.IntegerField(
        min_value=1,
        max_value=SERIES_MAX_NUMBER,
        required=False,
        help_text=_(
            "1 for a new series when left out. Once the series has numbered an invoice, it "
            "can only move forward."
        ),
    )
    is_default = serializers.BooleanField(
        required=False,
        help_text=_(
            "The series new invoices (or credit notes) of its kind take; one per kind (not the "
            "default when left out of a new series)."
        ),
    )


@extend_schema_field({"allOf": [{"$ref": "#/components/schemas/PaymentTermsEnum"}]})
class PaymentTermsField(serializers.ChoiceField):
    """Payment terms, documented as the enum of an invoice's ``payment_terms`` (the schema
    gives one choice set one name)."""

    def __init__(self, **kwargs):
        super().__init__(choices=PaymentTerms.choices, **kwargs)


class InvoicingSettingsSerializer(serializers.Serializer):
    """What every invoice prints and the terms a new draft starts from."""

    tax_number = serializers.CharField(
        max_length=64,
        allow_blank=True,
        required=False,
        help_text=_("ABN, EIN, VAT number..."),
    )
    invoice_address = serializers.CharField(
        max_length=limits.TEXT_SHORT, allow_blank=True, required=False
    )
    payment_instructions = serializers.CharField(
        max_length=limits.TEXT_SHORT,
        allow_blank=True,
        required=False,
        help_text=_("Bank details or how to pay, printed on every invoice."),
    )
    default_payment_terms = PaymentTermsField(required=False)
