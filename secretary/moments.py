"""Formatting moments for lists: ``D j M, H:i T`` ("Tue 3 Mar, 09:30 AEDT") without the cost
of Django's ``dateformat`` on every row (it parses the format and looks up two translated
names on each call). The output is the same as ``dateformat.format(local, SHORT)``.
"""

from __future__ import annotations

from datetime import datetime

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import dateformat, translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

SHORT = "D j M, H:i T"

# Per language: the seven weekday and twelve month abbreviations, translated once.
_names: dict[str | None, tuple[list[str], list[str]]] = {}


@receiver(setting_changed)
def _forget_names(*, setting, **kwargs) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _names.clear()


def _day_and_month_names() -> tuple[list[str], list[str]]:
    language = translation.get_language()
    names = _names.get(language)
    if names is None:
        names = _names[language] = (
            [str(WEEKDAYS_ABBR[day]) for day in range(7)],
            ["", *(str(MONTHS_3[month]).title() for month in range(1, 13))],
        )
    return names


def short(local: datetime) -> str:
    """``local`` (an aware datetime, already in the zone to show) as ``SHORT``."""
    zone = local.tzinfo
    if zone is None:
        return dateformat.format(local, SHORT)
    days, months = _day_and_month_names()
    # Like dateformat's "T": no zone name for a wall time that is ambiguous or does not exist.
    ambiguous = zone.utcoffset(local.replace(fold=not local.fold)) != zone.utcoffset(local)
    name = "" if ambiguous else str(zone.tzname(local))
    return (
        f"{days[local.weekday()]} {local.day} {months[local.month]}, "
        f"{local.hour:02d}:{local.minute:02d} {name}"
    )
