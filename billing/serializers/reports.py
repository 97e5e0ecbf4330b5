"""Serializers of the reports API: the query a report takes and the report it answers.

Money is a decimal string in the book's currency (``currency`` beside it), blank cells null.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing import reporting
from billing.models.ledger import MONEY
from secretary.limits import MAX_ID, parse_id, validate_date_in_range

MAX_PAGE = 100_000


@extend_schema_field({"type": "boolean"})
class StrictBooleanField(serializers.Field):
    """``true`` or ``false`` only (what the schema says), not DRF's "yes", "1" or "on"."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data):
        if data in (True, "true"):
            return True
        if data in (False, "false"):
            return False
        self.fail("invalid")

    def to_representation(self, value):
        return bool(value)


class BoundedIntegerField(serializers.Field):
    """ASCII digits from 1 to ``max_value`` (no "1.0", no "²")."""

    default_error_messages = {"invalid": _("Must be a whole number from 1 to {max_value}.")}

    def __init__(self, *, max_value: int, **kwargs):
        self.max_value = max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        number = parse_id(data if isinstance(data, str) else str(data))
        if number is None or number > self.max_value:
            self.fail("invalid", max_value=self.max_value)
        return number

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdQueryField(BoundedIntegerField):
    def __init__(self, **kwargs):
        super().__init__(max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_PAGE})
class PageQueryField(BoundedIntegerField):
    def __init__(self, **kwargs):
        super().__init__(max_value=MAX_PAGE, **kwargs)


class ReportQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        required=False,
        validators=[validate_date_in_range],
        help_text=_("First day of the period (reports over a period); this month when left out."),
    )
    end = serializers.DateField(
        required=False,
        validators=[validate_date_in_range],
        help_text=_("Last day of the period; the end of the start's month when left out."),
    )
    as_of = serializers.DateField(
        required=False,
        validators=[validate_date_in_range],
        help_text=_(
            "Date of a balance (trial balance, balance sheet, aged balances); the end "
            "of the period when left out."
        ),
    )
    compare = StrictBooleanField(
        required=False,
        default=True,
        help_text=_("Add the previous period (or the same date a year earlier) beside."),
    )
    account = IdQueryField(required=False, help_text=_("The account of a general ledger."))
    page = PageQueryField(
        required=False, default=1, help_text=_("Page of a general ledger (50 lines a page).")
    )


class ReportRowSerializer(serializers.Serializer):
    cells = serializers.ListField(child=serializers.CharField(), read_only=True)
    figures = serializers.ListField(
        child=serializers.DecimalField(**{**MONEY, "max_digits": 20}, allow_null=True),
        help_text=_("One decimal string per figure column (null where blank)."),
        read_only=True,
    )
    style = serializers.ChoiceField(choices=["", "section", "total", "grand-total"], read_only=True)
    depth = serializers.IntegerField(read_only=True)
    account = serializers.IntegerField(source="account_id", allow_null=True, read_only=True)


class ReportSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=reporting.REPORT_KINDS, read_only=True)
    title = serializers.CharField(read_only=True)
    book = serializers.IntegerField(read_only=True)
    currency = serializers.CharField(read_only=True)
    period = serializers.CharField(read_only=True)
    compare_period = serializers.CharField(allow_null=True, read_only=True)
    text_columns = serializers.ListField(child=serializers.CharField(), read_only=True)
    figure_columns = serializers.ListField(child=serializers.CharField(), read_only=True)
    rows = ReportRowSerializer(many=True, read_only=True)
    page = serializers.IntegerField(read_only=True)
    pages = serializers.IntegerField(read_only=True)
    line_count = serializers.IntegerField(read_only=True)


def report_data(*, book, table: reporting.Table) -> dict:
    """The table as the serializer reads it."""
    return {
        "kind": table.kind,
        "title": table.title,
        "book": book.pk,
        "currency": table.currency,
        "period": table.period,
        "compare_period": table.compare_period,
        "text_columns": table.text_columns,
        "figure_columns": table.figure_columns,
        "rows": [
            {
                "cells": row.cells,
                "figures": [figure.value for figure in row.figures],
                "style": row.style,
                "depth": row.depth,
                "account_id": row.account_id,
            }
            for row in table.rows
        ],
        "page": table.page,
        "pages": table.pages,
        "line_count": table.line_count,
    }
