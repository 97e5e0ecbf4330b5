"""Serializers of the ledger API: books, accounts, journal entries and their lines, tax codes
and ledger contacts.

Money is a decimal string in the book's currency. Fields that take ids accept only rows of the
caller's practice and, below a book, of that book (another book's id is "does not exist").
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.ledger.books import chart_choices
from billing.ledger.posting import MAX_LINES
from billing.models import (
    Account,
    AccountRole,
    AccountType,
    Book,
    JournalEntry,
    JournalLine,
    LedgerContact,
    TaxCode,
    TrustMatter,
)
from billing.models.ledger import MONEY, ZERO
from clients.models import Client
from secretary import limits
from secretary.api_fields import PracticeRelatedField
from secretary.limits import validate_date_in_range
from secretary.models import CURRENCIES


class BookRelatedField(PracticeRelatedField):
    """An id of a row of the book in the serializer's context (``context["book"]``)."""

    def get_queryset(self):
        return super().get_queryset().filter(book=self.context["book"])


# Money columns hold two decimal places whatever the currency (see ``billing.models.ledger``).
CENT = Decimal("0.01")


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(min_value=ZERO, **MONEY, **kwargs)


# --- Books ----------------------------------------------------------------------------------


class BookSerializer(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Book
        fields = [
            "id",
            "name",
            "client",
            "currency",
            "fiscal_year_start_month",
            "lock_date",
            "chart_template",
            "created_at",
        ]
        read_only_fields = fields


class BookCreateSerializer(serializers.Serializer):
    client = PracticeRelatedField(
        Client,
        required=False,
        allow_null=True,
        help_text=_("The client whose books these are; leave out for the practice's own."),
    )
    name = serializers.CharField(max_length=160)
    chart = serializers.ChoiceField(choices=chart_choices())
    currency = serializers.ChoiceField(
        choices=CURRENCIES,
        required=False,
        help_text=_("Defaults to the client's, then the chart's, then the practice's currency."),
    )
    fiscal_year_start_month = serializers.IntegerField(min_value=1, max_value=12, default=1)


# --- Accounts -------------------------------------------------------------------------------


class AccountSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    default_tax_code = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    balance = serializers.SerializerMethodField(
        help_text=_(
            "Posted balance in the account's normal-balance terms (debits minus "
            "credits for assets and expenses, credits minus debits otherwise)."
        )
    )

    class Meta:
        model = Account
        fields = [
            "id",
            "code",
            "name",
            "type",
            "normal_balance",
            "role",
            "parent",
            "description",
            "is_bank",
            "is_trust",
            "default_tax_code",
            "archived",
            "balance",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.DecimalField(max_digits=19, decimal_places=2, coerce_to_string=True)
    )
    def get_balance(self, account) -> str:
        debits = getattr(account, "posted_debits", None) or ZERO
        credits = getattr(account, "posted_credits", None) or ZERO
        balance = debits - credits if account.debit_normal else credits - debits
        return str(balance.quantize(CENT))


class AccountCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=160)
    type = serializers.ChoiceField(choices=AccountType.choices)
    parent = BookRelatedField(Account, required=False, allow_null=True)
    role = serializers.ChoiceField(choices=AccountRole.choices, required=False, allow_blank=True)
    description = serializers.CharField(
        max_length=limits.TEXT_SHORT, required=False, allow_blank=True
    )
    is_bank = serializers.BooleanField(required=False, default=False)
    is_trust = serializers.BooleanField(required=False, default=False)
    default_tax_code = BookRelatedField(TaxCode, required=False, allow_null=True)


class AccountUpdateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, required=False)
    name = serializers.CharField(max_length=160, required=False)
    description = serializers.CharField(
        max_length=limits.TEXT_SHORT, required=False, allow_blank=True
    )
    parent = BookRelatedField(Account, required=False, allow_null=True)
    default_tax_code = BookRelatedField(TaxCode, required=False, allow_null=True)
    archived = serializers.BooleanField(required=False)


# --- Tax codes and contacts -----------------------------------------------------------------


class TaxCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaxCode
        fields = ["id", "code", "name", "rate", "archived"]
        read_only_fields = fields


class LedgerContactSerializer(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = LedgerContact
        fields = ["id", "name", "email", "client", "archived"]
        read_only_fields = fields


# --- Journal entries ------------------------------------------------------------------------


class LineSerializer(serializers.ModelSerializer):
    account = serializers.PrimaryKeyRelatedField(read_only=True)
    contact = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    tax_code = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    matter = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = JournalLine
        fields = [
            "id",
            "account",
            "debit",
            "credit",
            "description",
            "contact",
            "tax_code",
            "matter",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    reversed_by = serializers.SerializerMethodField()
    reversal_of = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    total = serializers.SerializerMethodField(help_text=_("The sum of the debits."))
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = JournalEntry
        fields = [
            "id",
            "number",
            "date",
            "memo",
            "reference",
            "source",
            "status",
            "reversal_of",
            "reversed_by",
            "total",
            "created_at",
            "posted_at",
            "lines",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_reversed_by(self, entry) -> int | None:
        try:
            return entry.reversed_by.pk
        except JournalEntry.reversed_by.RelatedObjectDoesNotExist:
            return None

    @extend_schema_field(
        serializers.DecimalField(max_digits=19, decimal_places=2, coerce_to_string=True)
    )
    def get_total(self, entry) -> str:
        return str(sum((line.debit for line in entry.lines.all()), ZERO).quantize(CENT))


class LineInputSerializer(serializers.Serializer):
    """One line: an account of the book and either a debit or a credit (the other left out,
    empty or zero)."""

    account = BookRelatedField(Account)
    debit = money_field(required=False, allow_null=True)
    credit = money_field(required=False, allow_null=True)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    contact = BookRelatedField(LedgerContact, required=False, allow_null=True)
    tax_code = BookRelatedField(TaxCode, required=False, allow_null=True)
    matter = BookRelatedField(TrustMatter, required=False, allow_null=True)


class EntryInputSerializer(serializers.Serializer):
    date = serializers.DateField(validators=[validate_date_in_range])
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
    # A list field (not ``many=True``) so the schema states the bounds (minItems, maxItems).
    lines = serializers.ListField(child=LineInputSerializer(), min_length=2, max_length=MAX_LINES)


class EntryUpdateSerializer(EntryInputSerializer):
    """A draft's new date, memo, reference or lines; what is left out stays as it is."""

    date = serializers.DateField(validators=[validate_date_in_range], required=False)
    lines = serializers.ListField(
        child=LineInputSerializer(), min_length=2, max_length=MAX_LINES, required=False
    )


class ReverseInputSerializer(serializers.Serializer):
    date = serializers.DateField(
        validators=[validate_date_in_range],
        required=False,
        allow_null=True,
        help_text=_("The reversal's date; defaults to the entry's own."),
    )
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True)
