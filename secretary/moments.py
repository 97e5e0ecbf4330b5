"""Formatting moments for lists without the cost of Django's ``dateformat`` on every row (it
parses the format and looks up translated names on each call): ``format(value, fmt)`` writes
what ``dateformat.format(value, fmt)`` does, from a format compiled once and the day and month
names translated once per language. ``short`` is the lists' ``D j M, H:i T`` ("Tue 3 Mar,
09:30 AEDT").

Compiled: the characters of days, months, years, hours, minutes, seconds and the zone's
abbreviation on an aware datetime, and those of days, months and years on a date. Anything
else (a naive datetime, a format with other characters) goes to ``dateformat`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import dateformat, timezone, translation
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT, MONTHS_AP, WEEKDAYS, WEEKDAYS_ABBR

SHORT = "D j M, H:i T"


class _Names:
    """The translated day and month names of one language, as ``dateformat`` writes them."""

    def __init__(self) -> None:
        self.weekdays_abbr = [str(WEEKDAYS_ABBR[day]) for day in range(7)]
        self.weekdays = [str(WEEKDAYS[day]) for day in range(7)]
        months = range(1, 13)
        self.months_3 = ["", *(str(MONTHS_3[month]) for month in months)]
        self.months_3_title = ["", *(name.title() for name in self.months_3[1:])]
        self.months = ["", *(str(MONTHS[month]) for month in months)]
        self.months_ap = ["", *(str(MONTHS_AP[month]) for month in months)]
        self.months_alt = ["", *(str(MONTHS_ALT[month]) for month in months)]


def _zone_name(moment: datetime) -> str:
    # Like dateformat's "T": no name for a wall time that is ambiguous or does not exist.
    zone = moment.tzinfo
    if zone.utcoffset(moment.replace(fold=not moment.fold)) != zone.utcoffset(moment):
        return ""
    return str(zone.tzname(moment))


# Each format character compiled, by what ``dateformat`` writes for it.
_PARTS: dict[str, Callable[[datetime, _Names], str]] = {
    "d": lambda m, n: f"{m.day:02d}",
    "j": lambda m, n: str(m.day),
    "D": lambda m, n: n.weekdays_abbr[m.weekday()],
    "l": lambda m, n: n.weekdays[m.weekday()],
    "b": lambda m, n: n.months_3[m.month],
    "M": lambda m, n: n.months_3_title[m.month],
    "F": lambda m, n: n.months[m.month],
    "N": lambda m, n: n.months_ap[m.month],
    "E": lambda m, n: n.months_alt[m.month],
    "m": lambda m, n: f"{m.month:02d}",
    "n": lambda m, n: str(m.month),
    "Y": lambda m, n: f"{m.year:04d}",
    "y": lambda m, n: f"{m.year % 100:02d}",
    "H": lambda m, n: f"{m.hour:02d}",
    "G": lambda m, n: str(m.hour),
    "i": lambda m, n: f"{m.minute:02d}",
    "s": lambda m, n: f"{m.second:02d}",
    "T": lambda m, n: _zone_name(m),
}

# What a date has not: dateformat refuses them for one.
_TIME_PARTS = frozenset("HGisT")

_Compiled = tuple[str | Callable[[datetime, _Names], str], ...]
# Per format and kind of value: its parts, or None when it has a character not compiled.
_formats: dict[tuple[str, bool], _Compiled | None] = {}
# Per language: the names, translated once.
_names: dict[str | None, _Names] = {}


@receiver(setting_changed)
def _forget_names(*, setting, **kwargs) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _names.clear()


def _compiled(fmt: str, *, day: bool = False) -> _Compiled | None:
    """``fmt``'s parts, for a moment or (``day``) a date; None when one is not compiled."""
    key = (fmt, day)
    if key in _formats:
        return _formats[key]
    parts: list | None = []
    for index, piece in enumerate(dateformat.re_formatchars.split(fmt)):
        if index % 2:
            part = _PARTS.get(piece)
            if part is None or (day and piece in _TIME_PARTS):
                parts = None
                break
            parts.append(part)
        elif piece:
            parts.append(dateformat.re_escaped.sub(r"\1", piece))
    compiled = _formats[key] = None if parts is None else tuple(parts)
    return compiled


def _language_names() -> _Names:
    language = translation.get_language()
    names = _names.get(language)
    if names is None:
        names = _names[language] = _Names()
    return names


def format(value, fmt: str) -> str:
    """``dateformat.format(value, fmt)``: ``value`` (already in the zone to show) as ``fmt``."""
    if isinstance(value, datetime):
        parts = _compiled(fmt) if value.tzinfo else None
    elif isinstance(value, date):
        parts = _compiled(fmt, day=True)
    else:
        parts = None
    if parts is None:
        return dateformat.format(value, fmt)
    names = _language_names()
    return "".join(part if part.__class__ is str else part(value, names) for part in parts)


def shown(value, fmt: str) -> str:
    """``{{ value|date:fmt }}`` written in Python (rows of lists): in the viewer's zone."""
    return format(timezone.template_localtime(value), fmt)


def short(local: datetime) -> str:
    """``local`` (an aware datetime, already in the zone to show) as ``SHORT``."""
    return format(local, SHORT)
