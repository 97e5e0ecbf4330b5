"""Coverage windows edited on a weekly grid: a row a day, from and to on a 24-hour clock.

The grid posts ``<name>-<day>-<slot>-start`` / ``-end`` (day 0 = Monday). The widget turns them
into the text rules the field parses ("Mon 09:00-17:00"), so one parser checks every way in:
this grid, a post of the text itself (``<name>``) and the API's windows.
"""

from __future__ import annotations

import re
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.schedule import DAY_ABBR, DAY_LABELS, parse_windows

RULE = re.compile(r"^(?P<day>[A-Za-z]{3}) (?P<start>[^-]*)-(?P<end>.*)$")
SLOTS = 2  # spans a day offers (a split shift: 09:00-12:00 and 13:00-17:00); more when stored


def _clock(value: time, *, is_end: bool) -> str:
    return "24:00" if is_end and value == time(0, 0) else f"{value:%H:%M}"


class WeeklyWindowsWidget(forms.Widget):
    template_name = "clients/widgets/weekly_windows.html"

    def format_value(self, value):
        """``{day: [(start, end), ...]}`` of the windows (a list of Window, or their text)."""
        if isinstance(value, str):
            try:
                value = parse_windows(value)
            except forms.ValidationError:
                return _as_typed(value)
        days: dict[int, list[tuple[str, str]]] = {day: [] for day in range(7)}
        for window in sorted(value or []):
            days[window.weekday].append(
                (_clock(window.start, is_end=False), _clock(window.end, is_end=True))
            )
        return days

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        days = context["widget"]["value"]
        if not isinstance(days, dict):  # a text posted back with errors
            days = self.format_value(days)
        context["widget"]["days"] = [
            {
                "day": day,
                "label": DAY_LABELS[day],
                "slots": [
                    {
                        "index": index,
                        "start": spans[index][0] if index < len(spans) else "",
                        "end": spans[index][1] if index < len(spans) else "",
                    }
                    for index in range(max(SLOTS, len(spans)))
                ],
            }
            for day, spans in ((day, days.get(day, [])) for day in range(7))
        ]
        context["widget"]["start_label"] = _("From")
        context["widget"]["end_label"] = _("To")
        return context

    def value_from_datadict(self, data, files, name):
        """The windows as text rules: posted as text, or composed from the grid."""
        if name in data:
            return data.get(name)
        rules = []
        for day, abbr in enumerate(DAY_ABBR):
            for slot in range(_posted_slots(data, name, day)):
                prefix = f"{name}-{day}-{slot}"
                start = (data.get(f"{prefix}-start") or "").strip()
                end = (data.get(f"{prefix}-end") or "").strip()
                if start or end:
                    # A span missing one end fails the parser, which names the line.
                    rules.append(f"{abbr.title()} {start or '?'}-{end or '?'}")
        return "\n".join(rules)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(key.startswith(f"{name}-") for key in data)

    def id_for_label(self, id_):
        return f"{id_}-0-0-start" if id_ else id_


def _as_typed(text: str) -> dict[int, list[tuple[str, str]]]:
    """The grid's own rules as typed, errors included ("Mon 9:00-?"), to show them again."""
    days: dict[int, list[tuple[str, str]]] = {day: [] for day in range(7)}
    for line in text.splitlines():
        match = RULE.match(line.strip())
        if match and match["day"].lower() in DAY_ABBR:
            start, end = (part if part != "?" else "" for part in (match["start"], match["end"]))
            days[DAY_ABBR.index(match["day"].lower())].append((start, end))
    return days


def _posted_slots(data, name: str, day: int) -> int:
    slot = 0
    while f"{name}-{day}-{slot}-start" in data or f"{name}-{day}-{slot}-end" in data:
        slot += 1
    return slot
