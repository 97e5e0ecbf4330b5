"""Serializers of the invoicing API: invoices and credit notes with their lines, payments and
their allocations, expenses and tax rates.

Money is a decimal string in the invoice's (or payment's) currency. Fields that take ids accept
only rows of the caller's practice (another practice's id is "does not exist"); the lines of an
invoice only that invoice's lines.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import (
    Expense,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    LineKind,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentTerms,
    TaxRate,
)
from billing.models.ledger import MONEY, ZERO
from billing.serializers.ledger import PracticeRelatedField
from clients.models import Client, Engagement
from secretary import limits
from secretary.limits import validate_date_in_range
from secretary.models import CURRENCIES
from tasks.models import TimeEntry

MAX_LINE_TIME = 500
MAX_ALLOCATIONS = 200
MAX_CREDIT_LINES = 500

MONEY_OUT = {"max_digits": 19, "decimal_places": 2, "coerce_to_string": True}


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(min_value=ZERO, **MONEY, **kwargs)


def _date(**kwargs) -> serializers.DateField:
    return serializers.DateField(validators=[validate_date_in_range], **kwargs)


class InvoiceLineRelatedField(PracticeRelatedField):
    """An id of a line of the invoice in the serializer's context (``context["invoice"]``)."""

    def __init__(self, **kwargs):
        super().__init__(InvoiceLine, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(invoice=self.context["invoice"])


class ActiveTaxRateField(PracticeRelatedField):
    """A tax rate of the practice that is not archived."""

    def __init__(self, **kwargs):
        super().__init__(TaxRate, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(archived=False)


# --- Invoices -------------------------------------------------------------------------------


class InvoiceLineSerializer(serializers.ModelSerializer):
    tax_rate = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    credits_line = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    time_entries = serializers.SerializerMethodField(
        help_text=_("Ids of the time entries this line bills.")
    )

    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "position",
            "kind",
            "description",
            "service_from",
            "service_to",
            "quantity",
            "unit_price",
            "tax_rate",
            "tax_percent",
            "tax_inclusive",
            "amount",
            "tax_amount",
            "credits_line",
            "time_entries",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_time_entries(self, line) -> list[int]:
        return [link.time_entry_id for link in line.time_links.all()]


class InvoiceSerializer(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True)
    engagement = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    series = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    credit_of = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    balance_due = serializers.DecimalField(
        read_only=True,
        help_text=_("Total less payments and credit notes (zero for drafts and credit notes)."),
        **MONEY_OUT,
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "kind",
            "number",
            "status",
            "client",
            "engagement",
            "series",
            "currency",
            "payment_terms",
            "issue_date",
            "due_date",
            "period_start",
            "period_end",
            "credit_of",
            "subtotal",
            "tax_total",
            "total",
            "amount_paid",
            "amount_credited",
            "balance_due",
            "notes",
            "created_at",
            "issued_at",
            "sent_at",
        ]
        read_only_fields = fields


class TaxSummarySerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True, max_length=80)
    rate = serializers.DecimalField(max_digits=7, decimal_places=4, read_only=True)
    inclusive = serializers.BooleanField(read_only=True)
    net = serializers.DecimalField(read_only=True, **MONEY_OUT)
    tax = serializers.DecimalField(read_only=True, **MONEY_OUT)


class InvoicePaymentSerializer(serializers.ModelSerializer):
    """A payment's share of one invoice."""

    payment = serializers.PrimaryKeyRelatedField(read_only=True)
    date = serializers.DateField(source="payment.date", read_only=True)
    method = serializers.ChoiceField(
        source="payment.method", choices=PaymentMethod.choices, read_only=True
    )
    reference = serializers.CharField(source="payment.reference", read_only=True, max_length=120)

    class Meta:
        model = PaymentAllocation
        fields = ["payment", "date", "method", "reference", "amount"]
        read_only_fields = fields


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    tax_summary = serializers.SerializerMethodField()
    payments = InvoicePaymentSerializer(source="allocations", many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines", "tax_summary", "payments"]
        read_only_fields = fields

    @extend_schema_field(TaxSummarySerializer(many=True))
    def get_tax_summary(self, invoice) -> list[dict]:
        return TaxSummarySerializer(self.context["tax_summary"], many=True).data


class InvoiceCreateSerializer(serializers.Serializer):
    client = PracticeRelatedField(Client)
    engagement = PracticeRelatedField(Engagement, required=False, allow_null=True)
    currency = serializers.ChoiceField(
        choices=CURRENCIES,
        required=False,
        help_text=_("Defaults to the engagement's currency, then the client's."),
    )
    payment_terms = serializers.ChoiceField(
        choices=PaymentTerms.choices,
        required=False,
        help_text=_("Defaults to the practice's billing settings."),
    )
    series = PracticeRelatedField(
        InvoiceSeries,
        required=False,
        allow_null=True,
        help_text=_("A numbering series for invoices; the default one when left out."),
    )
    period_start = _date(required=False, allow_null=True)
    period_end = _date(required=False, allow_null=True)
    notes = serializers.CharField(max_length=limits.TEXT_NOTES, required=False, allow_blank=True)


class InvoiceUpdateSerializer(serializers.Serializer):
    """A draft's header: what is left out stays as it is."""

    payment_terms = serializers.ChoiceField(choices=PaymentTerms.choices, required=False)
    series = PracticeRelatedField(InvoiceSeries, required=False, allow_null=True)
    period_start = _date(required=False, allow_null=True)
    period_end = _date(required=False, allow_null=True)
    notes = serializers.CharField(max_length=limits.TEXT_NOTES, required=False, allow_blank=True)


QUANTITY = {"max_digits": 12, "decimal_places": 2, "min_value": ZERO}


class InvoiceLineInputSerializer(serializers.Serializer):
    """A line to add: described and priced, or billing one expense (priced from it)."""

    kind = serializers.ChoiceField(choices=LineKind.choices, required=False)
    description = serializers.CharField(max_length=300, required=False)
    quantity = serializers.DecimalField(required=False, **QUANTITY)
    unit_price = money_field(required=False)
    tax_rate = ActiveTaxRateField(required=False, allow_null=True)
    service_from = _date(required=False, allow_null=True)
    service_to = _date(required=False, allow_null=True)
    time_entries = serializers.ListField(
        child=PracticeRelatedField(TimeEntry),
        required=False,
        max_length=MAX_LINE_TIME,
        help_text=_("Time of this client the line bills (each entry is billed once)."),
    )
    expense = PracticeRelatedField(
        Expense,
        required=False,
        allow_null=True,
        help_text=_(
            "An unbilled expense of this client: the line bills it, priced from its amount "
            "and markup (description, quantity, price and tax rate then default from it)."
        ),
    )

    def validate(self, attrs):
        if attrs.get("expense") is None:
            missing = {
                name: [_("This field is required.")]
                for name in ("description", "quantity", "unit_price")
                if name not in attrs
            }
            if missing:
                raise serializers.ValidationError(missing, code="required")
        return attrs


class InvoiceLineUpdateSerializer(serializers.Serializer):
    """A draft line's new description, quantity, price, tax rate or dates; what is left out
    stays as it is."""

    description = serializers.CharField(max_length=300, required=False)
    quantity = serializers.DecimalField(required=False, **QUANTITY)
    unit_price = money_field(required=False)
    tax_rate = ActiveTaxRateField(required=False, allow_null=True)
    service_from = _date(required=False, allow_null=True)
    service_to = _date(required=False, allow_null=True)


class IssueInputSerializer(serializers.Serializer):
    issue_date = _date(
        required=False, allow_null=True, help_text=_("Defaults to today in the practice.")
    )


class SendResultSerializer(serializers.Serializer):
    send_id = serializers.CharField(read_only=True, max_length=32)
    invoice = InvoiceSerializer(read_only=True)


class CreditLineSerializer(serializers.Serializer):
    line = InvoiceLineRelatedField()
    amount = money_field(
        required=False,
        allow_null=True,
        help_text=_("Net amount to credit; all that is left of the line when left out."),
    )


class CreditInputSerializer(serializers.Serializer):
    lines = serializers.ListField(
        child=CreditLineSerializer(),
        required=False,
        min_length=1,
        max_length=MAX_CREDIT_LINES,
        help_text=_("Lines to credit; leave out to credit the whole invoice."),
    )
    reason = serializers.CharField(max_length=limits.TEXT_SHORT, required=False, allow_blank=True)
    issue_date = _date(required=False, allow_null=True)


# --- Payments -------------------------------------------------------------------------------


class AllocationSerializer(serializers.ModelSerializer):
    invoice = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = PaymentAllocation
        fields = ["invoice", "amount"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)
    unallocated = serializers.SerializerMethodField(
        help_text=_("What is not allocated to invoices: the client's credit.")
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "client",
            "date",
            "method",
            "reference",
            "amount",
            "currency",
            "allocations",
            "unallocated",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(**MONEY_OUT))
    def get_unallocated(self, payment) -> str:
        allocated = sum((a.amount for a in payment.allocations.all()), ZERO)
        return str((payment.amount - allocated).quantize(Decimal("0.01")))


class AllocationInputSerializer(serializers.Serializer):
    invoice = PracticeRelatedField(Invoice)
    amount = money_field()


class PaymentCreateSerializer(serializers.Serializer):
    client = PracticeRelatedField(Client)
    date = _date()
    amount = money_field()
    currency = serializers.ChoiceField(choices=CURRENCIES)
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    reference = serializers.CharField(max_length=120, required=False, allow_blank=True)
    allocations = serializers.ListField(
        child=AllocationInputSerializer(),
        required=False,
        max_length=MAX_ALLOCATIONS,
        help_text=_(
            "Amounts per invoice of this client (each at most its balance); leave out to pay "
            "the client's open invoices in this currency, oldest due first."
        ),
    )
    keep_as_credit = serializers.BooleanField(
        default=False,
        help_text=_("Keep what is not allocated as the client's credit (else it is refused)."),
    )

    def validate_allocations(self, value):
        ids = [row["invoice"].pk for row in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("Name each invoice once."), code="duplicate")
        return value


# --- Expenses -------------------------------------------------------------------------------


class ExpenseSerializer(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True)
    tax_rate = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    invoice_line = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    has_receipt = serializers.SerializerMethodField()

    class Meta:
        model = Expense
        fields = [
            "id",
            "client",
            "date",
            "description",
            "amount",
            "currency",
            "tax_rate",
            "markup_percent",
            "billable",
            "invoice_line",
            "has_receipt",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_receipt(self, expense) -> bool:
        return bool(expense.receipt)


class ExpenseCreateSerializer(serializers.Serializer):
    client = PracticeRelatedField(Client)
    date = _date()
    description = serializers.CharField(max_length=300)
    amount = serializers.DecimalField(min_value=Decimal("0.01"), **MONEY)
    currency = serializers.ChoiceField(
        choices=CURRENCIES, required=False, help_text=_("Defaults to the client's currency.")
    )
    tax_rate = ActiveTaxRateField(required=False, allow_null=True)
    markup_percent = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=ZERO,
        max_value=Decimal(1000),
        required=False,
        default=ZERO,
    )
    billable = serializers.BooleanField(default=True)


# --- Tax rates ------------------------------------------------------------------------------


class TaxRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaxRate
        fields = ["id", "name", "rate", "inclusive", "archived"]
        read_only_fields = ["id"]
        extra_kwargs = {
            "rate": {"min_value": ZERO, "max_value": Decimal(100)},
            # Unique per practice: the service says so (``tax_rate_save``).
            "name": {"validators": []},
        }
