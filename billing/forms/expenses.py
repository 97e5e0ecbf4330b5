"""The expense form: id fields take querysets of the request's practice; the service checks
every rule again (amount, currency decimals, markup, receipt type)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import TaxRate
from billing.models.ledger import MONEY
from clients.models import Client
from secretary.date_inputs import DateInput
from secretary.form_renderer import name_empty_choices
from secretary.idempotency import IdempotentFormMixin
from secretary.limits import validate_date_in_range


class ExpenseForm(IdempotentFormMixin, forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        validators=[validate_date_in_range],
    )
    description = forms.CharField(label=_("Description"), max_length=300)
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), **MONEY)
    tax_rate = forms.ModelChoiceField(
        label=_("Tax rate"), queryset=TaxRate.objects.none(), required=False
    )
    markup_percent = forms.DecimalField(
        label=_("Markup (%)"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        max_digits=6,
        decimal_places=2,
        initial=Decimal(0),
    )
    billable = forms.BooleanField(label=_("Bill to the client"), required=False, initial=True)
    receipt = forms.FileField(label=_("Receipt"), required=False, help_text=_("An image or a PDF."))

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, client=_("Choose a client"), tax_rate=_("No tax"))
        self.fields["client"].queryset = Client.objects.for_practice(practice).order_by("name")
        self.fields["tax_rate"].queryset = TaxRate.objects.for_practice(practice).filter(
            archived=False
        )
        self.initial.setdefault("date", timezone.localdate())
