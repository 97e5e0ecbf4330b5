"""Forms of books, accounts and the journal. They parse and validate input; the services in
``billing.ledger`` write. Every field that takes an id chooses among rows of the current book
(a forged id of another book or practice is "not a valid choice", nothing is saved)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from billing.ledger import selectors
from billing.ledger.books import chart_templates
from billing.ledger.posting import LedgerError, money
from billing.models import AccountRole, AccountType, Book, EntrySource, EntryStatus
from secretary import limits
from secretary.date_inputs import DateInput
from secretary.form_renderer import name_empty_choices
from secretary.idempotency import IdempotentFormMixin
from secretary.limits import parse_id
from secretary.models import CURRENCIES

DATE = DateInput()
MONTH_CHOICES = [(number, name) for number, name in MONTHS.items()]
AMOUNT_MAX_LENGTH = 24


def _amount_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 10})


class ObjectChoiceField(forms.ChoiceField):
    """A choice among rows loaded once (``objects``: id → row); cleans to the row.

    Loading the rows once per request keeps a form of many lines at one query per list, where
    a ``ModelChoiceField`` per line would query again for every line.
    """

    def __init__(self, *, objects: dict | None = None, label_of=str, **kwargs):
        self.objects = objects or {}
        super().__init__(**kwargs)
        blank = [("", "—")]
        self.choices = blank + [(pk, label_of(row)) for pk, row in self.objects.items()]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = parse_id(value)
        row = self.objects.get(pk) if pk is not None else None
        if row is None:
            raise ValidationError(
                _("Select a valid choice. That choice is not one of the available choices."),
                code="invalid_choice",
            )
        return row

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


class BookChoices:
    """The rows of one book that forms offer, each loaded with one query."""

    def __init__(self, *, practice, book: Book, accounts=True, extras=True):
        self.book = book
        self.accounts = (
            {
                account.pk: account
                for account in selectors.accounts_of(practice=practice, book=book).filter(
                    archived=False
                )
            }
            if accounts
            else {}
        )
        self.tax_codes = (
            {
                code.pk: code
                for code in selectors.tax_codes_of(practice=practice, book=book).filter(
                    archived=False
                )
            }
            if extras
            else {}
        )
        self.contacts = (
            {
                contact.pk: contact
                for contact in selectors.contacts_of(practice=practice, book=book).filter(
                    archived=False
                )
            }
            if extras
            else {}
        )
        self.matters = (
            {
                matter.pk: matter
                for matter in selectors.matters_of(practice=practice, book=book).filter(
                    closed_on__isnull=True
                )
            }
            if extras
            else {}
        )


def parse_amount(value: str, *, book: Book) -> Decimal:
    """An amount of the book's currency, or a ValidationError with the ledger's message."""
    try:
        return money((value or "").strip().replace(",", ""), book=book, field="amount")
    except LedgerError as error:
        raise ValidationError(error.message) from None


# --- Books -----------------------------------------------------------------------------------


class BookCreateForm(IdempotentFormMixin, forms.Form):
    client = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Client"),
        empty_label=_("— The practice's own books —"),
        help_text=_("Leave empty to open the practice's own books (owners and admins only)."),
    )
    name = forms.CharField(label=_("Name"), max_length=160)
    chart = forms.ChoiceField(label=_("Chart of accounts"), widget=forms.RadioSelect)
    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        choices=[("", _("The client's (or the chart's) currency")), *CURRENCIES],
    )
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"), choices=MONTH_CHOICES, coerce=int, initial=1
    )

    def __init__(self, *args, practice, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["client"].queryset = selectors.clients_without_books(practice=practice)
        self.fields["chart"].choices = [
            (key, f"{chart.name} — {chart.description}") for key, chart in chart_templates().items()
        ]

    def clean(self):
        cleaned = super().clean()
        if "client" in cleaned and cleaned["client"] is None and not self.membership.is_admin:
            self.add_error("client", _("Only an owner or admin may open the practice's own books."))
        return cleaned


class BookSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"), choices=MONTH_CHOICES, coerce=int
    )


class BookLockForm(forms.Form):
    lock_date = limits.DateField(
        label=_("Lock date"),
        required=False,
        widget=DATE,
        help_text=_(
            "Nothing can be posted on or before this date. Any bookkeeper may lock or move the "
            "date forward; only an owner or admin may move it back or lift it (leave empty)."
        ),
    )


# --- Accounts, tax codes, contacts ------------------------------------------------------------


class AccountForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=160)
    type = forms.ChoiceField(label=_("Type"), choices=AccountType.choices)
    parent = forms.ModelChoiceField(queryset=None, required=False, label=_("Parent"))
    role = forms.ChoiceField(label=_("Used for"), choices=AccountRole.choices, required=False)
    is_bank = forms.BooleanField(label=_("Bank account"), required=False)
    is_trust = forms.BooleanField(
        label=_("Trust account"),
        required=False,
        help_text=_("Client money: every line carries a matter, no matter may go below zero."),
    )
    default_tax_code = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Default tax code")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=limits.TEXT_SHORT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, practice, book: Book, account=None, **kwargs):
        if account is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": account.code,
                "name": account.name,
                "type": account.type,
                "parent": account.parent_id,
                "role": account.role,
                "is_bank": account.is_bank,
                "is_trust": account.is_trust,
                "default_tax_code": account.default_tax_code_id,
                "description": account.description,
            }
        super().__init__(*args, **kwargs)
        name_empty_choices(
            self,
            parent=_("No parent (a top-level account)"),
            default_tax_code=_("No default tax code"),
        )
        parents = selectors.accounts_of(practice=practice, book=book).filter(archived=False)
        if account is not None:
            parents = parents.exclude(pk=account.pk)
        self.fields["parent"].queryset = parents
        self.fields["default_tax_code"].queryset = selectors.tax_codes_of(
            practice=practice, book=book
        ).filter(archived=False)


class AccountCreateForm(IdempotentFormMixin, AccountForm):
    pass


class TaxCodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=120)
    rate = forms.DecimalField(
        label=_("Rate (%)"), min_value=0, max_value=100, max_digits=7, decimal_places=4
    )
    archived = forms.BooleanField(label=_("Archived"), required=False)


class TaxCodeCreateForm(IdempotentFormMixin, TaxCodeForm):
    pass


class LedgerContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    client = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Client"),
        help_text=_("In the practice's own books, the client this customer is."),
    )
    archived = forms.BooleanField(label=_("Archived"), required=False)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, client=_("Not one of the practice's clients"))
        from clients.models import Client

        self.fields["client"].queryset = Client.objects.for_practice(practice).order_by("name")


class LedgerContactCreateForm(IdempotentFormMixin, LedgerContactForm):
    pass


# --- The journal -------------------------------------------------------------------------------


class JournalFilterForm(forms.Form):
    date_from = limits.DateField(label=_("From"), required=False, widget=DATE)
    date_to = limits.DateField(label=_("To"), required=False, widget=DATE)
    account = ObjectChoiceField(label=_("Account"), required=False)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any")), *EntrySource.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *EntryStatus.choices]
    )
    q = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Memo, reference or a line's description."),
    )

    def __init__(self, *args, accounts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"] = ObjectChoiceField(
            label=_("Account"), required=False, objects=accounts
        )


class EntryForm(forms.Form):
    date = limits.DateField(label=_("Date"), widget=DATE)
    memo = forms.CharField(label=_("Memo"), max_length=300, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)


class EntryCreateForm(IdempotentFormMixin, EntryForm):
    pass


class LineForm(forms.Form):
    """One line: an account and either a debit or a credit, in the book's currency."""

    account = ObjectChoiceField(label=_("Account"), required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    debit = forms.CharField(
        label=_("Debit"), max_length=AMOUNT_MAX_LENGTH, required=False, widget=_amount_widget()
    )
    credit = forms.CharField(
        label=_("Credit"), max_length=AMOUNT_MAX_LENGTH, required=False, widget=_amount_widget()
    )
    contact = ObjectChoiceField(label=_("Contact"), required=False)
    tax_code = ObjectChoiceField(label=_("Tax code"), required=False)
    matter = ObjectChoiceField(label=_("Matter (trust accounts)"), required=False)

    def __init__(self, *args, choices: BookChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.book = choices.book
        for name, objects in (
            ("account", choices.accounts),
            ("contact", choices.contacts),
            ("tax_code", choices.tax_codes),
            ("matter", choices.matters),
        ):
            old = self.fields[name]
            self.fields[name] = ObjectChoiceField(label=old.label, required=False, objects=objects)

    def clean_debit(self):
        return parse_amount(self.cleaned_data.get("debit"), book=self.book)

    def clean_credit(self):
        return parse_amount(self.cleaned_data.get("credit"), book=self.book)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        debit, credit = cleaned.get("debit"), cleaned.get("credit")
        if debit and credit:
            self.add_error("credit", _("Enter either a debit or a credit on each line, not both."))
        elif not debit and not credit:
            self.add_error("debit", _("Enter a debit or a credit."))
        if cleaned.get("account") is None:
            self.add_error("account", _("Choose an account."))
        elif cleaned["account"].is_trust and cleaned.get("matter") is None:
            self.add_error("matter", _("A line on a trust account must name its matter."))
        return cleaned


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, choices: BookChoices, **kwargs):
        self.choices = choices
        super().__init__(*args, form_kwargs={"choices": choices}, **kwargs)

    def filled_forms(self) -> list[LineForm]:
        """The line forms that count: not blank, not removed (in order)."""
        return [
            form for form in self.forms if form.has_changed() and not self._should_delete_form(form)
        ]


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=0,
    can_delete=True,
    max_num=500,
    absolute_max=500,
    validate_max=True,
)


