"""Forms of bank statements: the feed mapping, uploads, rules, matching, reconciliations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Account, BankFeed, BankRule, LedgerContact, TaxCode
from secretary.date_inputs import DateInput
from secretary.form_renderer import name_empty_choices
from secretary.idempotency import IdempotentFormMixin
from secretary.limits import validate_date_in_range


class BankFeedForm(forms.ModelForm):
    class Meta:
        model = BankFeed
        fields = [
            "account_number",
            "has_header",
            "delimiter",
            "date_column",
            "date_format",
            "description_column",
            "amount_column",
            "credit_column",
            "debit_column",
            "reference_column",
            "decimal_comma",
        ]
        help_texts = {
            "delimiter": _("The character between columns: , or ; or a tab (type \\t)."),
            "account_number": _(
                "As in OFX/QFX files (ACCTID); files of other accounts are refused."
            ),
        }

    def clean_delimiter(self):
        value = self.cleaned_data.get("delimiter") or ","
        return "\t" if value in ("\\t", "tab") else value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delimiter"].max_length = 2
        self.fields["delimiter"].widget.attrs["maxlength"] = 2
        self.fields["delimiter"].strip = False


class StatementUploadForm(IdempotentFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("CSV (UTF-8) or OFX/QFX, at most 20 MB."),
        max_length=200,
    )


def _book_queryset(model, *, practice, book, **filters):
    return model.objects.for_practice(practice).filter(book=book, **filters)


class BankRuleForm(IdempotentFormMixin, forms.ModelForm):
    class Meta:
        model = BankRule
        fields = [
            "contains",
            "bank_account",
            "account",
            "tax_code",
            "contact",
            "priority",
            "active",
        ]

    def __init__(self, *args, practice, book, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(
            self,
            bank_account=_("Every bank account"),
            account=_("Choose an account"),
            tax_code=_("No tax code"),
            contact=_("No contact"),
        )
        self.fields["bank_account"].queryset = _book_queryset(
            Account, practice=practice, book=book, is_bank=True, archived=False
        )
        self.fields["account"].queryset = _book_queryset(
            Account, practice=practice, book=book, archived=False
        )
        self.fields["tax_code"].queryset = _book_queryset(
            TaxCode, practice=practice, book=book, archived=False
        )
        self.fields["contact"].queryset = _book_queryset(
            LedgerContact, practice=practice, book=book, archived=False
        )


class CreateEntryForm(IdempotentFormMixin, forms.Form):
    account = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        required=False,
        label=_("Post to account"),
        help_text=_("Leave empty to use the suggested account."),
    )

    def __init__(self, *args, practice, book, bank_account, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, account=_("The suggested account"))
        self.fields["account"].queryset = _book_queryset(
            Account, practice=practice, book=book, archived=False
        ).exclude(pk=bank_account.pk)


class MatchForm(forms.Form):
    journal_lines = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Ledger lines"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, ledger_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal_lines"].queryset = ledger_lines


class ReconciliationForm(IdempotentFormMixin, forms.Form):
    period_end = forms.DateField(
        label=_("Statement date"),
        validators=[validate_date_in_range],
        widget=DateInput(),
    )
    statement_balance = forms.DecimalField(
        label=_("Statement closing balance"), max_digits=18, decimal_places=2
    )
