"""Checks other apps add to the engagement builder: can the practice staff the coverage being
drafted? (The roster registers one.) This app never imports the apps that register them.

A check is ``(template, context)``; ``context(request, engagement, coverage)`` returns the
template's context, or None to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_CHECKS: dict[str, tuple[str, Callable[[Any, Any, Any], dict | None]]] = {}


def register_staffing_check(
    key: str, *, template: str, context: Callable[[Any, Any, Any], dict | None]
) -> None:
    _CHECKS.setdefault(key, (template, context))


def staffing_checks(request, engagement, coverage) -> list[dict]:
    """The registered checks of ``coverage`` (the draft's, as typed or saved)."""
    found = []
    for template, context in _CHECKS.values():
        data = context(request, engagement, coverage)
        if data is not None:
            found.append({"template": template, "context": data})
    return found
