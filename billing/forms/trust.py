"""Forms of the trust pages. Id fields take querysets of the request's practice and book; the
services check every rule again (and say why on the right field)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import Book, TrustMatter
from billing.models.ledger import MONEY
from billing.trust import selectors
from billing.trust.services import Purpose
from secretary.date_inputs import DateInput
from secretary.form_renderer import name_empty_choices
from secretary.idempotency import IdempotentFormMixin
from secretary.limits import validate_date_in_range

DATE = DateInput()


def _date_field(label) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, validators=[validate_date_in_range])


def _amount_field(label=None) -> forms.DecimalField:
    return forms.DecimalField(label=label or _("Amount"), min_value=Decimal("0.01"), **MONEY)


class _MatterChoice(forms.ModelChoiceField):
    def label_from_instance(self, matter) -> str:
        return f"{matter.reference} — {matter.name}"


class MatterForm(IdempotentFormMixin, forms.ModelForm):
    class Meta:
        model = TrustMatter
        fields = ["reference", "name", "description", "opened_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "opened_on": DATE}

    def __init__(self, *args, book: Book, **kwargs):
        super().__init__(*args, **kwargs)
        self.book = book
        if not self.instance.pk:
            self.initial.setdefault("opened_on", timezone.localdate())

    def _post_clean(self):
        pass  # the service validates (and checks the number is unique in the book)


class MatterCloseForm(forms.Form):
    closed_on = _date_field(_("Closed on"))


class _MoneyForm(IdempotentFormMixin, forms.Form):
    """Date, amount, memo and reference, with the book's open matters to choose from."""

    date = _date_field(_("Date"))
    amount = _amount_field()
    memo = forms.CharField(label=_("Memo"), max_length=300, required=False)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=80,
        required=False,
        help_text=_("A cheque, receipt or transfer number."),
    )

    def __init__(self, *args, practice, book: Book, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice, self.book = practice, book
        self.initial.setdefault("date", timezone.localdate())
        self.fields["amount"].help_text = _("In %(currency)s.") % {"currency": book.currency}

    def _open_matters(self):
        return selectors.matters_with_balances(
            practice=self.practice, book=self.book, open_only=True
        )

    def _bank_field(self) -> None:
        """A choice of trust bank account, only when the book has more than one."""
        banks = selectors.trust_bank_accounts(practice=self.practice, book=self.book)
        if banks.count() > 1:
            self.fields["bank_account"] = forms.ModelChoiceField(
                label=_("Trust bank account"),
                queryset=banks,
                empty_label=_("Choose a trust bank account"),
            )


class DepositForm(_MoneyForm):
    field_order = ["matter", "bank_account", "date", "amount", "memo", "reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"] = _MatterChoice(
            label=_("Matter"), queryset=self._open_matters(), empty_label=_("Choose a matter")
        )
        self._bank_field()
        self.order_fields(self.field_order)


class WithdrawalForm(_MoneyForm):
    purpose = forms.ChoiceField(label=_("Paid to"), choices=Purpose.choices)
    field_order = ["matter", "purpose", "bank_account", "date", "amount", "memo", "reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"] = _MatterChoice(
            label=_("Matter"), queryset=self._open_matters(), empty_label=_("Choose a matter")
        )
        self._bank_field()
        self.order_fields(self.field_order)


class TransferForm(_MoneyForm):
    field_order = ["from_matter", "to_matter", "date", "amount", "memo", "reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_matter"] = _MatterChoice(
            label=_("From matter"), queryset=self._open_matters(), empty_label=_("Choose a matter")
        )
        self.fields["to_matter"] = _MatterChoice(
            label=_("To matter"), queryset=self._open_matters(), empty_label=_("Choose a matter")
        )
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        source, target = data.get("from_matter"), data.get("to_matter")
        if source is not None and target is not None and source.pk == target.pk:
            self.add_error("to_matter", _("Choose two different matters."))
        return data


class ReconciliationForm(IdempotentFormMixin, forms.Form):
    """The trust bank account, the date, and the balance the bank statement shows then."""

    account = forms.ModelChoiceField(label=_("Trust bank account"), queryset=None)
    as_of = _date_field(_("As of"))
    statement_balance = forms.DecimalField(label=_("Bank statement balance"), **MONEY)

    def __init__(self, *args, practice, book: Book, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, account=_("Choose a trust bank account"))
        banks = selectors.trust_bank_accounts(practice=practice, book=book)
        self.fields["account"].queryset = banks
        first = banks.first()
        if first is not None:
            self.initial.setdefault("account", first.pk)
        self.fields["statement_balance"].help_text = _(
            "In %(currency)s, as printed on the statement."
        ) % {"currency": book.currency}


class ReconciliationPreviewForm(forms.Form):
    """The same fields read from the query string, to show the figures before recording."""

    account = forms.ModelChoiceField(queryset=None)
    as_of = _date_field(_("As of"))
    statement_balance = forms.DecimalField(required=False, **MONEY)

    def __init__(self, *args, practice, book: Book, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, account=_("Choose a trust bank account"))
        self.fields["account"].queryset = selectors.trust_bank_accounts(
            practice=practice, book=book
        )
