"""Bounds on what people may send: dates, ids, free text, request bodies and JSON.

One place for every limit, so models, forms, serializers, services and filters agree. The
core imports no feature app; every app takes its limits from here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from datetime import time as dt_time
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Dates ------------------------------------------------------------------------------------

# Every date a person types is held to these years: far enough for birthdays, contracts and
# plans, near enough that converting to any time zone (±1 day) and adding a day or a month stays
# a valid Python datetime.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
EARLIEST_DATE = date(EARLIEST_YEAR, 1, 1)
LATEST_DATE = date(LATEST_YEAR, 12, 31)
EARLIEST_MOMENT = datetime.combine(EARLIEST_DATE, dt_time.min, tzinfo=UTC)
LATEST_MOMENT = datetime.combine(LATEST_DATE, dt_time.max, tzinfo=UTC)


def date_in_range(value: date | datetime | None) -> bool:
    """True when ``value`` (a date or a datetime, naive or aware) lies in the years allowed."""
    if value is None:
        return True
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def date_range_message():
    return _("Enter a date between %(first)s and %(last)s.") % {
        "first": EARLIEST_YEAR,
        "last": LATEST_YEAR,
    }


def validate_date_in_range(value: date | datetime | None) -> None:
    """The validator of every date and datetime people enter (models, forms, serializers)."""
    if not date_in_range(value):
        raise ValidationError(date_range_message(), code="date_out_of_range")


def dates_out_of_range(**values) -> dict[str, str]:
    """``{name: message}`` for each named date or datetime outside the allowed years; services
    raise these as field errors before doing arithmetic on them."""
    return {
        name: date_range_message() for name, value in values.items() if not date_in_range(value)
    }


def in_zone(value: datetime, zone: str | ZoneInfo) -> datetime:
    """``value`` seen in ``zone``; a stored moment so far out that the zone's offset would leave
    the calendar stays in UTC instead of failing (lists must never break on stored data)."""
    if isinstance(zone, str):
        zone = ZoneInfo(zone)
    try:
        return value.astimezone(zone)
    except (OverflowError, ValueError):
        return value.astimezone(UTC)


class DateField(forms.DateField):
    """A form date held to the allowed years."""

    default_validators = [validate_date_in_range]


class DateTimeField(forms.DateTimeField):
    """A form date and time held to the allowed years."""

    default_validators = [validate_date_in_range]


# --- Ids in query strings ---------------------------------------------------------------------

# Primary keys are 64-bit signed integers (BigAutoField); larger numbers name no row.
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """The id a query-string value names, or None: ASCII digits only, 1 to ``MAX_ID``."""
    if value is None:
        return None
    text = str(value).strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class DateFilter(django_filters.DateFilter):
    """A date filter held to the allowed years."""

    field_class = DateField


# --- Free text --------------------------------------------------------------------------------

# Lengths in characters. A short line is a CharField; these are for the longer texts.
TEXT_SHORT = 2_000  # an address, a description of a category, a reason
TEXT_NOTES = 10_000  # notes, descriptions, questionnaire answers
TEXT_LONG = 20_000  # task details, comments and messages
# A transcript: hours of speech, still under the 1 MB form-post limit once autosaved.
TEXT_TRANSCRIPT = 400_000


def text_field(*args, max_length: int, **kwargs) -> models.TextField:
    """A ``TextField`` bounded to ``max_length`` characters: forms and serializers read the
    length from the field, ``full_clean`` from its validator (the database does not check)."""
    validators = [MaxLengthValidator(max_length), *kwargs.pop("validators", [])]
    return models.TextField(*args, max_length=max_length, validators=validators, **kwargs)


# --- Request bodies ---------------------------------------------------------------------------

# The size of JSON bodies and form posts is ``settings.DATA_UPLOAD_MAX_MEMORY_SIZE`` (files
# are limited on their own). Depth counts objects and arrays inside each other; real payloads
# nest three or four levels.
MAX_JSON_DEPTH = 64


def json_depth_exceeds(data, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when objects and arrays nest deeper than ``limit`` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
