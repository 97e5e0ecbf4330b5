"""Date and time inputs in the practice's own style, not the browser's.

A native date picker shows dates in the browser's locale (mm/dd/yyyy in a US browser, whatever
the practice writes) and a time picker may show a 12-hour clock. These inputs are text fields:
dates in the practice's order (``Practice.date_style``: 30/11/2026, 11/30/2026 or 2026-11-30),
times on a 24-hour clock. What is typed is read in that order, and ISO dates ("2026-11-30") and
times with "am"/"pm" are always understood; the form field then parses the ISO text as usual,
and reports what cannot be read.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from secretary import scope

FORMATS = {"dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y", "ymd": "%Y-%m-%d"}
PLACEHOLDERS = {"dmy": _("dd/mm/yyyy"), "mdy": _("mm/dd/yyyy"), "ymd": _("yyyy-mm-dd")}
_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_PARTS = re.compile(r"^(\d{1,4})[/.\-\s](\d{1,2})[/.\-\s](\d{1,4})$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)


def date_style() -> str:
    """The style of the practice being served (day first outside a practice)."""
    practice = scope.current_practice()
    style = getattr(practice, "date_style", None)
    return style if style in FORMATS else "dmy"


def iso_date(text: str, style: str) -> str:
    """``text`` typed in ``style`` as ``YYYY-MM-DD``; the text unchanged when it is not a
    date (the field then says so)."""
    text = (text or "").strip()
    if not text or _ISO_DATE.match(text):
        return text
    match = _PARTS.match(text)
    if not match:
        return text
    first, second, third = match.groups()
    if style == "ymd" or len(first) == 4:
        year, month, day = first, second, third
    elif style == "mdy":
        month, day, year = first, second, third
    else:
        day, month, year = first, second, third
    if len(year) == 2:
        year = f"20{year}"
    try:
        return date(int(year), int(month), int(day)).isoformat() if len(year) == 4 else text
    except ValueError:  # 31/02: shown again as typed, with the field's error
        return text


def iso_time(text: str) -> str:
    """``text`` ("9", "9:30", "09.30", "2:30 pm") as ``HH:MM``; unchanged when not a time."""
    text = (text or "").strip()
    match = _TIME.match(text)
    if not match:
        return text
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return text
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    return f"{hour:02d}:{minute:02d}"


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None, format=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, date):
            return value.strftime(FORMATS[date_style()])
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", str(PLACEHOLDERS[date_style()]))
        return context

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        return iso_date(value, date_style()) if isinstance(value, str) else value


class TimeInput(forms.TimeInput):
    input_type = "text"

    def __init__(self, attrs=None, format=None):
        defaults = {"inputmode": "numeric", "autocomplete": "off", "placeholder": "14:30"}
        super().__init__({**defaults, **(attrs or {})}, format="%H:%M")

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        return iso_time(value) if isinstance(value, str) else value


class DateTimeInput(forms.MultiWidget):
    """A date and a time side by side, read as one ``YYYY-MM-DDTHH:MM``. A post of that ISO
    text under the field's own name (an API-like client, a test) is read as it is."""

    template_name = "forms/widgets/date_time.html"

    def __init__(self, attrs=None):
        date_attrs = {**(attrs or {}), "class": "date-part"}
        time_attrs = {**(attrs or {}), "class": "time-part"}
        super().__init__([DateInput(date_attrs), TimeInput(time_attrs)], attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:  # posted back with an error: both parts as typed
                day, _sep, moment = value.partition("T")
                return [day, "" if moment == "?" else moment]
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return [value.date(), value.time().replace(second=0, microsecond=0)]
        return [None, None]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)
        day, moment = (
            widget.value_from_datadict(data, files, f"{name}_{index}")
            for index, widget in enumerate(self.widgets)
        )
        day, moment = (day or "").strip(), (moment or "").strip()
        if not day and not moment:
            return ""
        return f"{day}T{moment or '?'}"

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)
