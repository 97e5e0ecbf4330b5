"""Coverage windows as plain values: the contract between engagements and the SLA clock.

A window is one weekday's span in the coverage time zone; ``end == time(0, 0)`` means midnight
at the end of that day. Windows never cross midnight: 22:00–06:00 is two windows. An
``always_on`` coverage (24/7 on-call) counts every hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from itertools import pairwise

WEEKDAYS = range(7)  # 0 = Monday … 6 = Sunday, as datetime.weekday()


@dataclass(frozen=True, order=True)
class Window:
    weekday: int
    start: time
    end: time

    @property
    def ends_at_midnight(self) -> bool:
        return self.end == time(0, 0)

    def minutes(self) -> int:
        end_minutes = 24 * 60 if self.ends_at_midnight else self.end.hour * 60 + self.end.minute
        return end_minutes - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class Coverage:
    time_zone: str
    windows: tuple[Window, ...] = field(default_factory=tuple)
    always_on: bool = False

    def weekly_minutes(self) -> int:
        return 7 * 24 * 60 if self.always_on else sum(w.minutes() for w in self.windows)


def window_problems(windows: list[Window]) -> list[str]:
    """Human-readable reasons a set of windows is invalid (inverted, empty or overlapping)."""
    from django.utils.translation import gettext as _

    problems: list[str] = []
    for window in windows:
        if window.weekday not in WEEKDAYS:
            problems.append(_("A window has an invalid weekday."))
        elif not window.ends_at_midnight and window.end <= window.start:
            problems.append(
                _("A window must end after it starts (%(start)s–%(end)s).")
                % {"start": window.start.strftime("%H:%M"), "end": window.end.strftime("%H:%M")}
            )
    ordered = sorted(w for w in windows if window_problems_free(w))
    for previous, current in pairwise(ordered):
        if previous.weekday == current.weekday and _end_minutes(previous) > _start_minutes(current):
            problems.append(
                _("Coverage windows on the same day overlap (%(a)s and %(b)s).")
                % {
                    "a": f"{previous.start:%H:%M}–{previous.end:%H:%M}",
                    "b": f"{current.start:%H:%M}–{current.end:%H:%M}",
                }
            )
    return problems


def window_problems_free(window: Window) -> bool:
    return window.weekday in WEEKDAYS and (window.ends_at_midnight or window.end > window.start)


def _start_minutes(window: Window) -> int:
    return window.start.hour * 60 + window.start.minute


def _end_minutes(window: Window) -> int:
    return 24 * 60 if window.ends_at_midnight else window.end.hour * 60 + window.end.minute
