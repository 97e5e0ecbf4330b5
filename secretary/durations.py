"""The one way a duration is written: "2 h 15 min", "45 min", "3 h".

Pages, messages and emails all go through ``format_duration`` (minutes) or ``format_hours``
(decimal hours), and templates through the ``duration`` and ``hours_duration`` filters
(``secretary/templatetags/durations.py``): never "135 minutes" on one page and "2.25 h" on
the next, never "1 minutes".
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

MINUS = "\u2212"


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_duration(minutes) -> str:
    """``minutes`` (int, Decimal or float; rounded to the minute) as "2 h 15 min"; "" for
    none. A negative duration (hours owed) keeps its sign."""
    amount = _number(minutes)
    if amount is None:
        return ""
    total = int(amount.quantize(Decimal(1), ROUND_HALF_UP))
    hours, rest = divmod(abs(total), 60)
    if hours and rest:
        text = _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    elif hours:
        text = _("%(hours)s h") % {"hours": hours}
    else:
        text = _("%(minutes)s min") % {"minutes": rest}
    return f"{MINUS}{text}" if total < 0 else text


def format_hours(hours) -> str:
    """Decimal hours (6.50) written as a duration ("6 h 30 min")."""
    amount = _number(hours)
    return "" if amount is None else format_duration(amount * 60)


def format_clock(seconds: int) -> str:
    """A running timer's elapsed time, "1:05:09" (hours:minutes:seconds)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


_HOURS_AND_MINUTES = re.compile(
    r"^(?:(?P<h>\d+(?:[.,]\d+)?)\s*h(?:ours?|rs?)?)?\s*"
    r"(?:(?P<m>\d+)\s*m(?:in(?:ute)?s?)?)?$"
)
_CLOCK = re.compile(r"^(?P<h>\d+):(?P<m>[0-5]\d)$")


def parse_duration(text) -> int | None:
    """Minutes from what a person types: "90" (minutes), "1:30", "1 h 30 min", "1h30m",
    "1.5 h", "45 min" ("-5" is -5); None when it reads as no duration."""
    value = str(text or "").strip().lower()
    if value[:1] in ("-", MINUS):  # read, so that the rule on durations can answer it
        rest = parse_duration(value[1:])
        return None if rest is None else -rest
    if not value:
        return None
    if value.isdigit():
        return int(value)
    match = _CLOCK.match(value) or _HOURS_AND_MINUTES.match(value)
    if match is None or not (match["h"] or match["m"]):
        # "1 h 30" (minutes without their unit) reads as what it says
        trailing = re.match(r"^(\d+(?:[.,]\d+)?)\s*h\s*(\d+)$", value)
        if trailing is None:
            return None
        hours, minutes = trailing.groups()
    else:
        hours, minutes = match["h"], match["m"]
    total = Decimal((hours or "0").replace(",", ".")) * 60 + int(minutes or 0)
    return int(total.quantize(Decimal(1), ROUND_HALF_UP))
