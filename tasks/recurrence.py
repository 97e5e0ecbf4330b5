"""Recurrence rules as pure code: every N days, weeks (on a weekday) or months (on a day).

A monthly rule on a day the month lacks (the 31st in April, the 30th in February) falls on
the month's last day instead of skipping the month. Dates are local dates of the rule's zone;
the caller decides what time of day an occurrence is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil import rrule
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_INTERVAL = 366


class Frequency(models.TextChoices):
    DAILY = "daily", gettext_lazy("days")
    WEEKLY = "weekly", gettext_lazy("weeks")
    MONTHLY = "monthly", gettext_lazy("months")


WEEKDAY_NAMES = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]
_RRULE_FREQ = {
    Frequency.DAILY: rrule.DAILY,
    Frequency.WEEKLY: rrule.WEEKLY,
    Frequency.MONTHLY: rrule.MONTHLY,
}


@dataclass(frozen=True)
class Rule:
    frequency: str
    start: date
    interval: int = 1
    weekday: int | None = None  # weekly rules: 0 = Monday … 6 = Sunday
    month_day: int | None = None  # monthly rules: 1 … 31


def rule_problems(rule: Rule) -> dict[str, str]:
    """Field name → readable reason the rule cannot be used (empty when it is fine)."""
    problems: dict[str, str] = {}
    if rule.frequency not in Frequency.values:
        problems["frequency"] = _("Choose days, weeks or months.")
    if not 1 <= rule.interval <= MAX_INTERVAL:
        problems["interval"] = _("Repeat every 1 to %(max)s periods.") % {"max": MAX_INTERVAL}
    if (
        rule.frequency == Frequency.WEEKLY
        and rule.weekday is not None
        and not 0 <= rule.weekday <= 6
    ):
        problems["weekday"] = _("Choose a day of the week.")
    if (
        rule.frequency == Frequency.MONTHLY
        and rule.month_day is not None
        and not (1 <= rule.month_day <= 31)
    ):
        problems["month_day"] = _("Choose a day of the month between 1 and 31.")
    return problems


def _rrule(rule: Rule) -> rrule.rrule:
    problems = rule_problems(rule)
    if problems:
        raise ValueError("; ".join(problems.values()))
    options: dict = {
        "interval": rule.interval,
        "dtstart": datetime.combine(rule.start, datetime.min.time()),
    }
    if rule.frequency == Frequency.WEEKLY:
        options["byweekday"] = rule.weekday if rule.weekday is not None else rule.start.weekday()
    elif rule.frequency == Frequency.MONTHLY:
        wanted = rule.month_day or rule.start.day
        if wanted <= 28:
            options["bymonthday"] = wanted
        else:
            # The wanted day or, in a shorter month, the last day the month has.
            options["bymonthday"] = list(range(28, wanted + 1))
            options["bysetpos"] = -1
    return rrule.rrule(_RRULE_FREQ[Frequency(rule.frequency)], **options)


def occurrences(rule: Rule, *, after: date | None, until: date) -> list[date]:
    """Occurrence dates strictly after ``after`` (None: from the start) up to ``until``."""
    recurrence = _rrule(rule)
    found = recurrence.between(
        datetime.combine(after, datetime.min.time()) if after else datetime.min,
        datetime.combine(until, datetime.min.time()),
        inc=True,
    )
    return [moment.date() for moment in found if after is None or moment.date() > after]


def next_occurrence(rule: Rule, *, after: date) -> date | None:
    moment = _rrule(rule).after(datetime.combine(after, datetime.min.time()), inc=False)
    return moment.date() if moment else None


def describe(rule: Rule) -> str:
    unit = Frequency(rule.frequency).label
    text = (
        _("Every %(unit)s") % {"unit": unit.rstrip("s")}
        if rule.interval == 1
        else _("Every %(n)s %(unit)s") % {"n": rule.interval, "unit": unit}
    )
    if rule.frequency == Frequency.WEEKLY:
        weekday = rule.weekday if rule.weekday is not None else rule.start.weekday()
        text += " " + _("on %(day)s") % {"day": WEEKDAY_NAMES[weekday]}
    elif rule.frequency == Frequency.MONTHLY:
        text += " " + _("on day %(day)s") % {"day": rule.month_day or rule.start.day}
    return text
