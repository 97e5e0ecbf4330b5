"""Forms of the invoicing staff pages. Id fields take querysets of the request's practice; the
services check every rule again (amounts, currency decimals, draft-only changes)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    LineKind,
    PaymentMethod,
    PaymentTerms,
    TaxRate,
)
from billing.models.ledger import MONEY
from clients.models import Client, Engagement
from clients.selectors import client_names
from secretary import limits
from secretary.date_inputs import DateInput
from secretary.form_renderer import name_empty_choices
from secretary.idempotency import IdempotentFormMixin
from secretary.limits import validate_date_in_range
from secretary.models import CURRENCIES
from secretary.named_choices import NamedChoiceField


def _date_field(label, *, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        validators=[validate_date_in_range],
    )


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *InvoiceStatus.choices]
    )
    client = NamedChoiceField(label=_("Client"), required=False, queryset=Client.objects.none())
    date_from = _date_field(_("Issued from"), required=False)
    date_to = _date_field(_("Issued to"), required=False)
    q = forms.CharField(label=_("Number"), required=False, max_length=60)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, client=_("All clients"))
        self.fields["client"].queryset = client_names.queryset(practice=practice.pk)


class InvoiceCreateForm(IdempotentFormMixin, forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    engagement = forms.ModelChoiceField(
        label=_("Engagement"), required=False, queryset=Engagement.objects.none()
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        choices=[("", _("The engagement's or the client's")), *CURRENCIES],
    )
    payment_terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    period_start = _date_field(_("Period from"), required=False)
    period_end = _date_field(_("Period to"), required=False)
    notes = forms.CharField(
        label=_("Notes to the client"),
        required=False,
        max_length=limits.TEXT_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, client=_("Choose a client"), engagement=_("No engagement"))
        self.fields["client"].queryset = Client.objects.for_practice(practice).order_by("name")
        self.fields["engagement"].queryset = (
            Engagement.objects.for_practice(practice).select_related("client").order_by("-id")
        )

    def clean(self):
        data = super().clean()
        client, engagement = data.get("client"), data.get("engagement")
        if client and engagement and engagement.client_id != client.pk:
            self.add_error("engagement", _("Choose an engagement of this client."))
        return data


class InvoiceHeaderForm(forms.Form):
    """What a draft may still change (the client and currency are set when it is created)."""

    payment_terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    period_start = _date_field(_("Period from"), required=False)
    period_end = _date_field(_("Period to"), required=False)
    notes = forms.CharField(
        label=_("Notes to the client"),
        required=False,
        max_length=limits.TEXT_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvoiceLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LineKind.choices, initial=LineKind.OTHER)
    description = forms.CharField(label=_("Description"), max_length=300)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal(0), max_digits=12, decimal_places=2, initial=1
    )
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=Decimal(0), **MONEY)
    tax_rate = forms.ModelChoiceField(
        label=_("Tax rate"), required=False, queryset=TaxRate.objects.none()
    )
    service_from = _date_field(_("Service from"), required=False)
    service_to = _date_field(_("Service to"), required=False)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, tax_rate=_("No tax"))
        self.fields["tax_rate"].queryset = TaxRate.objects.for_practice(practice).filter(
            archived=False
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("service_from"), data.get("service_to")
        if start and end and end < start:
            self.add_error("service_to", _("The service ends before it starts."))
        return data


class BulkIssueForm(forms.Form):
    invoices = forms.ModelMultipleChoiceField(
        label=_("Drafts"), queryset=Invoice.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    action = forms.ChoiceField(
        choices=[("issue", _("Issue")), ("issue_send", _("Issue and send"))], initial="issue"
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].queryset = Invoice.objects.for_practice(practice).filter(
            status=InvoiceStatus.DRAFT, kind=InvoiceKind.INVOICE
        )


class PaymentForm(IdempotentFormMixin, forms.Form):
    date = _date_field(_("Date received"))
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER
    )
    reference = forms.CharField(label=_("Reference"), required=False, max_length=120)
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), **MONEY)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    keep_as_credit = forms.BooleanField(
        label=_("Keep the rest as the client's credit"),
        required=False,
        help_text=_("When the payment is more than this invoice's balance."),
    )

    def __init__(self, *args, invoice: Invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("currency", invoice.currency)
        self.initial.setdefault("amount", invoice.balance_due)


class CreditNoteForm(IdempotentFormMixin, forms.Form):
    """Credit the whole invoice, or the amounts entered against chosen lines (tax included
    when the line's price included it)."""

    whole = forms.BooleanField(label=_("Credit the whole invoice"), required=False, initial=True)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=limits.TEXT_NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=line.description,
                required=False,
                min_value=Decimal("0.01"),
                **MONEY,
            )

    def line_fields(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]

    def chosen(self) -> dict:
        """{line: amount} of the lines given an amount."""
        return {
            line: self.cleaned_data[f"line_{line.pk}"]
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}")
        }

    def clean(self):
        data = super().clean()
        if not data.get("whole") and not any(data.get(f"line_{line.pk}") for line in self.lines):
            raise forms.ValidationError(
                _("Credit the whole invoice or enter an amount for at least one line.")
            )
        return data


class TaxRateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    rate = forms.DecimalField(
        label=_("Rate (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=7,
        decimal_places=4,
    )
    inclusive = forms.BooleanField(
        label=_("Prices include this tax"),
        required=False,
        help_text=_("When on, line prices already hold the tax and it is taken out of them."),
    )


class SeriesForm(forms.Form):
    kind = forms.ChoiceField(label=_("Numbers"), choices=InvoiceKind.choices)
    name = forms.CharField(label=_("Name"), max_length=80)
    pattern = forms.CharField(
        label=_("Pattern"),
        max_length=60,
        help_text=_("{yyyy} the year of issue, {yy} its last two digits, {seq:05} the number."),
    )
    next_number = forms.IntegerField(label=_("Next number"), min_value=1, max_value=10**9)
    is_default = forms.BooleanField(label=_("Default for its kind"), required=False)


class InvoicingSettingsForm(forms.Form):
    tax_number = forms.CharField(
        label=_("Tax number (ABN, EIN, VAT no.)"), required=False, max_length=64
    )
    invoice_address = forms.CharField(
        label=_("Address on invoices"),
        required=False,
        max_length=limits.TEXT_SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    payment_instructions = forms.CharField(
        label=_("Payment instructions"),
        required=False,
        max_length=limits.TEXT_SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bank details or how to pay, printed on every invoice."),
    )
    default_payment_terms = forms.ChoiceField(
        label=_("Default payment terms"), choices=PaymentTerms.choices
    )