class ReverseForm(forms.Form):
    date = limits.DateField(label=_("Date of the reversal"), widget=DATE)
    memo = forms.CharField(label=_("Memo"), max_length=300, required=False)


class OpeningBalancesForm(IdempotentFormMixin, forms.Form):
    """One debit and one credit field per account (``debit_<id>``, ``credit_<id>``)."""

    start_date = limits.DateField(
        label=_("Start date"),
        widget=DATE,
        help_text=_("The first day the books cover; balances are dated the day before."),
    )

    def __init__(self, *args, book: Book, accounts: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.book = book
        self.accounts = accounts
        for account in accounts:
            for side in ("debit", "credit"):
                self.fields[f"{side}_{account.pk}"] = forms.CharField(
                    label=f"{account} ({side})",
                    required=False,
                    max_length=AMOUNT_MAX_LENGTH,
                    widget=_amount_widget(),
                )

    def clean(self):
        cleaned = super().clean()
        for account in self.accounts:
            amounts = {}
            for side in ("debit", "credit"):
                name = f"{side}_{account.pk}"
                if name in self.errors:
                    continue
                try:
                    amounts[side] = parse_amount(cleaned.get(name), book=self.book)
                except ValidationError as error:
                    self.add_error(name, error)
                    continue
                cleaned[name] = amounts[side]
            if amounts.get("debit") and amounts.get("credit"):
                self.add_error(
                    f"credit_{account.pk}",
                    _("Enter either a debit or a credit on each line, not both."),
                )
        return cleaned

    def rows(self):
        """(account, debit field, credit field) per account, for the template."""
        return [
            (account, self[f"debit_{account.pk}"], self[f"credit_{account.pk}"])
            for account in self.accounts
        ]

    def amounts(self):
        return [
            (
                account,
                self.cleaned_data[f"debit_{account.pk}"],
                self.cleaned_data[f"credit_{account.pk}"],
            )
            for account in self.accounts
        ]
