"""API serializers of bank statements. Money is a decimal string."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from billing.models import StatementImport, StatementLine
from secretary.limits import MAX_ID


class StatementImportSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True, help_text=_("Percent done (0..100)."))

    class Meta:
        model = StatementImport
        fields = [
            "id",
            "account",
            "format",
            "filename",
            "status",
            "failure_reason",
            "total_lines",
            "processed_lines",
            "created_lines",
            "duplicate_lines",
            "progress",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class StatementUploadSerializer(serializers.Serializer):
    account = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("A bank account of this book.")
    )
    file = serializers.FileField(
        max_length=200, help_text=_("A CSV statement (UTF-8) or an OFX/QFX file, at most 20 MB.")
    )


class StatementLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        read_only=True,
        help_text=_("Signed: money in positive, money out negative."),
    )
    currency = serializers.CharField(source="book.currency", read_only=True, max_length=3)

    class Meta:
        model = StatementLine
        fields = [
            "id",
            "account",
            "statement_import",
            "date",
            "description",
            "reference",
            "amount",
            "currency",
            "suggested_account",
            "suggested_tax_code",
            "suggested_contact",
            "reconciled",
        ]
        read_only_fields = fields


class MatchSerializer(serializers.Serializer):
    journal_lines = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=200,
        help_text=_(
            "Posted ledger lines of the statement line's bank account; their debits "
            "minus credits must equal its amount."
        ),
    )
