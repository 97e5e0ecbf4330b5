"""Filters of API lists that parse what the schema documents, and answer 400 for the rest.

- ``IdFilter``: a row id (a whole number from 1 to the largest database id), not any number.
- ``BooleanFilter``: ``true`` or ``false`` (django-filter's own ignores anything else).
- ``FilterSet``: the base of API filter sets, with ``BooleanFilter`` for boolean model fields.
- ``DateFilter``: a date between the years the product reads (``secretary.limits``), which
  the schema states.
- ``InstantFilter``: an ISO 8601 date-time with any offset, compared as the same instant in UTC
  (PostgreSQL refuses offsets beyond ±15:59, which Python accepts; a date near the ends of the
  calendar can fall outside it once moved to UTC: that is a 400 too).
"""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from secretary.limits import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_ID,
    parse_id,
    validate_date_in_range,
)


class IdField(forms.IntegerField):
    """ASCII digits from 1 to ``MAX_ID`` ("²", "٣" or 2**64 are refused, never a 500)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = IdField


# The years people may enter (secretary.limits), as the schema states them. An instant keeps
# a year off each end: its offset may move it across the boundary once it is read in UTC.
assert (EARLIEST_YEAR, LATEST_YEAR) == (1900, 2200)
DATE_YEARS = r"^(?:19[0-9]{2}|2[01][0-9]{2}|2200)-"
INSTANT_YEARS = r"^(?:190[1-9]|19[1-9][0-9]|2[01][0-9]{2})-"


class DateInRangeField(forms.DateField):
    default_validators = [validate_date_in_range]


@extend_schema_field(
    {
        "type": "string",
        "format": "date",
        "pattern": DATE_YEARS,
        "description": "A date between 1900-01-01 and 2200-12-31.",
    }
)
class DateFilter(django_filters.DateFilter):
    field_class = DateInRangeField


class InstantField(IsoDateTimeField):
    default_validators = [validate_date_in_range]
    default_error_messages = {
        "out_of_range": _("Enter a date and time between the years 1 and 9999 in UTC."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError(
                self.error_messages["out_of_range"], code="out_of_range"
            ) from exc


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "pattern": INSTANT_YEARS,
        "description": "An ISO 8601 date and time between the years 1901 and 2199.",
    }
)
class InstantFilter(django_filters.IsoDateTimeFilter):
    field_class = InstantField


class BooleanField(forms.NullBooleanField):
    # The raw value (NullBooleanSelect would turn anything unknown into "not filtered").
    widget = forms.TextInput
    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in (True, "true"):
            return True
        if value in (False, "false"):
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = BooleanField


class FilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
    }
